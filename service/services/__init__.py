"""The use cases: what the backend does for the people who keep a MAP, in the engine's
terms (plans in, computed plans out), over two ports: the MAP spreadsheet
(``map_sheets.MapSheets``; Google's is ``service.sheets.GoogleMapSheets``) and the store.
Nothing here knows A1 notation or a request body; of ``service.sheets`` only its errors
are caught.

    backend.py        Backend: the store, the spreadsheets (the backend's, a seller's),
                      the clock and the links, as one object built by service.runtime
    map_sheets.py     MapSheets, the port: read, the plan a reading shows, prepare and
                      make a write, lay out, share, watch
    provision.py      Create MAP: lay out, share, register and watch (watch_map)
    sync.py           sync_map: load, read, diff, recompute, write, save
    guarded_write.py  a write whose outcome is unknown kept pending; history exactly once
    rollover.py       the date rolling over, recomputed without a read
    coalesce.py       sync_coalesced: one sync per MAP at a time, notifications coalesced
    if_changed.py     a notification's sync: no Sheets read when the file is at our version
    review.py         the weekly review
    sweep.py          the periodic sweep and the renewal of Drive channels
    views.py          the pipeline and one MAP's plan, from the store alone
    changes.py        detected changes as history: authors, events, History tab rows
    map_state.py      what the backend keeps of a MAP between syncs (the snapshot)

See docs/sync.md for how a MAP stays in sync and the invariants that hold.
"""
