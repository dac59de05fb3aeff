"""The signature on a generic webhook, so a receiver knows the request came from us.

`X-Calibrate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed
with the endpoint's signing secret. The timestamp is inside the signed text, so a receiver
that refuses old timestamps (say, over five minutes) cannot be replayed a captured request.
"""

import hashlib
import hmac
import time

HEADER = "X-Calibrate-Signature"
TOLERANCE_SECONDS = 300


def sign(secret, body, timestamp=None):
    timestamp = int(time.time() if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret, body, header, now=None, tolerance=TOLERANCE_SECONDS):
    """What a receiver does (and the tests do): the signature matches and is recent."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)
