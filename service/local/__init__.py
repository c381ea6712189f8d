"""Local mode: the whole product on one machine, with no Google account.

``python -m service serve`` runs, in one process, the Google emulator (Sheets, Drive,
sign-in; with the preview UI) and the backend (the same app factory as in production,
configured for the emulator), plus the cron jobs App Engine would run. See
``docs/local-mode.md``.

    settings.py   the backend's settings for local mode
    stack.py      start and stop the emulator, the backend and the cron jobs together
    cron.py       the cron jobs of cron.yaml, run on a timer
    channels.py   Drive channels follow the backend when its address changes
    demo.py       the demo MAP (--demo): a sample MAP with some buyer history
"""
