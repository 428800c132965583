"""The use-case layer: what a person may do, and what follows when they do it, written once for
every face (chat, the web desk, the command line, another messenger). A face parses what it
received, calls a use case with the ``Person`` asking, and renders the typed result; it never
decides a permission, a state or a consequence itself.

- ``office``: the services every face shares, wired once (configuration, the store through its
  async path, stored files, the worker pool, the clock) and the people they can reach;
- ``people``: who a person is (``person_of``, the one role lookup) and ``allowed``, the one check;
- ``campaign``: the county's rows (the campaign state of every agency), its summary, chart, CSV;
- ``words``: a supervisor's acceptance of an issue, its revocation, staff explanations; the
  people concerned are told;
- ``invites``: invite codes (never for a deactivated agency; who made one is audited), redeeming
  one, one-time web sign-in links;
- ``intake``: a draft taken in from any face, and the review of a recorded draft.
"""
