"""Credentials for the web tests: ID and access tokens the emulator mints, and tokens
that must be refused (expired, wrong audience or issuer, signed by another key)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt, jwt

AUDIENCE = "map-addon-local"
SELLER = "sam@vendor.example"
ORG = "vendor.example"
OTHER_ORG_USER = "olga@rival.example"
CRON_ACCOUNT = "map-cron@map-local.iam.gserviceaccount.com"


def id_token(emulator_url: str, email: str = SELLER, **claims: Any) -> str:
    """An ID token the emulator signs, as ScriptApp.getIdentityToken() gives one. Users at
    the test's ``.example`` domains are Workspace users (``hd`` is their domain) unless
    ``hd=None`` says otherwise; others (gmail.com, outlook.com) are consumer accounts."""
    domain = email.rpartition("@")[2]
    hd = claims.pop("hd", domain if domain.endswith(".example") else None)
    body = {"email": email, "audience": AUDIENCE, "hd": hd, **claims}
    response = requests.post(f"{emulator_url}/__emulator/oidc/id-token", json=body, timeout=10)
    response.raise_for_status()
    token: str = response.json()["id_token"]
    return token


def access_token(emulator_url: str, email: str = SELLER) -> str:
    """An OAuth access token for ``email``, as ScriptApp.getOAuthToken() gives one."""
    response = requests.post(
        f"{emulator_url}/__emulator/oidc/access-token", json={"email": email}, timeout=10
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def token_signed_by_another_key(emulator_url: str, email: str = SELLER) -> str:
    """Claims that would pass, under the emulator's key id, signed with a key it never had."""
    certs = requests.get(f"{emulator_url}/oauth2/v1/certs", timeout=10).json()
    kid = next(iter(certs))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = crypt.RSASigner.from_string(pem, key_id=kid)
    now = int(time.time())
    claims = {
        "iss": emulator_url,
        "aud": AUDIENCE,
        "azp": AUDIENCE,
        "sub": uuid.uuid4().hex,
        "email": email,
        "email_verified": True,
        "iat": now,
        "exp": now + 3600,
    }
    token: bytes = jwt.encode(signer, claims)
    return token.decode()


def bad_credentials(emulator_url: str) -> dict[str, dict[str, str]]:
    """Authorization headers that must all be refused with 401."""

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    return {
        "no token": {},
        "not a bearer token": {"Authorization": "Basic c2FtOnNlY3JldA=="},
        "garbage token": bearer("not-a-jwt"),
        "expired token": bearer(id_token(emulator_url, expires_in=-120)),
        "wrong audience": bearer(id_token(emulator_url, audience="someone-elses-client")),
        "wrong issuer": bearer(id_token(emulator_url, issuer="https://issuer.evil.example")),
        "another key's signature": bearer(token_signed_by_another_key(emulator_url)),
        "unverified email": bearer(id_token(emulator_url, email_verified=False)),
    }


def bearer(emulator_url: str, email: str = SELLER, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {id_token(emulator_url, email, **claims)}"}
