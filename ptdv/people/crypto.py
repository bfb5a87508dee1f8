"""National ID protection (Decree 13/2023/NĐ-CP).

The number is stored encrypted (Fernet: AES-128-CBC + HMAC) and found through a keyed hash
(HMAC-SHA256), both derived from settings.PTDV_DATA_KEY. The plain number never reaches a
log, an exception message or the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derive(purpose: bytes) -> bytes:
    key = settings.PTDV_DATA_KEY
    if not key:
        raise ImproperlyConfigured("PTDV_DATA_KEY chưa được cấu hình.")
    return hmac.new(key.encode(), purpose, hashlib.sha256).digest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"ptdv-national-id-encryption")))


def national_id_hash(number: str) -> str:
    return hmac.new(_derive(b"ptdv-national-id-lookup"), number.encode(), "sha256").hexdigest()


def national_id_encrypt(number: str) -> str:
    return _fernet(settings.PTDV_DATA_KEY).encrypt(number.encode()).decode()


def national_id_decrypt(token: str) -> str | None:
    if not token:
        return None
    try:
        return _fernet(settings.PTDV_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def national_id_mask(number: str | None) -> str:
    """What a screen shows by default: the last three digits only."""
    if not number:
        return ""
    return "•" * (len(number) - 3) + number[-3:]
