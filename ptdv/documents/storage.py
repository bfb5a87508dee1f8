"""Private files: uploaded scans and imported workbooks live under PRIVATE_MEDIA_ROOT, which
no URL serves. Only views that apply a policy hand them out."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through a checked view.")


def private_storage() -> PrivateStorage:
    """The storage at the current settings.PRIVATE_MEDIA_ROOT (tests point it elsewhere)."""
    return PrivateStorage(location=str(settings.PRIVATE_MEDIA_ROOT), base_url=None)
