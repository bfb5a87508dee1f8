"""Signals between layers without upward imports: a lower layer fires, an upper layer listens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_LISTENERS: dict[str, list[Callable[..., None]]] = defaultdict(list)


def register(name: str, listener: Callable[..., None]) -> None:
    if listener not in _LISTENERS[name]:
        _LISTENERS[name].append(listener)


def fire(name: str, **kwargs: Any) -> None:
    for listener in _LISTENERS[name]:
        listener(**kwargs)
