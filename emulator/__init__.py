"""A local, protocol-faithful emulator of the Google APIs the product uses.

Sheets v4 (``/v4/spreadsheets...``), Drive v3 (``/drive/v3/...``) and a development
OpenID Connect issuer, served over HTTP so that the real client libraries
(google-api-python-client, gspread, google-auth) talk to it unchanged. It is the
product's embedded default, not test-only code, and imports nothing from the product.
What it serves and how to use it: ``README.md`` beside this file.

Running it:
    __main__.py         ``python -m emulator [--port N] [--data DIR]``
    server.py           ``EmulatorServer``: the app on 127.0.0.1, in a thread or in front
    http_server.py      a small threaded HTTP/1.1 server with keep-alive
    app.py              the app factory: error handlers, the request pipeline, blueprints
    context.py          what views read: the state, the caller, the emulator's URL

State:
    state.py            Drive files (some of them spreadsheets), access, the change feed
    clock.py            the emulator's time (file times, channel expiry, TODAY())
    persistence.py      the state in a data directory, written within a second
    errors.py           Google's JSON error shapes

The APIs:
    sheets/             Sheets v4: the spreadsheet model, values, batchUpdate, formulas,
                        and its routes (``sheets/api.py``)
    drive/              Drive v3: files, permissions, watch channels and push
                        notifications, and its routes (``drive/api.py``)

Sign-in and callers:
    users.py            minted access tokens; who the caller of a request is
    signing.py          RSA keys and certificates
    oidc.py             the issuer's ID tokens
    service_accounts.py key files the emulator issues, and JWTs made with them
    oauth2.py           Google's public sign-in endpoints (certs, token, tokeninfo, ...)

Control (``/__emulator/...``, for tests and local use):
    control.py          health, reset, files, clock, channels, invitations; nests the rest
    credentials.py      ID tokens, access tokens and key files minted on request
    counters.py         requests counted per method id and file
    faults.py           injected errors, delays, dropped connections and held requests
    race_hooks.py       a person's edit put between two of the caller's requests
    testing.py          for tests that drive the emulator over HTTP (holds, waiting)

    preview/            ``/preview/...``: a live view of the spreadsheets, where a person
                        edits as the seller or a buyer (see docs/local-mode.md)
    tests/              the emulator's own tests
"""
