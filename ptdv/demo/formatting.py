"""Numbers in the demo's console messages, written the Vietnamese way."""

from __future__ import annotations


def vn(value: float, decimals: int = 0) -> str:
    """110.000 and 26,1: a dot between thousands, a comma before decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
