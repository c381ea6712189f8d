"""The dev OIDC issuer, checked with google-auth's own verification code."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import google.auth.transport.requests
import pytest
import requests
from google.auth import crypt, jwt
from google.oauth2 import id_token

from emulator.signing import SigningKey
from emulator.tests.infra_clients import control

AUDIENCE = "1234-addon.apps.googleusercontent.com"


@pytest.fixture
def transport() -> Iterator[google.auth.transport.requests.Request]:
    session = requests.Session()
    yield google.auth.transport.requests.Request(session)
    session.close()


def mint(url: str, **body: Any) -> str:
    body.setdefault("audience", AUDIENCE)
    body.setdefault("email", "seller@vendor.com")
    token: str = control(url, "POST", "oidc/id-token", json=body)["id_token"]
    return token


def verify(url: str, token: str, transport: Any, audience: str = AUDIENCE) -> Any:
    """The backend's production path: google-auth against the emulator's certs."""
    return id_token.verify_token(
        token, transport, audience=audience, certs_url=f"{url}/oauth2/v1/certs"
    )


def test_the_backend_verifies_an_emulator_id_token_with_google_auth(
    emulator: Any, transport: Any
) -> None:
    token = mint(emulator.url, email="seller@vendor.com", hd="vendor.com", name="Sam Seller")

    claims = verify(emulator.url, token, transport)

    assert claims["email"] == "seller@vendor.com"
    assert claims["email_verified"] is True
    assert claims["hd"] == "vendor.com"
    assert claims["name"] == "Sam Seller"
    assert claims["aud"] == AUDIENCE
    assert claims["iss"] == emulator.url
    assert claims["exp"] > time.time()


def test_an_id_token_carries_the_kid_of_a_published_certificate(emulator: Any) -> None:
    token = mint(emulator.url)

    header = jwt.decode_header(token)  # type: ignore[no-untyped-call]
    certs = requests.get(f"{emulator.url}/oauth2/v1/certs", timeout=10).json()

    assert header["alg"] == "RS256"
    assert header["kid"] in certs
    assert certs[header["kid"]].startswith("-----BEGIN CERTIFICATE-----")


def test_an_expired_id_token_fails_verification(emulator: Any, transport: Any) -> None:
    token = mint(emulator.url, expires_in=-60)

    with pytest.raises(ValueError, match="expired"):
        verify(emulator.url, token, transport)


def test_an_id_token_for_another_audience_fails_verification(emulator: Any, transport: Any) -> None:
    token = mint(emulator.url, audience="someone-else.apps.googleusercontent.com")

    with pytest.raises(ValueError, match="audience"):
        verify(emulator.url, token, transport)


def test_an_id_token_signed_by_another_key_fails_verification(
    emulator: Any, transport: Any
) -> None:
    genuine = jwt.decode(mint(emulator.url), verify=False)  # type: ignore[no-untyped-call]
    kid = jwt.decode_header(mint(emulator.url))["kid"]  # type: ignore[no-untyped-call]
    # Same claims and the issuer's kid, signed with a key the issuer never had.
    forger = crypt.RSASigner.from_string(  # type: ignore[no-untyped-call]
        SigningKey.generate().private_pem, key_id=kid
    )
    forged = jwt.encode(forger, genuine).decode()  # type: ignore[no-untyped-call]

    with pytest.raises(ValueError, match="signature"):
        verify(emulator.url, forged, transport)


def test_the_issuer_is_visible_for_the_caller_to_check(emulator: Any, transport: Any) -> None:
    token = mint(emulator.url, issuer="https://accounts.google.example")

    claims = verify(emulator.url, token, transport)

    # google-auth checks signature, audience and expiry; the issuer is the caller's to check.
    assert claims["iss"] == "https://accounts.google.example"
    assert claims["iss"] != emulator.url


def test_an_unverified_email_is_reported_as_such(emulator: Any, transport: Any) -> None:
    claims = verify(emulator.url, mint(emulator.url, email_verified=False), transport)

    assert claims["email_verified"] is False


def test_the_jwks_and_discovery_documents_describe_the_same_issuer(emulator: Any) -> None:
    discovery = requests.get(f"{emulator.url}/.well-known/openid-configuration", timeout=10)
    jwks = requests.get(discovery.json()["jwks_uri"], timeout=10).json()
    pem = requests.get(f"{emulator.url}/oauth2/v1/certs", timeout=10).json()

    assert discovery.json()["issuer"] == emulator.url
    assert "RS256" in discovery.json()["id_token_signing_alg_values_supported"]
    assert [key["kid"] for key in jwks["keys"]] == list(pem)
    assert jwks["keys"][0]["kty"] == "RSA"


def test_tokeninfo_describes_a_valid_id_token_and_rejects_a_bad_one(emulator: Any) -> None:
    good = requests.get(
        f"{emulator.url}/oauth2/v3/tokeninfo", params={"id_token": mint(emulator.url)}, timeout=10
    )
    bad = requests.get(
        f"{emulator.url}/oauth2/v3/tokeninfo", params={"id_token": "not.a.token"}, timeout=10
    )

    assert good.status_code == 200
    assert good.json()["aud"] == AUDIENCE
    assert good.json()["email_verified"] == "true"
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_token"


def test_tokeninfo_describes_a_minted_access_token(emulator: Any) -> None:
    minted = control(emulator.url, "POST", "oidc/access-token", json={"email": "rep@vendor.com"})

    info = requests.get(
        f"{emulator.url}/oauth2/v3/tokeninfo",
        params={"access_token": minted["access_token"]},
        timeout=10,
    ).json()

    assert info["email"] == "rep@vendor.com"
    assert int(info["expires_in"]) > 3000


def test_minting_without_an_audience_is_refused(emulator: Any) -> None:
    response = requests.post(
        f"{emulator.url}/__emulator/oidc/id-token", json={"email": "a@b.com"}, timeout=10
    )

    assert response.status_code == 400
