"""Writes for targets, terms, plans and the yearly member snapshot.

Every function is keyword-only, checks the policy, validates, writes inside one transaction
and records an audit entry. A target moves draft → approved → locked; once locked its number
changes only through `target_amend`, with a reason, leaving a `TargetAmendment` row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import stored_user
from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.tallies import roll_up_lists
from ptdv.core.policies import Actor
from ptdv.core.refusals import unprocessable
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person
from ptdv.people.policies import person_policy
from ptdv.targets.measures import PriorityGroup
from ptdv.targets.models import (
    MemberSnapshot,
    PlanAssignment,
    ProgrammeTarget,
    ResponsibilityQuota,
    SnapshotRun,
    Target,
    TargetAmendment,
    TargetState,
    Term,
)
from ptdv.targets.policies import (
    TargetAction,
    administers_root,
    targets_policy,
)
from ptdv.targets.selectors import (
    FIRST_YEAR,
    LAST_YEAR,
    snapshot_date_for,
    target_suggestion,
)

# --- Snapshots ------------------------------------------------------------------------------


def member_counts_on(on: dt.date) -> dict[str, tuple[int, int]]:
    """Subtree (members, official) per organisation path on the day `on`, from the membership
    rows (one grouped query, rolled up by path prefix).

    Approximation, from what a membership row records: a row counts from its ceremony date
    (else its decision date; a row with neither is an old record and counts) until its exit
    date; a row that has left without an exit date counts as gone. The member is official
    from the official date (an official row without one has always been). A member who moved
    has a row in each organisation and, since the receiving row carries the original ceremony
    date, is counted in the receiving one from that date too: before the move the member is
    then in both subtrees (only their common ancestors are right). Snapshots taken on the day
    — the nightly job on 1 January — have no such error.
    """
    started = (
        Q(ceremony_date__lte=on)
        | Q(ceremony_date__isnull=True, admission_decision_date__lte=on)
        | Q(ceremony_date__isnull=True, admission_decision_date__isnull=True)
    )
    not_ended = Q(exit_date__gt=on) | Q(exit_date__isnull=True, status__in=ACTIVE_STATUSES)
    official = Q(official_date__lte=on) | Q(
        official_date__isnull=True, status=MembershipStatus.OFFICIAL
    )
    own = (
        PartyMembership.objects.filter(started, not_ended)
        .order_by()
        .values_list("organisation__path")
        .annotate(members=Count("id"), official=Count("id", filter=official))
    )
    totals = roll_up_lists(
        ((path, [members, official_count]) for path, members, official_count in own), 2
    )
    return {path: (members, official_count) for path, (members, official_count) in totals.items()}


@transaction.atomic
def snapshot_take(
    *, year: int, actor: Actor | None = None, replace: bool = False, today: dt.date | None = None
) -> tuple[SnapshotRun, bool]:
    """Take the frozen member snapshot of `year` on its snapshot date; return (run, taken).

    Idempotent: a year already taken is left as it is (taken = False) unless `replace`, which
    recounts and records the change in the audit trail.

    The snapshot counts every organisation of the deployment, so a named `actor` must be an
    administrator of a root organisation (PermissionDenied otherwise); without an actor it is
    the scheduled system run.
    """
    if actor is not None and not administers_root(actor):
        raise PermissionDenied
    on = snapshot_date_for(year)
    today = today or timezone.localdate()
    if on > today:
        raise ValidationError(
            {
                "year": [
                    _("Chưa đến ngày chốt số đảng viên của năm %(year)s (%(on)s).")
                    % {"year": year, "on": on.strftime("%d/%m/%Y")}
                ]
            }
        )
    run = SnapshotRun.objects.select_for_update().filter(year=year).first()
    if run is not None and not replace:
        return run, False
    counts = member_counts_on(on)
    ids = dict(Organisation.objects.values_list("path", "id"))
    total = sum(members for path, (members, _o) in counts.items() if len(path) == PATH_STEP)
    previous_total = None
    if run is None:
        run = SnapshotRun.objects.create(
            year=year,
            snapshot_date=on,
            taken_by=stored_user(actor),
            members=total,
        )
    else:
        previous_total = run.members
        MemberSnapshot.objects.filter(run=run).delete()
        run.replaced += 1
        run.snapshot_date = on
        run.members = total
        run.taken_by = stored_user(actor)
        run.save(update_fields=["replaced", "snapshot_date", "members", "taken_by"])
    MemberSnapshot.objects.bulk_create(
        [
            MemberSnapshot(
                run=run,
                organisation_id=ids[path],
                year=year,
                members=members,
                official=official,
                probationary=members - official,
            )
            for path, (members, official) in counts.items()
            if members and path in ids
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="change" if previous_total is not None else "create",
        obj=run,
        summary=(
            _("Chốt lại số đảng viên đầu năm %(year)s")
            if previous_total is not None
            else _("Chốt số đảng viên đầu năm %(year)s")
        )
        % {"year": year},
        data={
            "year": year,
            "date": on.isoformat(),
            "members": total,
            "members_before": previous_total,
            "organisations": sum(1 for m, _o in counts.values() if m),
        },
    )
    return run, True


# --- Targets --------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [_("Năm không hợp lệ.")]})


def _locked_error() -> ValidationError:
    return ValidationError({"number": [_("Chỉ tiêu đã khóa; chỉ được điều chỉnh kèm lý do.")]})


@transaction.atomic
def target_set(
    *, actor: Actor, organisation: Organisation, year: int, number: int, note: str = ""
) -> Target:
    """Set (create or change) an organisation's target for a year. Allowed while draft or
    approved; a change to an approved target sends it back to draft for approval."""
    targets_policy.authorize(actor, TargetAction.SET_TARGET, organisation)
    _check_year(year)
    suggestion = target_suggestion(organisation, year)
    target = (
        Target.objects.select_for_update()
        .filter(organisation=organisation, year=year, group="")
        .first()
    )
    created = target is None
    if target is None:
        target = Target(
            organisation=organisation,
            year=year,
            group="",
            suggested=suggestion.suggested,
            members_at_start=suggestion.members_at_start,
            floor_rate=Decimal(str(suggestion.floor_rate)),
        )
    elif target.state == TargetState.LOCKED:
        raise _locked_error()
    before = None if created else target.number
    state_before = target.state
    target.number = number
    target.note = note
    target.set_by = stored_user(actor)
    if target.state == TargetState.APPROVED and before != number:
        target.state = TargetState.DRAFT
        target.approved_by = None
        target.approved_at = None
    target.full_clean(validate_constraints=False)
    target.save()
    if target.state != state_before:
        target.group_targets.update(state=target.state)
    audit_record(
        actor=actor,
        action="create" if created else "change",
        obj=target,
        summary=_("Giao chỉ tiêu kết nạp năm %(year)s cho %(org)s: %(n)s")
        % {"year": year, "org": organisation.name, "n": number},
        data={
            "organisation": organisation.code,
            "year": year,
            "number_before": before,
            "number": number,
            "suggested": suggestion.suggested,
            "state": target.state,
        },
    )
    return target


@transaction.atomic
def target_set_group(
    *, actor: Actor, organisation: Organisation, year: int, group: str, number: int
) -> Target:
    """Set a priority group's sub-target (a child row of the organisation's target)."""
    targets_policy.authorize(actor, TargetAction.SET_TARGET, organisation)
    if group not in PriorityGroup.values:
        raise ValidationError({"group": [_("Nhóm đối tượng không hợp lệ.")]})
    main = (
        Target.objects.select_for_update()
        .filter(organisation=organisation, year=year, group="")
        .first()
    )
    if main is None:
        raise ValidationError({"group": [_("Cần giao chỉ tiêu chung trước chỉ tiêu theo nhóm.")]})
    if main.state == TargetState.LOCKED:
        raise _locked_error()
    if number > main.number:
        raise ValidationError(
            {
                "number": [
                    _("Chỉ tiêu theo nhóm không được lớn hơn chỉ tiêu chung (%(n)s).")
                    % {"n": main.number}
                ]
            }
        )
    target, created = Target.objects.get_or_create(
        organisation=organisation,
        year=year,
        group=group,
        defaults={"parent": main, "number": number, "state": main.state},
    )
    before = None if created else target.number
    if not created:
        target.number = number
        target.save(update_fields=["number", "updated_at"])
    if main.state == TargetState.APPROVED and before != number:
        main.state = TargetState.DRAFT
        main.approved_by = None
        main.approved_at = None
        main.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
        main.group_targets.update(state=TargetState.DRAFT)
    audit_record(
        actor=actor,
        action="create" if created else "change",
        obj=target,
        summary=_("Giao chỉ tiêu theo nhóm %(group)s năm %(year)s cho %(org)s: %(n)s")
        % {
            "group": PriorityGroup(group).label,
            "year": year,
            "org": organisation.name,
            "n": number,
        },
        data={"group": group, "year": year, "number_before": before, "number": number},
    )
    return target


def _transition(*, actor: Actor, target: Target, source: str, result: str, summary: str) -> Target:
    target = Target.objects.select_for_update().select_related("organisation").get(pk=target.pk)
    targets_policy.authorize(actor, TargetAction.SET_TARGET, target.organisation)
    if target.group:
        raise ValidationError(
            {"target": [_("Chỉ tiêu theo nhóm được duyệt, khóa cùng chỉ tiêu chung.")]}
        )
    if target.state != source:
        raise ValidationError(
            {
                "state": [
                    _("Không thể thực hiện khi chỉ tiêu đang ở trạng thái “%(state)s”.")
                    % {"state": target.get_state_display()}
                ]
            }
        )
    now = timezone.now()
    user = stored_user(actor)
    target.state = result
    if result == TargetState.APPROVED:
        target.approved_by, target.approved_at = user, now
    else:
        target.locked_by, target.locked_at = user, now
    target.save()
    target.group_targets.update(state=result)
    audit_record(
        actor=actor,
        action="change",
        obj=target,
        summary=summary % {"year": target.year, "org": target.organisation.name},
        data={"state_before": source, "state": result, "number": target.number},
    )
    return target


@transaction.atomic
def target_approve(*, actor: Actor, target: Target) -> Target:
    return _transition(
        actor=actor,
        target=target,
        source=TargetState.DRAFT,
        result=TargetState.APPROVED,
        summary=_("Duyệt chỉ tiêu kết nạp năm %(year)s của %(org)s"),
    )


@transaction.atomic
def target_lock(*, actor: Actor, target: Target) -> Target:
    return _transition(
        actor=actor,
        target=target,
        source=TargetState.APPROVED,
        result=TargetState.LOCKED,
        summary=_("Khóa chỉ tiêu kết nạp năm %(year)s của %(org)s"),
    )


@transaction.atomic
def target_amend(
    *, actor: Actor, target: Target, number: int, reason: str, group_target: Any = None
) -> TargetAmendment:
    """Change a locked target, or the group sub-target of it that the request names by id
    (`group_target`), with a reason. A sub-target that is not one of `target`'s own is a
    field error and nothing changes (never the main target instead)."""
    target = Target.objects.select_for_update().select_related("organisation").get(pk=target.pk)
    targets_policy.authorize(actor, TargetAction.SET_TARGET, target.organisation)
    if group_target not in (None, ""):
        try:
            target = (
                Target.objects.select_for_update()
                .select_related("organisation", "parent")
                .get(parent=target, pk=group_target)
            )
        except (Target.DoesNotExist, ValueError, TypeError):
            raise ValidationError(
                {"target": [_("Không tìm thấy chỉ tiêu theo nhóm này.")]}
            ) from None
    reason = (reason or "").strip()
    if target.state != TargetState.LOCKED:
        raise ValidationError(
            {"state": [_("Chỉ tiêu chưa khóa: hãy sửa trực tiếp thay vì điều chỉnh.")]}
        )
    if not reason:
        raise ValidationError({"reason": [_("Cần nêu lý do điều chỉnh chỉ tiêu.")]})
    if number == target.number:
        raise ValidationError({"number": [_("Chỉ tiêu mới trùng chỉ tiêu hiện tại.")]})
    if target.parent_id is not None and number > target.parent.number:  # type: ignore[union-attr]
        raise ValidationError(
            {"number": [_("Chỉ tiêu theo nhóm không được lớn hơn chỉ tiêu chung.")]}
        )
    amendment = TargetAmendment(
        target=target,
        number_before=target.number,
        number_after=number,
        reason=reason,
        actor=stored_user(actor),
    )
    amendment.full_clean()
    amendment.save()
    Target.objects.filter(pk=target.pk).update(number=number, updated_at=timezone.now())
    target.number = number
    audit_record(
        actor=actor,
        action="change",
        obj=target,
        summary=_("Điều chỉnh chỉ tiêu kết nạp năm %(year)s của %(org)s: %(a)s → %(b)s")
        % {
            "year": target.year,
            "org": target.organisation.name,
            "a": amendment.number_before,
            "b": number,
        },
        data={
            "number_before": amendment.number_before,
            "number": number,
            "reason": reason,
            "amendment": amendment.pk,
            "group": target.group,
        },
    )
    return amendment


# --- Terms ----------------------------------------------------------------------------------


@transaction.atomic
def term_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    start_year: int,
    end_year: int,
    congress_target: int,
    congress_resolution: str = "",
    programmes: list[tuple[str, int]] | None = None,
) -> Term:
    targets_policy.authorize(actor, TargetAction.MANAGE_TERMS, organisation)
    _check_year(start_year)
    _check_year(end_year)
    term = Term(
        organisation=organisation,
        name=name.strip(),
        start_year=start_year,
        end_year=end_year,
        congress_target=congress_target,
        congress_resolution=congress_resolution.strip(),
    )
    term.full_clean()
    term.save()
    for programme_name, number in programmes or []:
        programme = ProgrammeTarget(term=term, name=programme_name.strip(), number=number)
        programme.full_clean()
        programme.save()
    audit_record(
        actor=actor,
        action="create",
        obj=term,
        summary=_("Nhiệm kỳ %(name)s của %(org)s") % {"name": term.name, "org": organisation},
        data={
            "start_year": start_year,
            "end_year": end_year,
            "congress_target": congress_target,
            "programmes": [[n, v] for n, v in programmes or []],
        },
    )
    return term


@transaction.atomic
def term_update(
    *,
    actor: Actor,
    term: Term,
    name: str,
    start_year: int,
    end_year: int,
    congress_target: int,
    congress_resolution: str = "",
) -> Term:
    term = Term.objects.select_for_update().select_related("organisation").get(pk=term.pk)
    targets_policy.authorize(actor, TargetAction.MANAGE_TERMS, term.organisation)
    before = {
        "name": term.name,
        "start_year": term.start_year,
        "end_year": term.end_year,
        "congress_target": term.congress_target,
    }
    term.name = name.strip()
    term.start_year = start_year
    term.end_year = end_year
    term.congress_target = congress_target
    term.congress_resolution = congress_resolution.strip()
    term.full_clean()
    term.save()
    audit_record(
        actor=actor,
        action="change",
        obj=term,
        summary=_("Sửa nhiệm kỳ %(name)s") % {"name": term.name},
        data={"before": before, "congress_target": congress_target},
    )
    return term


@transaction.atomic
def programme_target_set(*, actor: Actor, term: Term, name: str, number: int) -> ProgrammeTarget:
    """Create or change (by name) a programme's target for the term."""
    targets_policy.authorize(actor, TargetAction.MANAGE_TERMS, term.organisation)
    name = name.strip()
    programme = ProgrammeTarget.objects.filter(term=term, name=name).first()
    before = programme.number if programme else None
    if programme is None:
        programme = ProgrammeTarget(term=term, name=name, number=number)
    programme.number = number
    programme.full_clean()
    programme.save()
    audit_record(
        actor=actor,
        action="create" if before is None else "change",
        obj=programme,
        summary=_("Chỉ tiêu %(name)s: %(n)s") % {"name": name, "n": number},
        data={"term": term.pk, "number_before": before, "number": number},
    )
    return programme


