"""`{% guide_url screen %}`: the guide section a screen links to; `|work_kind_label`: the
label of a work kind."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ptdv.core.work import WORK_KINDS
from ptdv.work.guide import section_for

register = template.Library()


@register.simple_tag
def guide_url(*screens: str) -> str:
    """The first screen given that is not empty (`{% guide_url guide section %}`: a view's
    precise key, else its navigation section)."""
    screen = next((str(s) for s in screens if s), "")
    section = section_for(screen)
    if section is None:
        return reverse("work:guide")
    return reverse("work:guide_section", args=[section.slug])


@register.filter
def work_kind_label(kind: str) -> str:
    return WORK_KINDS.get(kind, kind)
