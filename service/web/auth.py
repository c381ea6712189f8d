"""Who is calling: Google ID tokens verified with google-auth, and the organisation rule.

An add-on or trigger call carries ``Authorization: Bearer <ID token>``. The token is
verified by ``google.oauth2.id_token.verify_token`` (signature against the issuer's
certificates, cached by :class:`CachingCertsRequest`; expiry; audience = one of the OAuth
client ids), then its issuer and ``email_verified`` are checked here. Local mode runs the
same code against the emulator's issuer.

The caller's organisation is the token's ``hd`` claim (the Workspace domain Google
vouches for). A token without ``hd`` is a consumer account (gmail.com, outlook.com,
yahoo.com, or any address not managed by Workspace): that account is an organisation of
its own, named by its address. The email's domain is never trusted on its own: anyone can
make a Google account for any address they can receive mail at (docs/security.md).

Messages say what is wrong with a token, never what is in it: google-auth's own messages
may quote the token, so they are not passed on.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.auth import exceptions as auth_exceptions
from google.oauth2 import id_token

from service.web.certs_cache import CachingCertsRequest
from service.web.errors import Forbidden, Unauthenticated, Unavailable

# Longer than any ID token Google issues; longer input is refused before parsing.
MAX_TOKEN_LENGTH = 8192
# Verified tokens remembered until they expire (about an hour each).
VERIFIED_TOKENS_KEPT = 10_000


@dataclass(frozen=True)
class Caller:
    email: str
    org: str
    subject: str


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; 401 without one."""
    if not authorization:
        raise Unauthenticated("an ID token is required (Authorization: Bearer <token>)")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("the Authorization header must be 'Bearer <ID token>'")
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("the ID token is malformed")
    return token


def organisation(claims: Mapping[str, Any]) -> str:
    """The caller's organisation: ``hd``; without it, the account's own address."""
    hd = claims.get("hd")
    if isinstance(hd, str) and hd.strip():
        return hd.strip().lower()
    return str(claims["email"]).strip().lower()


class IdTokenVerifier:
    def __init__(
        self,
        *,
        audiences: Sequence[str],
        issuers: Sequence[str],
        certs_url: str,
        transport: CachingCertsRequest,
        clock_skew_s: int = 10,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not audiences:
            raise ValueError("at least one OAuth client id (audience) must be configured")
        self.audiences = list(audiences)
        self.issuers = frozenset(issuers)
        self.certs_url = certs_url
        self.transport = transport
        self.clock_skew_s = clock_skew_s
        self.clock = clock
        # sha256(token) -> (caller, expiry): Apps Script reuses one ID token for up to an
        # hour, so most requests skip the signature check. Only verified tokens go in.
        self._verified: dict[bytes, tuple[Caller, float]] = {}
        self._lock = threading.Lock()

    def verify(self, token: str, *, extra_audiences: Sequence[str] = ()) -> Caller:
        """The caller the token stands for; :class:`Unauthenticated` when it does not
        verify, :class:`Unavailable` when the certificates cannot be fetched."""
        key = hashlib.sha256(f"{token}|{','.join(extra_audiences)}".encode()).digest()
        now = self.clock()
        with self._lock:
            known = self._verified.get(key)
        if known is not None and known[1] > now:
            return known[0]
        caller, expires = self._verify(token, extra_audiences)
        with self._lock:
            if len(self._verified) >= VERIFIED_TOKENS_KEPT:
                self._verified = {k: v for k, v in self._verified.items() if v[1] > now}
                if len(self._verified) >= VERIFIED_TOKENS_KEPT:
                    self._verified.clear()
            self._verified[key] = (caller, expires)
        return caller

    def _verify(self, token: str, extra_audiences: Sequence[str]) -> tuple[Caller, float]:
        claims = self._decode(token, [*self.audiences, *extra_audiences])
        if claims.get("iss") not in self.issuers:
            raise Unauthenticated("the ID token comes from an issuer this service does not trust")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise Unauthenticated("the ID token carries no email (ask for the email scope)")
        if claims.get("email_verified") not in (True, "true"):
            raise Unauthenticated("the ID token's email is not verified")
        caller = Caller(
            email=email.strip().lower(),
            org=organisation(claims),
            subject=str(claims.get("sub", "")),
        )
        # Trusted until its expiry (with the same allowance for clock skew as google-auth),
        # by this verifier's clock as well as google-auth's (the system clock): one clock
        # decides both whether a remembered token is still good and whether it expired.
        expires = float(claims["exp"]) + self.clock_skew_s
        if expires <= self.clock():
            raise Unauthenticated("the ID token has expired")
        return caller, expires

    def _decode(self, token: str, audiences: list[str]) -> Mapping[str, Any]:
        for attempt in range(2):
            try:
                claims: Mapping[str, Any] = id_token.verify_token(
                    token,
                    self.transport,
                    audience=audiences,
                    certs_url=self.certs_url,
                    clock_skew_in_seconds=self.clock_skew_s,
                )
                return claims
            except auth_exceptions.TransportError as exc:
                raise Unavailable("the sign-in certificates could not be fetched") from exc
            except Exception as exc:  # google-auth raises several types; all mean "invalid"
                text = str(exc)
                # An unknown key id: the issuer may have rotated its keys since we cached.
                rotated = attempt == 0 and "Certificate for key id" in text
                if rotated and self.transport.refresh(self.certs_url):
                    continue
                raise Unauthenticated(_reason(text)) from None
        raise Unauthenticated("the ID token's signature does not verify")


def _reason(text: str) -> str:
    if text.startswith("Token expired"):
        return "the ID token has expired"
    if text.startswith("Token used too early"):
        return "the ID token is not valid yet (check the clock)"
    if "wrong audience" in text:
        return "the ID token was issued for another client (audience)"
    if "signature" in text or "Certificate for key id" in text:
        return "the ID token's signature does not verify"
    return "the ID token is malformed"


def cron_allowed(
    *,
    cron_header: str | None,
    trust_cron_header: bool,
    authorization: str | None,
    verifier: IdTokenVerifier,
    cron_account: str,
    cron_audiences: Sequence[str],
) -> None:
    """Lets a cron call through, or raises 401/403 (see docs/api.md)."""
    if trust_cron_header and cron_header == "true":
        return
    caller = verifier.verify(bearer_token(authorization), extra_audiences=cron_audiences)
    if not cron_account or not hmac.compare_digest(
        caller.email.encode(), cron_account.strip().lower().encode()
    ):
        raise Forbidden("only the scheduler may run this task")


def queue_allowed(
    *,
    require_oidc: bool,
    authorization: str | None,
    verifier: IdTokenVerifier,
    queue_account: str,
    audience: str,
) -> None:
    """Lets a Cloud Tasks call through: an ID token of the queue's service account for
    ``audience``, verified like cron's; 401/403 otherwise. ``require_oidc`` False (a
    local queue that sends no token; refused in production by the settings) lets every
    call through."""
    if not require_oidc:
        return
    caller = verifier.verify(bearer_token(authorization), extra_audiences=[audience])
    if not queue_account or not hmac.compare_digest(
        caller.email.encode(), queue_account.strip().lower().encode()
    ):
        raise Forbidden("only the task queue may run this task")
