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

# What a `slug` or `str` path argument may hold and `reverse()` leaves as it is.
_PLAIN = re.compile(r"^[-a-zA-Z0-9_]+$")


def fixed_url(viewname: str) -> str:
    """`reverse(viewname)` for a URL without arguments, reversed once per process."""
    key = (viewname, get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = reverse(viewname)
    return url


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
