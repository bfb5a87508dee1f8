"""Write path for candidacies. Registering is here; the stage transitions (issue 3) go through
the transition table and the rule engine, never by writing `stage`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import ROLE_RANK
from ptdv.audit.services import audit_record
from ptdv.candidacies.case import candidacy_next, next_fields
from ptdv.candidacies.derived import dossier_changed
from ptdv.candidacies.models import Candidacy, SourceChannel, Stage
from ptdv.core.policies import REQUIRED_ROLE, Action, Actor, subtree_q
from ptdv.core.refusals import unprocessable
from ptdv.members.models import ACTIVE_STATUSES, FORMER_MEMBER_STATUSES, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.movements.services import candidacy_source_resolve
from ptdv.organisations.models import CELL_KINDS, Locality, Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.people.models import Person
from ptdv.people.policies import person_policy
from ptdv.people.services import PersonData, person_create, person_find


class OpenCandidacyExists(ValidationError):
    """The person already has an open dossier: a conflict with what is stored (API 409)."""


def _may_move(actor: Actor, person: Person) -> bool:
    """Registering moves the person into the cell: the actor must hold the role to change
    people where the person is managed now, not only to read them."""
    rank = ROLE_RANK[REQUIRED_ROLE[Action.CHANGE]]
    return Person.objects.filter(
        subtree_q(actor, "organisation__path", min_rank=rank), pk=person.pk
    ).exists()


def _check_residence(person_data: PersonData | None, organisation: Organisation) -> None:
    """A residence is a village of a commune above the cell (a cell-level clerk chooses among
    the commune's villages, outside their own subtree: names, no personal data)."""
    if person_data is not None and person_data.residence_locality is not None:
        locality = Locality.objects.filter(
            pk=person_data.residence_locality.pk,
            organisation__path__in=organisation.ancestor_paths,
        ).first()
        if locality is None:
            raise ValidationError({"residence_locality": [_("Không tìm thấy thôn, tổ dân phố.")]})
        person_data.residence_locality = locality


def _registered_person(
    actor: Actor, organisation: Organisation, person: Person | None, person_data: PersonData | None
) -> tuple[Person, bool]:
    """The person to register (and whether they were created now): the one named, else found
    by national ID or name and birth date, else created; one managed outside the actor's reach
    is not revealed nor moved."""
    if person is None:
        if person_data is None:
            raise ValidationError({"person": [_("Cần chọn hoặc nhập thông tin công dân.")]})
        person = person_find(
            national_id=person_data.national_id,
            family_name=person_data.family_name,
            middle_name=person_data.middle_name,
            given_name=person_data.given_name,
            birth_date=person_data.birth_date,
        )
        if person is None:
            # No savepoint: an error here ends the registration and rolls back all it wrote.
            created = person_create(
                data=person_data, organisation=organisation, actor=actor, savepoint=False
            )
            return created, True
        if not _may_move(actor, person):
            # The person is managed by an organisation outside the user's subtrees (or where
            # they may only read): do not reveal or move them; transfer the dossier first.
            raise unprocessable(
                {
                    "national_id": [
                        _(
                            "Số định danh này thuộc hồ sơ do tổ chức khác quản lý; "
                            "cần chuyển hồ sơ trước khi lập hồ sơ mới."
                        )
                        if person_data.national_id
                        else _(
                            "Đã có người cùng họ tên và ngày sinh do tổ chức khác quản lý; "
                            "hãy nhập số định danh cá nhân để phân biệt."
                        )
                    ]
                }
            )
    elif not _may_move(actor, person):
        raise ValidationError({"person": [_("Không tìm thấy công dân.")]})
    return person, False


@transaction.atomic
def candidacy_register(
    *,
    actor: Actor,
    organisation: Organisation,
    person: Person | None = None,
    person_data: PersonData | None = None,
    helper: PartyMembership | None = None,
    responsible_leader: Person | None = None,
    source_channel: str = SourceChannel.OTHER,
    opened_on: dt.date | None = None,
    movement: Any = None,
    referring_body: Any = None,
) -> Candidacy:
    """Put a person into the candidate pool of a cell (rule `person.unique_active`).

    The person is looked up first (national ID, else name + birth date) and reused; a second
    open candidacy is refused; a person who was a member and left is a re-admission; a current
    member cannot be a candidate.
    """
    # Every object the request names is resolved through the actor's scope before anything
    # is written; outside the scope answers exactly like absent (a field error).
    organisation = organisation_policy.resolve_named(
        actor, organisation, field="organisation", message=_("Không tìm thấy tổ chức.")
    )
    organisation_policy.authorize(actor, Action.CREATE, organisation)  # inside: role (403)
    if helper is not None:
        helper = membership_policy.resolve_named(
            actor, helper, field="helper", message=_("Không tìm thấy đảng viên giúp đỡ.")
        )
    if responsible_leader is not None:
        responsible_leader = person_policy.resolve_named(
            actor,
            responsible_leader,
            field="responsible_leader",
            message=_("Không tìm thấy người chịu trách nhiệm bồi dưỡng."),
        )
    # The movement and the referring mass organisation (ids or instances), through the scope;
    # they settle the generic channel too.
    source = candidacy_source_resolve(
        actor=actor,
        cell=organisation,
        channel=source_channel,
        movement=movement,
        referring_body=referring_body,
    )
    _check_residence(person_data, organisation)
    # From here on the request is well formed and names only what the user may name: a refusal
    # is by a rule (422, ptdv.core.refusals).
    if organisation.kind not in CELL_KINDS:
        raise unprocessable(
            {"organisation": [_("Hồ sơ phải thuộc một chi bộ (nơi biểu quyết kết nạp).")]}
        )
    if not organisation.is_active:
        raise unprocessable({"organisation": [_("Chi bộ này đã giải thể hoặc sáp nhập.")]})
    person, created = _registered_person(actor, organisation, person, person_data)
    is_readmission = False
    if not created:
        # An existing person: lock the row (and read it as committed), so that two
        # registrations of one person queue and the later one sees the open dossier.
        person = Person.objects.select_for_update().get(pk=person.pk)
        if Candidacy.objects.filter(person=person, is_open=True).exists():
            raise OpenCandidacyExists(
                {"person": [_("Người này đang có một hồ sơ phát triển đảng viên chưa kết thúc.")]},
                code="person.unique_active",
            )
        memberships = PartyMembership.objects.filter(person=person)
        if memberships.filter(status__in=ACTIVE_STATUSES).exists():
            raise unprocessable({"person": [_("Người này đang là đảng viên.")]})
        is_readmission = memberships.filter(status__in=FORMER_MEMBER_STATUSES).exists()
    # A person inserted just now by this transaction is neither read again nor checked: the
    # insert holds the row's lock, and until the commit no other transaction can see it, let
    # alone give it a dossier or a membership (the rule `person.unique_active` and the
    # membership checks cannot fail for it).
    if helper is not None:
        if helper.status != "official":
            raise unprocessable({"helper": [_("Đảng viên giúp đỡ phải là đảng viên chính thức.")]})
        if helper.organisation_id != organisation.pk:
            raise unprocessable(
                {"helper": [_("Đảng viên giúp đỡ phải sinh hoạt tại chi bộ của hồ sơ.")]}
            )
    today = opened_on or timezone.localdate()
    if today > timezone.localdate():
        raise unprocessable({"opened_on": [_("Ngày đưa vào nguồn không được sau hôm nay.")]})
    candidacy = Candidacy(
        person=person,
        organisation=organisation,
        stage=Stage.SOURCE,
        is_readmission=is_readmission,
        helper=helper,
        responsible_leader=responsible_leader,
        source_channel=source.channel,
        movement=source.movement,
        referring_body=source.referring_body,
        opened_on=today,
        stage_changed_on=today,
    )
    # Every foreign key holds an instance resolved above through the actor's scope (or None):
    # Django's check that each row exists (a query each) would only repeat those reads.
    candidacy.full_clean(
        exclude=[
            "person",
            "organisation",
            "helper",
            "responsible_leader",
            "movement",
            "referring_body",
        ],
        validate_constraints=False,
    )
    # Its next lawful action (recording the certificate: nothing read) stored with the row,
    # so that the hook below need not write it again.
    checked_on = timezone.localdate()
    for name, value in next_fields(candidacy_next(candidacy, checked_on), checked_on).items():
        setattr(candidacy, name, value)
    try:
        # No savepoint of its own: the error ends the registration, and its atomic block
        # rolls back everything it wrote.
        candidacy.save()
    except IntegrityError:
        # A concurrent registration won the race on the one-open-candidacy constraint.
        raise OpenCandidacyExists(
            {"person": [_("Người này đang có một hồ sơ phát triển đảng viên chưa kết thúc.")]},
            code="person.unique_active",
        ) from None
    if person.organisation_id != organisation.pk:
        Person.objects.filter(pk=person.pk).update(organisation=organisation)
        person.organisation = organisation
    dossier_changed(candidacy, before=None)
    audit_record(
        actor=actor,
        action="create",
        obj=candidacy,
        person=person,
        summary="Đưa vào nguồn phát triển đảng viên",
        data={"organisation": organisation.code, "readmission": is_readmission},
    )
    return candidacy
