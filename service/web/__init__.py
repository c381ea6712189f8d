"""The HTTP backend: what the add-on, Drive push notifications and cron call.

    app.py            create_app(settings=None): builds everything; nothing at import
    api.py            /api: templates, Create MAP, pipeline, deal health, refresh,
                      review, calendar feed
    hooks.py          /hooks: the add-on's edit trigger and Drive push notifications
    tasks.py          /tasks: cron (sweep, channel renewal)
    meta.py           /healthz, /openapi.json
    auth.py           ID tokens (google-auth), organisations, cron callers
    certs_cache.py    the issuer's certificates, fetched once and kept
    schemas.py        request and response bodies (pydantic)
    validation.py     bodies and queries into schemas, errors naming the field
    errors.py         every error as {"error": {code, message, details}} and its status
    openapi.py        the OpenAPI 3.1 description, from the schemas
    calendar_feed.py  milestones as iCalendar
    context.py        what the routes share; the caller and the MAPs they may act on

The store, the Google clients, the Backend and the queue of background syncs come from
:mod:`service.runtime`, which the app factory asks for them.

See docs/api.md for the contract and docs/deploy.md for running it.
"""
