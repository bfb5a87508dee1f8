"""Private files: uploaded scans and imported workbooks live under PRIVATE_MEDIA_ROOT, which
no URL serves. Only views that apply a policy hand them out."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)

NOT_STORED = (
    "Không lưu được tệp: máy chủ hết chỗ lưu trữ hoặc không ghi được đĩa. Chưa có gì được "
    "ghi nhận; hãy thử lại sau hoặc báo quản trị viên."
)


class PrivateStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through a checked view.")

    def _save(self, name: str, content: Any) -> str:
        """Write the file whole or not at all: a write that fails half-way (the disk full, an
        I/O error) leaves no partial file behind and answers a field error on "file", so the
        caller records nothing (issue 15 §4)."""
        try:
            return str(super()._save(name, content))  # type: ignore[misc]  # not in the stubs
        except OSError as error:
            path = self.path(name)
            if os.path.exists(path):
                os.remove(path)
            logger.error("Không ghi được tệp riêng (errno %s).", error.errno)
            raise ValidationError({"file": [NOT_STORED]}) from None


def private_storage() -> PrivateStorage:
    """The storage at the current settings.PRIVATE_MEDIA_ROOT (tests point it elsewhere)."""
    return PrivateStorage(location=str(settings.PRIVATE_MEDIA_ROOT), base_url=None)
