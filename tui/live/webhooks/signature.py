"""The ``Signature`` header (reference §6.3): HMAC-SHA1 over the raw body, keyed by the company's signing
key as its ASCII bytes, Base64 with padding. Checked on the untouched bytes, before anything parses them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

# Deliveries are not retried but can be late (a Post-Call waits up to 20 min for its data, and is then
# stamped when it is sent); a timestamp further away than this is a replay or a clock gone wrong.
MAX_AGE = timedelta(minutes=15)
MAX_AHEAD = timedelta(minutes=5)


def signature(signing_key: str, body: bytes) -> str:
    mac = hmac.new(signing_key.encode("utf-8"), body, hashlib.sha1).digest()
    return base64.b64encode(mac).decode("ascii")


def verified(signing_key: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    expected = signature(signing_key, body).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))


def fresh(timestamp: datetime | None, now: datetime) -> bool:
    """Within the window around ``now``. No timestamp passes: the field is undocumented for some events
    and its meaning varies (a text's is when it was sent), so the signature and idempotent merging are the
    guard then."""
    return timestamp is None or now - MAX_AGE <= timestamp <= now + MAX_AHEAD


def masked(secret: str | None) -> str:
    """Enough of a secret (a key, a signature) to tell two apart in a log, never enough to use."""
    if not secret:
        return "(none)"
    return f"{secret[:4]}…({len(secret)})"
