"""`{% candidacy_documents candidacy user as docs %}` for the dossier page's include."""

from __future__ import annotations

from typing import Any

from django import template

from ptdv.documents.selectors import documents_for_candidacy

register = template.Library()


@register.simple_tag
def candidacy_documents(candidacy: Any, user: Any) -> dict[str, Any]:
    return documents_for_candidacy(actor=user, candidacy=candidacy)
