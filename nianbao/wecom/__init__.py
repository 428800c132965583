"""The WeCom face (企业微信, and 政务微信 on the government's own server: the same API): the
county office's self-built app (自建应用) as a chat, on the same use-case layer as Telegram.

    settings.py   [wecom] and NIANBAO_WECOM_*            crypto.py    the callback's signature and AES
    inbound.py    a callback's XML as a message          ids.py       WeCom UserIDs as member ids
    api.py        the WeCom API (token, send, media)     render.py    chat HTML as WeCom text, split
    deliver.py    the draft pipeline's Deliver           callback.py  /wecom/callback (GET, POST)
    chat.py       a message answered (commands, texts, files, menu clicks)
    pastes.py     a paste in parts                       menu.py      the app menu from the registry
    reminders.py  the January reminders                  service.py   the face wired on the office
    face.py       FACE for ``nianbao serve``             doctor.py    what ``nianbao doctor`` checks
    texts.py      what only this face says
"""
