"""Writes of obstacles: record, escalate, resolve or decline, and the nightly escalation of the
overdue ones.

Each service resolves what it is given through the actor's scope (the recording organisation,
the dossiers, the obstacle itself), locks the obstacle row, checks its state (open, still at
the level the user saw, the version), writes the change and its history event and an audit
entry in one transaction, and tells the level concerned once it commits (notify).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.accounts.models import stored_user
from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy, require_clerk_somewhere
from ptdv.core.policies import Action, Actor
from ptdv.core.refusals import unprocessable
from ptdv.core.text import nfc
from ptdv.notifications.services import notify
from ptdv.obstacles.models import (
    Category,
    EventKind,
    Obstacle,
    ObstacleEvent,
    Status,
)
from ptdv.obstacles.parameters import due_date
from ptdv.obstacles.policies import obstacle_policy
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

OUTCOMES = (Status.RESOLVED, Status.DECLINED)
MAX_CANDIDACIES = 50


class StaleObstacle(Exception):
    """The user acted on a version of the obstacle that someone else has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(
            _("Khó khăn, vướng mắc đã được người khác xử lý hoặc chuyển cấp; hãy tải lại trang.")
        )
        self.current = current


class WrongStatus(ValidationError):
    """The obstacle's present state does not allow the step (answered 409)."""


@dataclass
class NewObstacle:
    organisation: Any  # the recording organisation (or its id)
    category: str
    title: str
    description: str
    candidacies: Iterable[Any] = field(default_factory=list)  # dossiers (or ids) it blocks


def _url(obstacle: Obstacle) -> str:
    return reverse("obstacles:detail", args=[obstacle.pk])


def _event(
    obstacle: Obstacle,
    kind: str,
    *,
    actor: Actor | None,
    on: dt.date,
    level: Organisation,
    to_level: Organisation | None = None,
    note: str = "",
) -> ObstacleEvent:
    return ObstacleEvent.objects.create(
        obstacle=obstacle,
        kind=kind,
        actor=stored_user(actor) if actor is not None else None,
        on=on,
        level=level,
        to_level=to_level,
        note=note,
    )


def _validate_new(data: NewObstacle) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.category not in Category.values:
        errors["category"] = [_("Nhóm vướng mắc: cần chọn một nhóm trong danh sách.")]
    if not nfc(data.title).strip():
        errors["title"] = [_("Tóm tắt: cần nhập một dòng tóm tắt khó khăn, vướng mắc.")]
    elif len(nfc(data.title).strip()) > 255:
        errors["title"] = [_("Tóm tắt: tối đa 255 ký tự.")]
    if not nfc(data.description).strip():
        errors["description"] = [_("Nội dung: cần mô tả khó khăn, vướng mắc.")]
    return errors


def _candidacies(actor: Actor, organisation: Organisation, named: Iterable[Any]) -> list[Candidacy]:
    """The dossiers the obstacle blocks: each visible to the actor (absent or outside the
    scope: the same field error, 400) and kept inside the recording organisation's subtree
    (a dossier of another organisation: refused, 422)."""
    ids = []
    for item in named:
        pk = getattr(item, "pk", item)
        if pk not in ids:
            ids.append(pk)
    if len(ids) > MAX_CANDIDACIES:
        raise unprocessable(
            {"candidacies": [_("Hồ sơ bị vướng: tối đa %(n)s hồ sơ.") % {"n": MAX_CANDIDACIES}]}
        )
    found = [
        candidacy_policy.resolve_named(
            actor,
            pk,
            field="candidacies",
            message=_("Hồ sơ bị vướng: không tìm thấy hồ sơ số %(id)s.") % {"id": pk},
            action=Action.VIEW,
            queryset=Candidacy.objects.select_related("organisation"),
        )
        for pk in ids
    ]
    elsewhere = [c.pk for c in found if not c.organisation.path.startswith(organisation.path)]
    if elsewhere:
        raise unprocessable(
            {
                "candidacies": [
                    _("Hồ sơ bị vướng: hồ sơ số %(ids)s không thuộc tổ chức ghi nhận.")
                    % {"ids": ", ".join(str(pk) for pk in elsewhere)}
                ]
            }
        )
    return found


