"""notify(): the one way any app tells people something. Recipients are the users who work
on the organisation concerned — the nearest organisation, itself or an ancestor, where
someone holds an assignment with at least `min_role` — so nobody hears about an object
outside their scope. `notify_many` does the same for many objects at once (the nightly job);
a user who muted a kind (their preferences) is not told about it.

The user's own side: mark read (`notifications_mark_read`), preferences
(`preference_update`), each atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import Assignment, User
from ptdv.audit.models import AuditAction
from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.notifications.models import Notification, NotificationPreference
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
    "obstacle_escalated": "Khó khăn, vướng mắc chuyển lên",
    "obstacle_answered": "Khó khăn, vướng mắc đã được trả lời",
}


def _ranks_from(min_role: Role) -> set[str]:
    return {role for role, rank in ROLE_RANK.items() if rank >= ROLE_RANK[min_role]}


def recipients(organisation: Organisation, min_role: Role = Role.CLERK) -> list[User]:
    """The active users assigned at the nearest organisation on the way up from
    `organisation` (itself first) that has any assignment of at least `min_role`."""
    ids = recipient_ids([organisation], min_role).get(organisation.path, [])
    return list(User.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def recipient_ids(
    organisations: Iterable[Organisation], min_role: Role = Role.CLERK
) -> dict[str, list[int]]:
    """For each organisation's path, the ids of the users `recipients` would answer — for
    all of them with one query."""
    paths = {o.path for o in organisations}
    wanted = {p for path in paths for p in ancestor_paths(path)}
    if not wanted:
        return {}
    by_path: dict[str, list[int]] = {}
    rows = Assignment.objects.filter(
        organisation__path__in=wanted,
        organisation__valid_to__isnull=True,
        role__in=_ranks_from(min_role),
        user__is_active=True,
    ).values_list("organisation__path", "user_id")
    for path, user_id in rows:
        by_path.setdefault(path, []).append(user_id)
    answer: dict[str, list[int]] = {}
    for path in paths:
        nearest = next((p for p in reversed(ancestor_paths(path)) if p in by_path), None)
        if nearest is not None:
            answer[path] = sorted(set(by_path[nearest]))
    return answer


def _muted(kind: str, user_ids: Iterable[int]) -> set[int]:
    """The users among `user_ids` who muted `kind`."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        NotificationPreference.objects.filter(
            user_id__in=ids, muted_kinds__icontains=f'"{kind}"'
        ).values_list("user_id", flat=True)
    )


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
    already told about it under this kind is not told twice, nor one who muted the kind.
    Answers how many were told."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    people = list(users) if users is not None else recipients(organisation, min_role)
    muted = _muted(kind, (u.pk for u in people))
    people = [u for u in people if u.pk not in muted]
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


@dataclass(frozen=True)
class Notice:
    """One thing to tell the people of an organisation (for `notify_many`)."""

    kind: str
    title: str
    object_key: str
    organisation: Organisation
    url: str = ""
    due: dt.date | None = None
    min_role: Role = Role.CLERK


def notify_many(notices: Sequence[Notice], *, chunk: int = 2000) -> int:
    """`notify` for many objects with a fixed number of queries per chunk (recipients of
    every organisation at once, the mutes of every kind at once). Answers how many rows were
    created."""
    created = 0
    for start in range(0, len(notices), chunk):
        created += _notify_chunk(notices[start : start + chunk])
    return created


def _notify_chunk(notices: Sequence[Notice]) -> int:
    for notice in notices:
        if notice.kind not in KINDS:
            raise ValueError(f"unknown notification kind {notice.kind!r}")
    by_role: dict[Role, dict[str, list[int]]] = {}
    for role in {n.min_role for n in notices}:
        by_role[role] = recipient_ids((n.organisation for n in notices if n.min_role == role), role)
    everyone = {uid for found in by_role.values() for ids in found.values() for uid in ids}
    muted: dict[int, set[str]] = {}
    if everyone:
        for user_id, kinds in NotificationPreference.objects.filter(
            user_id__in=everyone
        ).values_list("user_id", "muted_kinds"):
            muted[user_id] = set(kinds or [])
    rows = [
        Notification(
            user_id=user_id,
            kind=notice.kind,
            title=notice.title[:300],
            url=notice.url,
            organisation=notice.organisation,
            object_key=notice.object_key,
            due=notice.due,
        )
        for notice in notices
        for user_id in by_role[notice.min_role].get(notice.organisation.path, [])
        if notice.kind not in muted.get(user_id, set())
    ]
    if not rows:
        return 0
    keys = {n.object_key for n in notices}
    with transaction.atomic():
        before = Notification.objects.filter(object_key__in=keys).count()
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        after = Notification.objects.filter(object_key__in=keys).count()
    return after - before


# --- The user's own side -------------------------------------------------------------------


def notifications_mark_read(
    *, actor: Actor, ids: Iterable[int] | None = None, everything: bool = False
) -> int:
    """Mark the actor's own notifications read: those of `ids` (others' ids, or unknown
    ones, are ignored: nothing tells whether they exist) or, with `everything`, all unread.
    Answers how many changed."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    wanted = None if everything else sorted({int(i) for i in (ids or [])})
    if wanted is not None and not wanted:
        return 0
    with transaction.atomic():
        unread = Notification.objects.select_for_update().filter(
            user_id=actor.pk, read_at__isnull=True
        )
        if wanted is not None:
            unread = unread.filter(pk__in=wanted)
        marked = list(unread.values_list("pk", flat=True))
        if not marked:
            return 0
        Notification.objects.filter(pk__in=marked).update(read_at=timezone.now())
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type="notifications.notification",
            summary="Đánh dấu đã đọc thông báo",
            data={"ids": marked[:500], "count": len(marked)},
        )
    return len(marked)


def preference_of(user: Actor) -> NotificationPreference:
    """The user's preferences (an unsaved default row when they never set any)."""
    found = NotificationPreference.objects.filter(user_id=user.pk).first()
    return found or NotificationPreference(user_id=user.pk)


def preference_update(
    *, actor: Actor, muted_kinds: Iterable[str], digest: bool, version: int | None = None
) -> NotificationPreference:
    """Set the actor's own preferences. An unknown kind is a field error; a stale `version`
    (someone changed them meanwhile, e.g. in another tab) is a ValueError("stale")."""
    kinds = sorted(set(muted_kinds))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValidationError(
            {"muted_kinds": [_("Loại thông báo không hợp lệ: %s.") % ", ".join(unknown)]}
        )
    with transaction.atomic():
        preference, created = NotificationPreference.objects.select_for_update().get_or_create(
            user_id=actor.pk
        )
        if not created and version is not None and preference.version != version:
            raise ValueError("stale")
        before = {"muted_kinds": list(preference.muted_kinds), "digest": preference.digest}
        preference.muted_kinds = kinds
        preference.digest = digest
        if not created:
            preference.version += 1
        preference.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=preference,
            summary="Sửa tùy chọn thông báo",
            data={"before": before, "after": {"muted_kinds": kinds, "digest": digest}},
        )
    return preference
