"""The Django admin's site, scoped like everything else by the access policies.

The base class of every model's admin page, `PolicyAdmin`, audits what it shows and changes,
so it lives with the audit trail's writer (ptdv/audit/policy_admin.py); here are the pieces
below it: who administers what, and the scoped "view on site" link.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ptdv.core.policies import Actor, Policy, subtree_q, user_scopes
from ptdv.core.roles import ROLE_RANK, Role

ADMINISTRATOR_RANK = ROLE_RANK[Role.ADMINISTRATOR]

admin.site.site_header = _("Quản trị PTĐV")
admin.site.site_title = _("Quản trị PTĐV")
admin.site.index_title = _("Dữ liệu hệ thống")


def administers_somewhere(user: Actor | None) -> bool:
    return any(rank >= ADMINISTRATOR_RANK for _path, rank in user_scopes(user))


def administered(policy: Policy[Any], user: Actor | None) -> QuerySet[Any]:
    """What `user` may see through `policy`, narrowed to the subtrees they administer."""
    return policy.visible_to(user).filter(
        subtree_q(user, policy.path_field, min_rank=ADMINISTRATOR_RANK)
    )


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "view on site" link, scoped: an object the user's admin page would not
    list answers 404 like an absent one (Django's own view redirects to any object's page,
    telling whether an id exists outside the user's subtree)."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model_admin = admin.site._registry.get(model) if model is not None else None
    if model_admin is None:
        raise Http404
    try:
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    if not visible:
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)


scoped_view_on_site = admin.site.admin_view(view_on_site)
