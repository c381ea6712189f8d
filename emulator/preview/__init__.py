"""The live preview: a MAP spreadsheet in the browser, the way Sheets shows it.

Served by the emulator app under ``/preview``. A person picks who they are (the
spreadsheet's owner, someone it is shared with, or any email), and edits cells, inserts
and deletes rows; each edit goes through the emulator's Sheets model as that user, with
the emulator's permissions, so it fires Drive push notifications like any other change.
Where live updates are on for a spreadsheet (standing for the add-on's "Enable live
updates"), the edit is also posted to the backend's ``/hooks/sheet-edit`` as the add-on's
installable trigger would, with the seller's identity token. Pages follow changes by long
polling the file's version, so a backend write shows within a moment.

The add-on's own dialogs (``appsscript/src/*.html``) are served too, read from the
repository at request time, with a local ``google.script.run`` stand-in that maps the
add-on's server functions to the backend's HTTP endpoints.

Layout:
    cell_style.py   one cell's look: colours, fonts, alignment, conditional formats
    grid_view.py    a spreadsheet resource as the page's view model (tabs, rows, cells)
    feed.py         file versions, and waiting for the next change (long polling)
    acting.py       edits as a person: a cell, a row inserted below, a row deleted
    triggers.py     live updates: the add-on's installable triggers, posted to the backend
    addon.py        the add-on's dialogs and the google.script.run stand-in's backend calls
    routes.py       the pages and JSON endpoints (the ``preview`` blueprint)
"""
