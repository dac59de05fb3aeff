"""Secrets at rest: tracker tokens, webhook URLs (a Slack URL is itself the key) and
signing secrets are stored encrypted with Fernet (AES-128-CBC with an HMAC-SHA256: a
tampered or foreign value fails to decrypt rather than decrypting to garbage).

The key comes from CALIBRATE_SECRETS_KEY. Without it, a key is derived from SECRET_KEY, so
a laptop needs no setup — but then rotating SECRET_KEY makes every stored secret
unreadable, which is why a deployment sets its own key.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet():
    key = settings.CALIBRATE_SECRETS_KEY
    if not key:
        digest = hashlib.sha256(b"calibrate-secrets:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token):
    """The plain text; raises InvalidToken when the key changed or the value was altered."""
    return _fernet().decrypt(token.encode()).decode()