def obstacle_record(*, actor: Actor, data: NewObstacle, today: dt.date) -> Obstacle:
    """Record a difficulty met by an organisation the actor may change things in. It sits at
    that organisation's level, due there after the set number of working days."""
    require_clerk_somewhere(actor)
    errors = _validate_new(data)
    if errors:
        raise unprocessable(errors)
    with transaction.atomic():
        organisation = organisation_policy.resolve_named(
            actor,
            data.organisation,
            field="organisation",
            message=_("Tổ chức ghi nhận: không tìm thấy tổ chức đang hoạt động trong phạm vi."),
            action=Action.CREATE,
            queryset=Organisation.objects.filter(valid_to__isnull=True),
        )
        candidacies = _candidacies(actor, organisation, data.candidacies)
        obstacle = Obstacle(
            organisation=organisation,
            level=organisation,
            category=data.category,
            title=nfc(data.title).strip(),
            description=nfc(data.description).strip(),
            recorded_on=today,
            level_since=today,
            due_on=due_date(today),
            created_by=stored_user(actor),
        )
        obstacle.full_clean()
        obstacle.save()
        if candidacies:
            obstacle.candidacies.set(candidacies)
        _event(obstacle, EventKind.RECORDED, actor=actor, on=today, level=organisation)
        audit_record(
            actor=actor,
            action="create",
            obj=obstacle,
            organisation=organisation,
            summary="Ghi nhận khó khăn, vướng mắc: " + obstacle.title[:120],
            data={
                "category": obstacle.category,
                "candidacies": [c.pk for c in candidacies],
                "due_on": obstacle.due_on.isoformat(),
            },
        )
    return obstacle


def _locked(actor: Actor, obstacle_id: Any, version: int | None) -> Obstacle:
    """The obstacle, visible to the actor (404), the actor a clerk at the level where it sits
    (403), locked; then its state checked again under the lock: open, at the same level and
    version as read (409 otherwise). Two users acting at once: the second one meets the first
    one's change here and is refused."""
    seen = obstacle_policy.get_visible(actor, obstacle_id)
    obstacle_policy.authorize_act(actor, seen)
    obstacle = (
        Obstacle.objects.select_for_update(of=("self",))
        .select_related("organisation", "level__parent")
        .get(pk=seen.pk)
    )
    if version is not None and version != obstacle.version:
        raise StaleObstacle(obstacle.version)
    if obstacle.status != Status.OPEN:
        raise WrongStatus(
            {
                "status": [
                    _("Khó khăn, vướng mắc đã kết thúc (“%(s)s”): không thực hiện được thao tác.")
                    % {"s": obstacle.get_status_display()}
                ]
            },
            code="invalid_status",
        )
    if obstacle.level_id != seen.level_id:
        raise StaleObstacle(obstacle.version)
    return obstacle


def obstacle_escalate(
    *, actor: Actor, obstacle_id: Any, note: str, today: dt.date, version: int | None = None
) -> Obstacle:
    """The level where the obstacle sits sends it up to its parent, with a note saying why;
    the parent has its own due date and its people are told."""
    note = nfc(note).strip()
    with transaction.atomic():
        obstacle = _locked(actor, obstacle_id, version)
        if not note:
            raise unprocessable({"note": [_("Ghi chú: cần nêu lý do chuyển cấp trên.")]})
        source = obstacle.level
        parent = source.parent
        if parent is None:
            raise unprocessable(
                {"level": [_("Cấp hiện tại là cấp cao nhất: cần giải quyết hoặc trả lời lý do.")]}
            )
        _move(obstacle, parent, today)
        _event(
            obstacle,
            EventKind.ESCALATED,
            actor=actor,
            on=today,
            level=source,
            to_level=parent,
            note=note,
        )
        audit_record(
            actor=actor,
            action="change",
            obj=obstacle,
            organisation=source,
            summary="Chuyển khó khăn, vướng mắc lên cấp trên",
            data={"from": source.pk, "to": parent.pk, "due_on": obstacle.due_on.isoformat()},
        )
        transaction.on_commit(lambda: _tell_escalated([obstacle]))
    return obstacle


def _move(obstacle: Obstacle, parent: Organisation, today: dt.date) -> None:
    obstacle.level = parent
    obstacle.level_since = today
    obstacle.due_on = due_date(today)
    obstacle.escalations += 1
    obstacle.version += 1
    obstacle.save(
        update_fields=["level", "level_since", "due_on", "escalations", "version", "updated_at"]
    )


