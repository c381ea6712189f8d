"""The development OpenID Connect issuer's tokens: its signing key, and ID tokens
shaped like Google's.

ID tokens are RS256 with ``kid``, signed by one key kept in the data directory, and
verifiable with google-auth's own ``id_token.verify_token(...,
certs_url=<emulator>/oauth2/v1/certs)``. Google's public sign-in endpoints are in
:mod:`emulator.oauth2`; the control endpoints that mint tokens on request in
:mod:`emulator.credentials`.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from emulator.signing import IssuerKeys
from emulator.state import EmulatorState


def issuer_keys(state: EmulatorState) -> IssuerKeys:
    keys: IssuerKeys = state.extensions.setdefault("oidc.keys", IssuerKeys(state.data_dir))
    return keys


def subject_for(email: str) -> str:
    """A stable 21-digit subject per email, as Google's ``sub`` looks."""
    digest = int(hashlib.sha256(email.lower().encode()).hexdigest(), 16)
    return str(10**20 + digest % (9 * 10**20))


# Addresses at these domains are consumer Google accounts; the emulator treats every
# other domain as a Google Workspace domain, whose users' ID tokens carry ``hd``.
CONSUMER_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "gmx.de",
    }
)


def hosted_domain(email: str) -> str | None:
    """The Workspace domain Google would put in ``hd`` for ``email``'s sign-in."""
    domain = email.rpartition("@")[2].strip().lower()
    return None if not domain or domain in CONSUMER_DOMAINS else domain


def id_token_claims(
    *,
    issuer: str,
    email: str,
    audience: str,
    expires_in: int = 3600,
    email_verified: bool = True,
    hd: str | None = None,
    name: str | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    now = int(time.time())
    # An already-expired token was also issued in the past, as a real one would be.
    issued = now if expires_in > 0 else now + expires_in - 3600
    claims: dict[str, Any] = {
        "iss": issuer,
        "azp": audience,
        "aud": audience,
        "sub": subject_for(email),
        "email": email,
        "email_verified": email_verified,
    }
    if hd:
        claims["hd"] = hd
    if name:
        claims["name"] = name
    if nonce:
        claims["nonce"] = nonce
    claims["iat"] = issued
    claims["exp"] = now + expires_in
    return claims


def mint_id_token(state: EmulatorState, claims: dict[str, Any]) -> str:
    return issuer_keys(state).current().sign(claims)
