"""The ``Signature`` header: HMAC-SHA1 of the raw body, keyed by the company's signing key, Base64."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(signing_key: str, body: bytes) -> str:
    mac = hmac.new(signing_key.encode("utf-8"), body, hashlib.sha1).digest()
    return base64.b64encode(mac).decode("ascii")


def verify(signing_key: str, body: bytes, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(sign(signing_key, body), header.strip())


def company_signing_key(seed: int, company_id: str) -> str:
    """The company's secret, the same for a seed every run."""
    return hashlib.sha256(f"{seed}:signing-key:{company_id}".encode()).hexdigest()[:32]