@transaction.atomic
def programme_target_delete(*, actor: Actor, programme: ProgrammeTarget) -> None:
    targets_policy.authorize(actor, TargetAction.MANAGE_TERMS, programme.term.organisation)
    audit_record(
        actor=actor,
        action="delete",
        obj=programme,
        summary=_("Bỏ chỉ tiêu %(name)s") % {"name": programme.name},
        data={"term": programme.term_id, "number": programme.number},
    )
    programme.delete()


# --- Plans ----------------------------------------------------------------------------------


def _authorize_plan(actor: Actor, organisation: Organisation) -> None:
    targets_policy.authorize(actor, TargetAction.PLAN, organisation)


@transaction.atomic
def plan_assign(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    candidacy: Candidacy,
    responsible_person: Person | None = None,
    member: PartyMembership | None = None,
    note: str = "",
) -> PlanAssignment:
    """Make a leader and/or a member responsible for a candidate this year (one assignment
    per candidacy and year: assigning again replaces it)."""
    _authorize_plan(actor, organisation)
    _check_year(year)
    errors: dict[str, list[str]] = {}
    if not candidacy.organisation.path.startswith(organisation.path) or not candidacy.is_open:
        errors["candidacy"] = [_("Hồ sơ không thuộc tổ chức này hoặc đã đóng.")]
    if responsible_person is None and member is None:
        errors["responsible_person"] = [_("Cần chọn cán bộ phụ trách hoặc đảng viên được giao.")]
    if responsible_person is not None and (
        not person_policy.visible_to(actor).filter(pk=responsible_person.pk).exists()
    ):
        errors["responsible_person"] = [_("Không tìm thấy người này.")]
    if member is not None and (
        member.status not in ACTIVE_STATUSES
        or not member.organisation.path.startswith(organisation.path)
    ):
        errors["member"] = [_("Đảng viên được giao phải đang sinh hoạt trong tổ chức này.")]
    if member is not None and member.person_id == candidacy.person_id:
        errors["member"] = [_("Không thể giao cho chính người trong hồ sơ.")]
    if responsible_person is not None and responsible_person.pk == candidacy.person_id:
        errors["responsible_person"] = [_("Không thể giao cho chính người trong hồ sơ.")]
    if (
        responsible_person is not None
        and member is not None
        and member.person_id == responsible_person.pk
    ):
        errors["member"] = [
            _("Đảng viên được giao trùng với cán bộ phụ trách: chỉ cần chọn một lần.")
        ]
    if errors:
        raise ValidationError(errors)
    assignment = (
        PlanAssignment.objects.select_for_update().filter(year=year, candidacy=candidacy).first()
    )
    created = assignment is None
    if assignment is None:
        assignment = PlanAssignment(year=year, candidacy=candidacy)
    assignment.organisation = organisation
    assignment.responsible_person = responsible_person
    assignment.member = member
    assignment.note = note.strip()
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    audit_record(
        actor=actor,
        action="create" if created else "change",
        obj=assignment,
        person=candidacy.person,
        summary=_("Phân công phụ trách quần chúng năm %(year)s") % {"year": year},
        data={
            "organisation": organisation.code,
            "candidacy": candidacy.pk,
            "responsible_person": responsible_person.pk if responsible_person else None,
            "member": member.pk if member else None,
        },
    )
    return assignment


