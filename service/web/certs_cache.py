"""A google-auth transport that keeps the issuer's signing certificates for a while.

``google.oauth2.id_token.verify_token`` fetches the certificates on every call; handing it
this transport makes one fetch serve every request until the certificates' own
``Cache-Control: max-age`` runs out (bounded below and above). When a token names a key
the cached set lacks (the issuer rotated its keys), :meth:`refresh` drops the entry, at
most once per ``min_refresh_s`` so a flood of tokens with made-up key ids cannot turn
into a flood of fetches.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.auth import transport

_MAX_AGE = re.compile(r"max-age=(\d+)")


@dataclass(frozen=True)
class CachedResponse(transport.Response):
    """A response held in memory (google-auth's Response interface)."""

    status_code: int
    header_map: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def status(self) -> int:
        return self.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self.header_map

    @property
    def data(self) -> bytes:
        return self.body


class CachingCertsRequest(transport.Request):
    """Caches successful GETs by URL; other methods pass straight through."""

    def __init__(
        self,
        inner: transport.Request,
        *,
        default_ttl_s: float = 300.0,
        min_ttl_s: float = 60.0,
        max_ttl_s: float = 6 * 3600.0,
        min_refresh_s: float = 30.0,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._default_ttl_s = default_ttl_s
        self._min_ttl_s = min_ttl_s
        self._max_ttl_s = max_ttl_s
        self._min_refresh_s = min_refresh_s
        self._timeout_s = timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[CachedResponse, float]] = {}
        self._last_refresh: dict[str, float] = {}
        self.fetches = 0

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> transport.Response:
        if method.upper() != "GET":
            passed: transport.Response = self._inner(
                url, method=method, body=body, headers=headers, timeout=timeout
            )
            return passed
        # One fetch at a time: concurrent requests after expiry wait for the same fetch.
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and cached[1] > self._clock():
                return cached[0]
            response = self._inner(
                url, method="GET", headers=headers, timeout=timeout or self._timeout_s
            )
            self.fetches += 1
            kept = CachedResponse(response.status, dict(response.headers), response.data)
            if kept.status == 200:
                self._cache[url] = (kept, self._clock() + self._ttl(kept.headers))
            return kept

    def refresh(self, url: str) -> bool:
        """Forget ``url``'s cached answer unless that was done in the last
        ``min_refresh_s``; True when it was forgotten (worth verifying again)."""
        with self._lock:
            now = self._clock()
            last = self._last_refresh.get(url)
            if last is not None and now - last < self._min_refresh_s:
                return False
            self._last_refresh[url] = now
            return self._cache.pop(url, None) is not None

    def _ttl(self, headers: Mapping[str, str]) -> float:
        control = next((v for k, v in headers.items() if k.lower() == "cache-control"), "")
        match = _MAX_AGE.search(control)
        ttl = float(match.group(1)) if match else self._default_ttl_s
        return max(self._min_ttl_s, min(self._max_ttl_s, ttl))
