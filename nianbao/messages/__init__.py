"""Everything the bot says, in simplified Chinese, as Telegram HTML (escaped), split to fit; and
the lines its operator reads. One module per area; every name is here too, so that code writes
``from nianbao import messages as say`` and ``say.NAME`` without knowing where NAME lives:

- ``format``: splitting to Telegram's limit, an issue as a line, times and durations;
- ``drafts``: a draft's review, the rule catalogue, the pipeline's replies, a report pasted in parts;
- ``access``: welcome, binding, roles, help, invites, the guards, people and members, the audit log;
- ``status``: an agency's record, the county's status, overdue agencies, reminders, agency and year arguments;
- ``words``: a supervisor's acceptance of an issue and staff's explanation of one;
- ``files``: the names and captions of the files the bot sends;
- ``console``: lines for the terminal and the log (serve, reaching Telegram, importing past reports).

``tests/test_messages.py`` keeps user-facing Chinese out of the bot's and the pipeline's code.
"""

from .access import *  # noqa: F403
from .console import *  # noqa: F403
from .drafts import *  # noqa: F403
from .files import *  # noqa: F403
from .format import *  # noqa: F403
from .status import *  # noqa: F403
from .words import *  # noqa: F403
