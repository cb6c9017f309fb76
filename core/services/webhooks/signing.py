"""The signature receivers check: HMAC-SHA256 over the timestamp and the exact body sent.

Signing the timestamp with the body lets a receiver refuse replays of an old request;
the `v1=` prefix leaves room for another scheme (or two secrets during a rotation) later.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `Ona-Signature` header value for this body sent at this Unix timestamp."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"{SCHEME}={digest.hexdigest()}"
