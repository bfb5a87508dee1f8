"""The inbox (the user's own notifications, newest first), marking them read (one, or all;
opening a notification marks it read and goes to its page), the header's unread count
(fetched by htmx, so that no page pays a query for it) and the user's preferences."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.core.views import render_page
from ptdv.notifications.forms import InboxFilterForm, PreferenceForm
from ptdv.notifications.selectors import notification_list, unread_count
from ptdv.notifications.services import (
    KINDS,
    notifications_mark_read,
    preference_of,
    preference_update,
)

PER_PAGE = 50


@never_cache
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"kind": "", "unread": None}
    notifications = notification_list(actor=request.user, **filters)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "notifications/inbox.html",
        {
            "form": form,
            "page": page,
            "kinds": KINDS,
            "unread": unread_count(request.user),
            "section": "notifications",
        },
    )


@never_cache
@require_safe
def unread_badge(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "notifications/_badge.html", {"unread": unread_count(request.user)}
    )


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """POST `ids` (repeated) or `all=1`; `next`: where to go then (the notification's own
    page when it is opened), else back to the inbox."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    everything = request.POST.get("all") == "1"
    marked = notifications_mark_read(actor=request.user, ids=ids, everything=everything)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    if everything and marked:
        messages.success(request, f"Đã đánh dấu {marked} thông báo là đã đọc.")
    return redirect("notifications:inbox")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = preference_of(request.user)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            wanted = set(form.cleaned_data["kinds"])
            try:
                preference_update(
                    actor=request.user,
                    muted_kinds=[k for k in KINDS if k not in wanted],
                    digest=form.cleaned_data["digest"],
                    version=form.cleaned_data.get("version"),
                )
            except ValueError:
                form.add_error(None, "Tùy chọn vừa được thay đổi ở nơi khác; hãy tải lại trang.")
                status = 409
            else:
                messages.success(request, "Đã lưu tùy chọn thông báo.")
                return redirect("notifications:preferences")
        else:
            status = 400
    else:
        form = PreferenceForm(
            initial={
                "kinds": [k for k in KINDS if k not in (current.muted_kinds or [])],
                "digest": current.digest,
                "version": current.version,
            }
        )
    return render_page(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(getattr(request.user, "email", "")),
            "section": "notifications",
        },
        status=status,
    )
