"""`{% guide_url screen %}`: the guide section a screen links to; `|work_kind_label`: the
label of a work kind."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ptdv.core.work import WORK_KINDS
from ptdv.work.guide import section_for

register = template.Library()


@register.simple_tag
def guide_url(screen: str = "") -> str:
    section = section_for(str(screen or ""))
    if section is None:
        return reverse("work:guide")
    return reverse("work:guide_section", args=[section.slug])


@register.filter
def work_kind_label(kind: str) -> str:
    return WORK_KINDS.get(kind, kind)
