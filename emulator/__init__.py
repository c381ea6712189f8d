"""A local, protocol-faithful emulator of the Google APIs the product uses.

Sheets v4 (``/v4/spreadsheets...``), Drive v3 (``/drive/v3/...``) and a development
OpenID Connect issuer, served over HTTP so that the real client libraries
(google-api-python-client, gspread, google-auth) talk to it unchanged. It is the
product's embedded default, not test-only code.

Layout:
    state.py     files, users, the change feed; one lock; persistence hooks
    errors.py    Google's JSON error shapes
    app.py       the WSGI app factory: routing, per-request user, counters, faults
    server.py    run it in a background thread or as ``python -m service emulator``
    sheets/      Sheets v4: spreadsheet model, values API, batchUpdate, fields masks
    drive.py     Drive v3: files, permissions, watch channels
    oidc.py      sign-in: signing keys, certs endpoint, ID and access tokens
    push.py      delivers Drive push notifications to watch channels
    control.py   ``/__emulator/...``: faults, counters, race hooks, users, reset
    preview/     ``/preview/...``: a live view of the spreadsheets, where a person edits
                 as the seller or a buyer (see docs/local-mode.md)
"""
