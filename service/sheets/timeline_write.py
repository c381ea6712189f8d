"""The Timeline tab's part of a sync's write, worked out again only when its inputs change.

Most syncs follow an edit that leaves the Timeline alone: the same timeline (the engine's
:class:`~service.domain.timeline.Timeline`, compared as a value), in the same locale,
against the same tab as the last sync read it. Working out the cells the tab must show
(``wanted_cells``) and comparing them cell by cell with the tab (``write_requests``)
then gives what it gave last time: none. Each thread keeps the last cells it worked out
(with the timeline and locale they are for) and the last tab as read that needed no
request, and skips both steps when the inputs are equal to those. The tab as read is
compared as a whole (the parsed JSON's own equality, not cell by cell through
``cells.shows``): the requests depend on nothing else, so equal inputs give the same
(no) requests. When any input differs, the steps run as before; requests that change
the tab are not kept (the next read sees the tab changed).

Per thread: the gateways are per thread (``clients.PerThreadGateways``), and one slot
a thread keeps memory bounded; a thread syncing another MAP just works it out.
"""

from __future__ import annotations

import threading
from typing import Any

from service.domain.timeline import Timeline
from service.sheets.timeline_tab import TimelineCells, wanted_cells, write_requests


class _Last(threading.local):
    """The last thread's inputs and answers (nothing before its first write)."""

    timeline: Timeline | None = None
    locale: str = ""
    wanted: TimelineCells | None = None
    # The last tab as read that already showed ``wanted`` (its sheet id, its cells).
    sheet_id: int | None = None
    current: TimelineCells | None = None


_last = _Last()


def timeline_write(
    sheet_id: int, current: TimelineCells, timeline: Timeline, locale: str
) -> tuple[TimelineCells, list[dict[str, Any]]]:
    """What the tab must show for ``timeline`` in ``locale``, and the requests that bring
    the tab ``sheet_id`` from ``current`` to it (``write_requests`` of ``wanted_cells``).
    The cells returned are shared with later calls: they are read, never changed."""
    last = _last
    if last.wanted is None or last.locale != locale or last.timeline != timeline:
        last.wanted = wanted_cells(timeline, locale)
        last.timeline, last.locale = timeline, locale
        last.sheet_id = last.current = None
    wanted = last.wanted
    if (
        last.current is not None
        and last.sheet_id == sheet_id
        and (last.current is current or last.current == current)
    ):
        return wanted, []
    requests = write_requests(sheet_id, current, wanted)
    if not requests:
        last.sheet_id, last.current = sheet_id, current
    return wanted, requests
