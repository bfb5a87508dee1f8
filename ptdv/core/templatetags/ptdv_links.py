"""`{% fixed_url 'name' %}`: `{% url 'name' %}` for a URL without arguments, reversed once per
process (ptdv.core.links.fixed_url); the navigation of every page uses it."""

from __future__ import annotations

from django import template

from ptdv.core.links import fixed_url as _fixed_url

register = template.Library()


@register.simple_tag
def fixed_url(viewname: str) -> str:
    return _fixed_url(viewname)
