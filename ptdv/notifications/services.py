"""notify(): the one way any app tells people something. Recipients are the users who work
on the organisation concerned — the nearest organisation, itself or an ancestor, where
someone holds an assignment with at least `min_role` — so nobody hears about an object
outside their scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from ptdv.accounts.models import Assignment, User
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.notifications.models import Notification
from ptdv.organisations.models import Organisation, ancestor_paths

# kind -> Vietnamese label (the inbox's filter and the digest's headings).
KINDS: dict[str, str] = {
    "dossier_due": "Sắp đến hạn",
    "dossier_overdue": "Quá hạn",
    "request_received": "Yêu cầu đến",
    "request_answered": "Yêu cầu đã được trả lời",
    "request_overdue": "Yêu cầu quá hạn",
    "request_escalated": "Yêu cầu chuyển cấp trên",
    "certificate_expiring": "Giấy chứng nhận sắp hết hạn",
    "course_starting": "Lớp sắp khai giảng",
    "target_at_risk": "Chỉ tiêu có nguy cơ không đạt",
}


def recipients(organisation: Organisation, min_role: Role = Role.CLERK) -> list[User]:
    """The active users assigned at the nearest organisation on the way up from
    `organisation` (itself first) that has any assignment of at least `min_role`."""
    wanted = {role for role, rank in ROLE_RANK.items() if rank >= ROLE_RANK[min_role]}
    rows = (
        Assignment.objects.filter(
            organisation__path__in=ancestor_paths(organisation.path),
            organisation__valid_to__isnull=True,
            role__in=wanted,
            user__is_active=True,
        )
        .select_related("user")
        .values_list("organisation__path", "user_id")
    )
    by_path: dict[str, list[int]] = {}
    for path, user_id in rows:
        by_path.setdefault(path, []).append(user_id)
    if not by_path:
        return []
    nearest = max(by_path, key=len)
    return list(User.objects.filter(pk__in=by_path[nearest]).order_by("pk"))


def notify(
    *,
    kind: str,
    title: str,
    object_key: str,
    organisation: Organisation,
    url: str = "",
    due: dt.date | None = None,
    users: Iterable[User] | None = None,
    min_role: Role = Role.CLERK,
) -> int:
    """Tell the people of `organisation` (or exactly `users`) about `object_key`; a user
    already told about it under this kind is not told twice. Answers how many were told."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    people = list(users) if users is not None else recipients(organisation, min_role)
    if not people:
        return 0
    rows = [
        Notification(
            user=user,
            kind=kind,
            title=title[:300],
            url=url,
            organisation=organisation,
            object_key=object_key,
            due=due,
        )
        for user in people
    ]
    with transaction.atomic():
        before = Notification.objects.filter(
            kind=kind, object_key=object_key, user__in=people
        ).count()
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        after = Notification.objects.filter(
            kind=kind, object_key=object_key, user__in=people
        ).count()
    return after - before
