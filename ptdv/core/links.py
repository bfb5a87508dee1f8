"""Links built without a `reverse()` each: a page's navigation reverses some thirty fixed URLs
and the dossier page a few per row; each `reverse()` (the `{% url %}` tag) costs tens of
microseconds, which made URL building about half of rendering the base template."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Keyed by the URL configuration and the script prefix too: both may differ between
# requests (a request's own `urlconf`, a test's ROOT_URLCONF, a deployment under a
# sub-path), nothing else does for a URL without arguments (the patterns are not translated).
_FIXED: dict[tuple[str, Any, str], str] = {}

# `object_url`'s pattern per view, URL configuration and script prefix (None: the sentinel
# did not come out once in the reversed URL, so every call reverses).
_OBJECT: dict[tuple[str, Any, str], str | None] = {}
# An id no table reaches, reversed in place of the row's own and then replaced by it.
_SENTINEL = "918273645546372819"

# What a `slug` or `str` path argument may hold and `reverse()` leaves as it is.
_PLAIN = re.compile(r"^[-a-zA-Z0-9_]+$")


def fixed_url(viewname: str) -> str:
    """`reverse(viewname)` for a URL without arguments, reversed once per process."""
    key = (viewname, get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = reverse(viewname)
    return url


def object_url(viewname: str, pk: Any) -> str:
    """`reverse(viewname, args=[pk])` for a detail page whose only argument is an integer
    id: one `reverse()` per process with a sentinel id, then the id put in its place (the
    candidate list links each of its fifty rows twice)."""
    key = (viewname, get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
    if key not in _OBJECT:
        reversed_url = reverse(viewname, args=[int(_SENTINEL)])
        _OBJECT[key] = reversed_url if reversed_url.count(_SENTINEL) == 1 else None
    pattern = _OBJECT[key]
    if pattern is None or type(pk) is not int or pk < 0:
        return reverse(viewname, args=[pk])
    return pattern.replace(_SENTINEL, str(pk))


def url_filler(viewname: str, *args: Any, slots: int = 1) -> Callable[..., str]:
    """`fill(*values)` == `reverse(viewname, args=[*args, *values])`, for many rows that
    differ only in their last `slots` arguments (slug or str parts of the path): one
    `reverse()` with markers in their places, then each row's values put in. A value that
    `reverse()` would quote or refuse goes through `reverse()` itself."""
    markers = [f"__slot{index}__" for index in range(slots)]
    pattern = reverse(viewname, args=[*args, *markers])

    def fill(*values: Any) -> str:
        texts = [str(value) for value in values]
        if len(texts) != slots or not all(_PLAIN.match(text) for text in texts):
            return reverse(viewname, args=[*args, *values])
        url = pattern
        for marker, text in zip(markers, texts, strict=True):
            url = url.replace(marker, text)
        return url

    return fill
