"""Drive v3 in the emulator: files, permissions, watch channels and push notifications.

Modules:
    api.py            the ``drive`` blueprint under ``/drive/v3``, nesting one per resource
    files.py          files.create/get/list/update/copy/delete/export/watch, comments.list
    permissions.py    permissions.*, and the invitations Drive would have emailed
    push.py           opening channels, channels.stop, the messages a change sends
    channels.py       the open watch channels (persisted with the state)
    delivery.py       posting notifications on background threads, with retries
    listing.py        what files.list shows, in which order, a page at a time
    query.py          Drive's search language (``q``)
    access.py         who may see or change a file, with Drive's 404s and 403s
    protocol.py       request bodies, query parameters, ``fields`` on answers
    fields.py         the ``fields`` selection, checked against Drive's schemas
    resources.py      the File and Permission resources as JSON
    spreadsheets.py   what Drive does to a spreadsheet (create, copy, rename, export)
"""
