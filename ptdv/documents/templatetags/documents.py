"""`{% candidacy_documents candidacy user dossier_loaded as docs %}` for the dossier page's
include (the person page's relatives come from its view)."""

from __future__ import annotations

from typing import Any

from django import template

from ptdv.candidacies.templatetags.dossier import vn_date
from ptdv.core.links import url_filler
from ptdv.core.policies import Actor
from ptdv.documents.selectors import documents_for_candidacy

register = template.Library()


@register.simple_tag
def candidacy_documents(candidacy: Any, user: Actor, loaded: Any = None) -> dict[str, Any]:
    """`loaded`: what the dossier page has read already (ptdv.documents.dossier.dossier_load's
    chain, competences and events); absent (an empty string in a template), all is read.
    Each form comes with its two download links (`docx_url`, `pdf_url`), built from one
    reversed URL rather than a `{% url %}` per link, and each event with its date as text
    (`day`): the upload form lists every step."""
    docs = documents_for_candidacy(actor=user, candidacy=candidacy, loaded=loaded or None)
    for event in docs["events"]:
        event["day"] = vn_date(event["on"])
    if docs["forms"]:
        link = url_filler("documents:form", candidacy.pk, slots=2)
        for form in docs["forms"]:
            form["docx_url"] = link(form["slug"], "docx")
            form["pdf_url"] = link(form["slug"], "pdf")
    return docs