@transaction.atomic
def plan_unassign(*, actor: Actor, assignment: PlanAssignment) -> None:
    _authorize_plan(actor, assignment.organisation)
    audit_record(
        actor=actor,
        action="delete",
        obj=assignment,
        person=assignment.candidacy.person,
        summary=_("Bỏ phân công phụ trách quần chúng năm %(year)s") % {"year": assignment.year},
        data={"candidacy": assignment.candidacy_id},
    )
    assignment.delete()


# --- Responsibility quotas ------------------------------------------------------------------

QUOTA_MAX = 100


def _resolve_holder(
    actor: Actor, organisation: Organisation, person: Any, member: Any
) -> tuple[Person | None, PartyMembership | None]:
    """The holder a request names (ids or instances), resolved through the actor's scope:
    absent and outside it answer the same field error, and nothing is written."""
    if person in (None, "") and member in (None, ""):
        raise unprocessable(
            {"person": _("Cần chọn một người: cấp ủy viên, cán bộ lãnh đạo hoặc đảng viên.")}
        )
    if person not in (None, "") and member not in (None, ""):
        raise unprocessable(
            {"member": _("Chỉ chọn một người: cấp ủy viên, cán bộ lãnh đạo hoặc đảng viên.")}
        )
    if person not in (None, ""):
        return (
            person_policy.resolve_named(
                actor, person, field="person", message=_("Không tìm thấy người này.")
            ),
            None,
        )
    found = membership_policy.resolve_named(
        actor,
        member,
        field="member",
        message=_("Không tìm thấy đảng viên này."),
        queryset=PartyMembership.objects.select_related("organisation", "person"),
    )
    if found.status not in ACTIVE_STATUSES or not found.organisation.path.startswith(
        organisation.path
    ):
        raise unprocessable(
            {"member": _("Đảng viên phải đang sinh hoạt trong tổ chức giao chỉ tiêu.")}
        )
    return None, found


