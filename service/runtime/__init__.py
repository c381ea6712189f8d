"""What a process is made of, built from the settings: the store, the backend's Google
clients, the use cases' Backend and the queue of background syncs. The web app, the
``map`` command, local mode and the sync processes all start from here; nothing is
built at import.

    wiring.py          the store and the use cases' Backend from the settings
    gateways.py        the backend's own Sheets/Drive clients (one per thread) and a seller's
    sync_queue.py      SyncQueue, what a hook hands a sync to, and the in-process one
    sync_pool.py       background syncs on threads, a spreadsheet queued at most once
    sync_processes.py  the same syncs in niced processes (MAP_SYNC_PROCESSES)
    logs.py            one JSON line per record for Cloud Logging, credentials redacted
"""
