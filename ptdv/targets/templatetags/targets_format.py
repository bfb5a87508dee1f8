from __future__ import annotations

from django import template

from ptdv.targets.formatting import vn_number, vn_percent

register = template.Library()


@register.filter
def pct(value: float | None, decimals: int = 1) -> str:
    return vn_percent(value, decimals)


@register.filter
def num(value: float | int | None, decimals: int = 0) -> str:
    return vn_number(value, decimals)
