"""The user guide's pages: every section on one page with its table of contents, and one
section alone (the page each screen's "Hướng dẫn" link opens). Any signed-in user."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ptdv.core.views import render_page
from ptdv.work.guide import guide_sections


@require_safe
def guide_index(request: HttpRequest) -> HttpResponse:
    sections = guide_sections()
    return render_page(
        request,
        "work/guide.html",
        {"sections": sections, "shown": sections, "current": None, "section": "guide"},
    )


@require_safe
def guide_section(request: HttpRequest, slug: str) -> HttpResponse:
    sections = guide_sections()
    current = next((s for s in sections if s.slug == slug), None)
    if current is None:
        raise Http404
    return render_page(
        request,
        "work/guide.html",
        {"sections": sections, "shown": [current], "current": current, "section": "guide"},
    )