@transaction.atomic
def quota_set(
    *,
    actor: Actor,
    organisation: Organisation | int,
    year: int,
    number: int,
    person: Person | int | None = None,
    member: PartyMembership | int | None = None,
    note: str = "",
) -> ResponsibilityQuota:
    """Set (create or change) how many candidates the organisation asks one person — a
    committee member or leader (`person`) or a member (`member`) — to nurture to admission
    in `year`. One quota per organisation, year and person. The organisation, person and
    member may be named by id (an API body): each is resolved through the actor's scope."""
    organisation = organisation_policy.resolve_named(
        actor,
        organisation,
        field="organisation",
        message=_("Không tìm thấy tổ chức đảng này."),
    )
    _authorize_plan(actor, organisation)
    _check_year(year)
    if number is None or not 0 <= number <= QUOTA_MAX:
        raise ValidationError({"number": [_("Chỉ tiêu cá nhân phải là số nguyên từ 0 đến 100.")]})
    holder_person, holder_member = _resolve_holder(actor, organisation, person, member)
    holder: dict[str, Any] = (
        {"person": holder_person} if holder_person is not None else {"member": holder_member}
    )
    quota = (
        ResponsibilityQuota.objects.select_for_update()
        .filter(organisation=organisation, year=year, **holder)
        .first()
    )
    created = quota is None
    before = None if quota is None else quota.number
    if quota is None:
        quota = ResponsibilityQuota(organisation=organisation, year=year, **holder)
    quota.number = number
    quota.note = (note or "").strip()
    quota.set_by = stored_user(actor)
    quota.full_clean(validate_constraints=False)
    quota.save()
    subject = holder_person if holder_person is not None else holder_member.person  # type: ignore[union-attr]
    audit_record(
        actor=actor,
        action="create" if created else "change",
        obj=quota,
        person=subject,
        summary=_("Giao chỉ tiêu cá nhân phụ trách quần chúng năm %(year)s cho %(name)s: %(n)s")
        % {"year": year, "name": subject.full_name, "n": number},
        data={
            "organisation": organisation.code,
            "year": year,
            "person": holder_person.pk if holder_person else None,
            "member": holder_member.pk if holder_member else None,
            "number_before": before,
            "number": number,
        },
    )
    return quota


@transaction.atomic
def quota_delete(*, actor: Actor, quota: ResponsibilityQuota) -> None:
    quota = (
        ResponsibilityQuota.objects.select_for_update(of=("self",))
        .select_related("organisation", "person", "member__person")
        .get(pk=quota.pk)
    )
    _authorize_plan(actor, quota.organisation)
    subject: Any = quota.person if quota.person_id else quota.member.person  # type: ignore[union-attr]
    audit_record(
        actor=actor,
        action="delete",
        obj=quota,
        person=subject,
        summary=_("Bỏ chỉ tiêu cá nhân phụ trách quần chúng năm %(year)s của %(name)s")
        % {"year": quota.year, "name": subject.full_name},
        data={"organisation": quota.organisation.code, "year": quota.year, "number": quota.number},
    )
    quota.delete()
