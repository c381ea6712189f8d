"""The end of a process's start-up: what it built set aside from the garbage collector.

A backend process holds about 150,000 long-lived objects once it has started (the
libraries' modules, the Google clients' discovery documents, the app). Python's cyclic
garbage collector walks all of them in each full collection: about 50 ms, once every 100
syncs or so, about 0.5 ms a sync on average, and a pause that lands on whichever
request or sync is running then. None of them will ever be garbage.

:func:`settle` collects once, then freezes what is left (``gc.freeze()``): those objects
are no longer walked, and full collections cover only what was made since. It is called
where a process has finished starting: a gunicorn worker after loading the app
(:mod:`service.web.gunicorn_config`), a sync process after building its backend
(:mod:`service.runtime.sync_processes`), and ``serve`` once everything is up. Not in
``create_app``: tests build many apps in one process, and freezing there would keep
each earlier test's leftovers for the rest of the run.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect once, then exempt every object that survives from later collections."""
    gc.collect()
    gc.freeze()
