"""The session store: Django's database sessions, read with a compiled statement.

Every signed-in page reads its session row first; `ptdv.core.statements` spares that read
the building and compiling of its query (SESSION_ENGINE = "ptdv.core.sessions")."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from ptdv.core.statements import Statement

_SESSION = Statement(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now)[:1]
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        # As Django's: the live row of this key, or none (and the key forgotten).
        try:
            row = _SESSION.first(self.session_key, timezone.now()) if self.session_key else None
        except SuspiciousOperation as exc:
            logger = logging.getLogger(f"django.security.{exc.__class__.__name__}")
            logger.warning(str(exc))
            row = None
        if row is None:
            self._session_key = None
        return row
