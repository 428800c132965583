"""The web desk: a face of nianbao like the bot, served by the same program on the same storage.

``app`` builds the aiohttp application (middlewares: errors, CSRF, who is asking), ``auth`` signs
people in and out, ``overview`` and ``agency_pages`` are the supervisors' and the agencies' pages,
``views`` turns stored submissions into what a page shows, ``server`` runs the desk beside the bot
or alone (``nianbao web``)."""