def obstacle_resolve(
    *,
    actor: Actor,
    obstacle_id: Any,
    outcome: str,
    answer: str,
    today: dt.date,
    version: int | None = None,
) -> Obstacle:
    """The level where the obstacle sits closes it: `resolved` with the answer (what was
    done), or `declined` with the reason it cannot be solved there or anywhere above. Either
    way it is closed and the recording unit is told."""
    answer = nfc(answer).strip()
    if outcome not in OUTCOMES:
        raise unprocessable(
            {"outcome": [_("Kết quả: chọn “đã giải quyết” hoặc “không giải quyết được”.")]}
        )
    with transaction.atomic():
        obstacle = _locked(actor, obstacle_id, version)
        if not answer:
            raise unprocessable(
                {
                    "answer": [
                        _("Nội dung trả lời: cần nêu cách đã giải quyết.")
                        if outcome == Status.RESOLVED
                        else _("Nội dung trả lời: cần nêu lý do không giải quyết được.")
                    ]
                }
            )
        level = obstacle.level
        obstacle.status = outcome
        obstacle.answer = answer
        obstacle.closed_on = today
        obstacle.closed_by_level = level
        obstacle.days_to_close = max((today - obstacle.recorded_on).days, 0)
        obstacle.version += 1
        obstacle.save(
            update_fields=[
                "status",
                "answer",
                "closed_on",
                "closed_by_level",
                "days_to_close",
                "version",
                "updated_at",
            ]
        )
        kind = EventKind.RESOLVED if outcome == Status.RESOLVED else EventKind.DECLINED
        _event(obstacle, kind, actor=actor, on=today, level=level, note=answer)
        audit_record(
            actor=actor,
            action="change",
            obj=obstacle,
            organisation=level,
            summary=(
                "Giải quyết khó khăn, vướng mắc"
                if outcome == Status.RESOLVED
                else "Trả lời không giải quyết được khó khăn, vướng mắc"
            ),
            data={"outcome": outcome, "level": level.pk},
        )
        if obstacle.organisation_id != level.pk:
            transaction.on_commit(
                lambda: notify(
                    kind="obstacle_answered",
                    title=obstacle.title,
                    object_key=obstacle.object_key,
                    organisation=obstacle.organisation,
                    url=_url(obstacle),
                )
            )
    return obstacle


# --- Nightly escalation ----------------------------------------------------------------------


def obstacles_escalate(*, today: dt.date) -> int:
    """Every open obstacle whose level let its due date pass goes up to the level's parent by
    itself (an event without a user), with a new due date there; the parent's people are
    told. One at the top of the tree stays where it is, overdue (the work list shows it).
    Answers how many went up. Run nightly (`ptdv obstacles escalate`); running it again the
    same day changes nothing (the new due dates are ahead)."""
    with transaction.atomic():
        due = list(
            Obstacle.objects.select_for_update(of=("self",))
            .filter(status=Status.OPEN, due_on__lt=today, level__parent__isnull=False)
            .select_related("level__parent", "organisation")
            .order_by("pk")
        )
        new_due = due_date(today)
        events = []
        for obstacle in due:
            source = obstacle.level
            parent = source.parent
            assert parent is not None
            note = _("Quá hạn giải quyết ngày %(d)s ở %(o)s") % {
                "d": obstacle.due_on.strftime("%d/%m/%Y"),
                "o": source.name,
            }
            events.append(
                ObstacleEvent(
                    obstacle=obstacle,
                    kind=EventKind.AUTO_ESCALATED,
                    on=today,
                    level=source,
                    to_level=parent,
                    note=note,
                )
            )
            obstacle.level = parent
            obstacle.level_since = today
            obstacle.due_on = new_due
            obstacle.escalations += 1
            obstacle.version += 1
        Obstacle.objects.bulk_update(
            due, ["level", "level_since", "due_on", "escalations", "version"], batch_size=500
        )
        ObstacleEvent.objects.bulk_create(events, batch_size=500)
        for obstacle, event in zip(due, events, strict=True):
            audit_record(
                actor=None,
                action="change",
                obj=obstacle,
                organisation=event.level,
                summary="Khó khăn, vướng mắc quá hạn, tự động chuyển cấp trên",
                data={"from": event.level_id, "to": obstacle.level_id},
            )
        transaction.on_commit(lambda: _tell_escalated(due))
    return len(due)


def _tell_escalated(obstacles: list[Obstacle]) -> None:
    for obstacle in obstacles:
        notify(
            kind="obstacle_escalated",
            title=obstacle.title + " — " + obstacle.organisation.name,
            object_key=f"{obstacle.object_key}:{obstacle.level_id}",
            organisation=obstacle.level,
            url=_url(obstacle),
            due=obstacle.due_on,
        )
