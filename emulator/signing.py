"""RSA keys, X.509 certificates and RS256 JSON Web Tokens for the dev issuer.

The issuer's key lives in ``<data_dir>/signing-key.pem`` (made on first use, mode 0600)
so ID tokens minted before a restart still verify after it; in memory only when the
emulator has no data directory. Certificates are made from the key on load: they carry
no secret, and a stable key id (a digest of the public key) keeps ``kid`` stable.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

KEY_FILE = "signing-key.pem"


@dataclass(frozen=True)
class SigningKey:
    """A private key with its key id and self-signed certificate (PEM)."""

    kid: str
    private_pem: str
    certificate_pem: str
    public_numbers: rsa.RSAPublicNumbers

    @classmethod
    def generate(cls, common_name: str = "emulator.local") -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return cls.from_private_pem(pem, common_name)

    @classmethod
    def from_private_pem(cls, pem: str, common_name: str = "emulator.local") -> SigningKey:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the signing key is not an RSA key")
        public_der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        kid = hashlib.sha1(public_der, usedforsecurity=False).hexdigest()
        return cls(
            kid=kid,
            private_pem=pem,
            certificate_pem=_self_signed_certificate(key, common_name),
            public_numbers=key.public_key().public_numbers(),
        )

    @cached_property
    def _signer(self) -> crypt.RSASigner:
        # Loading the PEM checks the whole key: about 30 times the cost of a signature,
        # so it is done once per key, not once per token (it was most of the emulator's
        # CPU when Cloud Tasks' dispatches each asked for an ID token).
        return crypt.RSASigner.from_string(self.private_pem, key_id=self.kid)  # type: ignore[no-untyped-call,no-any-return]

    def sign(self, claims: dict[str, Any]) -> str:
        """An RS256 JWT of ``claims`` with this key's ``kid`` in its header."""
        token: bytes = jwt.encode(self._signer, claims)  # type: ignore[no-untyped-call]
        return token.decode()

    def jwk(self) -> dict[str, str]:
        """The public key as a JSON Web Key, as Google's ``/oauth2/v3/certs`` lists it."""
        return {
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": _b64uint(self.public_numbers.n),
            "e": _b64uint(self.public_numbers.e),
        }


def _b64uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _self_signed_certificate(key: rsa.RSAPrivateKey, common_name: str) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    # Fixed dates: the certificate is made anew from the key on every load and
    # should come out the same.
    not_before = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(
            int.from_bytes(
                hashlib.sha1(common_name.encode(), usedforsecurity=False).digest()[:16], "big"
            )
        )
        .not_valid_before(not_before)
        .not_valid_after(not_before + datetime.timedelta(days=365 * 30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class IssuerKeys:
    """The issuer's signing key: loaded or made on first use, kept on disk if it can."""

    def __init__(self, data_dir: Path | None) -> None:
        self._data_dir = data_dir
        self._lock = threading.Lock()
        self._key: SigningKey | None = None

    def current(self) -> SigningKey:
        with self._lock:
            if self._key is None:
                self._key = self._load_or_make()
            return self._key

    def _load_or_make(self) -> SigningKey:
        if self._data_dir is None:
            return SigningKey.generate()
        path = self._data_dir / KEY_FILE
        if path.exists():
            return SigningKey.from_private_pem(path.read_text())
        key = SigningKey.generate()
        write_secret(path, key.private_pem)
        return key


def write_secret(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
