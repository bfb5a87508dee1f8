"""The demo province's requests between organisations: a year of verification letters and
opinions going between communes and wards (and out of the province), in every state.

Answered requests belong to dossiers whose verification or opinions the replayed histories
already record (the reply's date is the recorded date, the reply recorded that step), so the
requests and the dossiers tell the same story. Requests still waiting are about dossiers in
training or applied without that fact; some are past due — overdue, escalated to the
addressee's parent. Most rows are written in bulk; a few dossier transfers go through the
services (send, then accept or refuse by the receiving commune's clerk), so that accepted
transfers moved their dossiers with their history exactly as in use. Letters to bodies outside
the province take their numbers from the register.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from ptdv.accounts.models import User
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.workflow import RuleViolation
from ptdv.correspondence.models import (
    Conclusion,
    OrganisationRequest,
    RequestKind,
    RequestStatus,
    VerificationPlace,
)
from ptdv.correspondence.parameters import due_parameter
from ptdv.correspondence.services import (
    NewRequest,
    letter_issuer,
    request_accept,
    request_refuse,
    request_send,
)
from ptdv.demo.activity import staff_username
from ptdv.documents.models import DocumentKind, Relation, Relative
from ptdv.documents.services import document_number_issue
from ptdv.organisations.models import CELL_KINDS, Kind, Organisation
from ptdv.rules.services import rules_calendar

OUTSIDE = (
    ("Đảng ủy xã Nghi Xuân, tỉnh Nghệ An", "Xã Nghi Xuân, tỉnh Nghệ An"),
    ("Đảng ủy phường Vinh Phú, tỉnh Nghệ An", "Phường Vinh Phú, tỉnh Nghệ An"),
    ("Đảng ủy xã Quảng Trạch, tỉnh Quảng Trị", "Xã Quảng Trạch, tỉnh Quảng Trị"),
    ("Công đoàn Công ty TNHH Thép Formosa Hà Tĩnh", "Khu kinh tế Vũng Áng, tỉnh Hà Tĩnh"),
    ("Đoàn Thanh niên Trường Đại học Vinh", "182 Lê Duẩn, phường Trường Vinh, tỉnh Nghệ An"),
)
QUESTIONS = {
    RequestKind.VERIFICATION: (
        "Đề nghị thẩm tra, xác minh lý lịch của quần chúng và gia đình (cha, mẹ, anh chị em "
        "ruột) tại địa phương: quá trình hoạt động, chấp hành chủ trương, chính sách."
    ),
    RequestKind.RESIDENCE_OPINION: (
        "Đề nghị chi ủy nơi cư trú cho ý kiến nhận xét về quần chúng: phẩm chất đạo đức, lối "
        "sống, chấp hành quy định nơi cư trú (mẫu 5B-KNĐ)."
    ),
    RequestKind.MASS_OPINION: (
        "Đề nghị đoàn thể nơi quần chúng sinh hoạt cho ý kiến nhận xét (mẫu 5C-KNĐ)."
    ),
    RequestKind.TRANSFER: (
        "Quần chúng đã chuyển nơi cư trú, làm việc; đề nghị tiếp nhận hồ sơ để tiếp tục bồi "
        "dưỡng, xem xét kết nạp."
    ),
}
REPLIES = {
    Conclusion.FAVOURABLE: (
        "Bản thân và gia đình chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của "
        "Nhà nước; không phát hiện vấn đề về chính trị."
    ),
    Conclusion.UNFAVOURABLE: (
        "Người em ruột đang bị xử lý vi phạm hành chính; đề nghị chi bộ làm rõ trước khi xét."
    ),
}


@dataclass
class _Units:
    """The commune-level units and, for each, its ward clerk (who acts through services)."""

    units: list[Organisation]
    unit_of: dict[str, Organisation]  # organisation path prefix -> unit
    capital: Organisation | None
    clerks: dict[int, User] = field(default_factory=dict)

    def of(self, path: str) -> Organisation | None:
        for unit in self.units:
            if path.startswith(unit.path):
                return unit
        return None

    def other(self, rng: random.Random, unit: Organisation | None) -> Organisation:
        choices = [u for u in self.units if unit is None or u.pk != unit.pk]
        if self.capital is not None and unit is not None and unit.pk != self.capital.pk:
            if rng.random() < 0.2:
                return self.capital  # the demo clerk's ward hears from many
        return rng.choice(choices)


def _units(root: Organisation) -> _Units:
    units = list(
        Organisation.objects.filter(
            parent=root, kind__in=(Kind.COMMUNE, Kind.BLOC), valid_to__isnull=True
        ).order_by("path")
    )
    capital = next((u for u in units if u.admin_unit_code == "18073"), None) or next(
        (u for u in units if u.kind == Kind.COMMUNE), None
    )
    return _Units(units=units, unit_of={u.path: u for u in units}, capital=capital)


def _row(
    *,
    candidacy: Candidacy,
    kind: str,
    sent_on: dt.date,
    addressee: Organisation | None,
    outside: tuple[str, str] | None,
    parents: dict[int, tuple[str, str]],
    rng: random.Random,
) -> OrganisationRequest:
    person = candidacy.person
    father, mother = parents.get(person.pk, ("", ""))
    return OrganisationRequest(
        kind=kind,
        place=rng.choice(VerificationPlace.values) if kind == RequestKind.VERIFICATION else "",
        candidacy=candidacy,
        sender=candidacy.organisation,
        addressee=addressee,
        addressee_name=outside[0] if outside else "",
        addressee_address=outside[1] if outside else "",
        subject_name=person.full_name,
        subject_birth_date=person.birth_date,
        subject_home_town="",
        subject_residence=(
            person.residence_locality.full_name if person.residence_locality else ""
        ),
        subject_father=father,
        subject_mother=mother,
        questions=QUESTIONS[RequestKind(kind)],
        sent_on=sent_on,
        due_on=rules_calendar().add_working_days(sent_on, due_parameter(kind).working_days),
    )


def _parents(person_ids: list[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for person_id, relation, name in Relative.objects.filter(
        person_id__in=person_ids, relation__in=(Relation.FATHER, Relation.MOTHER)
    ).values_list("person_id", "relation", "full_name"):
        found.setdefault(person_id, {})[relation] = name
    return {
        pk: (names.get(Relation.FATHER, ""), names.get(Relation.MOTHER, ""))
        for pk, names in found.items()
    }


def _dossiers(
    root: Organisation, condition: Q, limit: int, rng: random.Random, exclude: set[int]
) -> list[Candidacy]:
    """Up to `limit` dossiers matching `condition`, drawn across the whole province."""
    ids = [
        pk
        for pk in Candidacy.objects.filter(
            condition, organisation__path__startswith=root.path
        ).values_list("pk", flat=True)
        if pk not in exclude
    ]
    chosen = sorted(rng.sample(sorted(ids), min(limit, len(ids))))
    exclude.update(chosen)
    return list(
        Candidacy.objects.filter(pk__in=chosen)
        .select_related("person__residence_locality", "organisation")
        .order_by("pk")
    )


def _answered(
    rng: random.Random,
    units: _Units,
    dossiers: list[Candidacy],
    kind_of: Callable[[Candidacy], str],
    day_of: Callable[[Candidacy], dt.date],
    events: dict[int, int],
    parents: dict[int, tuple[str, str]],
) -> list[OrganisationRequest]:
    rows = []
    for candidacy in dossiers:
        kind = kind_of(candidacy)
        answered_on = day_of(candidacy)
        sent_on = answered_on - dt.timedelta(days=rng.randint(12, 40))
        outside = rng.choice(OUTSIDE) if rng.random() < 0.15 else None
        addressee = None if outside else units.other(rng, units.of(candidacy.organisation.path))
        row = _row(
            candidacy=candidacy,
            kind=kind,
            sent_on=sent_on,
            addressee=addressee,
            outside=outside,
            parents=parents,
            rng=rng,
        )
        conclusion = Conclusion.FAVOURABLE if rng.random() < 0.93 else Conclusion.UNFAVOURABLE
        row.status = RequestStatus.ANSWERED
        row.received_on = None if outside else sent_on + dt.timedelta(days=rng.randint(1, 5))
        row.answered_on = answered_on
        row.reply_text = REPLIES[conclusion]
        row.conclusion = conclusion
        row.reply_number = f"{rng.randint(3, 180)}-CV/ĐU"
        row.recorded_event_id = events.get(candidacy.pk)
        rows.append(row)
    return rows


def _waiting(
    rng: random.Random,
    units: _Units,
    dossiers: list[Candidacy],
    today: dt.date,
    parents: dict[int, tuple[str, str]],
) -> list[OrganisationRequest]:
    """Requests not answered yet: sent lately (some received), past due (overdue and
    escalated), or withdrawn by their sender."""
    rows = []
    for index, candidacy in enumerate(dossiers):
        kind = (RequestKind.VERIFICATION, RequestKind.RESIDENCE_OPINION, RequestKind.MASS_OPINION)[
            index % 3
        ]
        unit = units.of(candidacy.organisation.path)
        outside = rng.choice(OUTSIDE) if rng.random() < 0.12 else None
        # The demo clerk's ward sends a share of them and receives another.
        if outside is None and units.capital is not None and index % 7 == 0:
            addressee = units.capital if unit is None or unit.pk != units.capital.pk else None
        else:
            addressee = None
        if outside is None and addressee is None:
            addressee = units.other(rng, unit)
        share = index % 10
        if share < 4:  # sent lately, still within its time
            sent_on = today - dt.timedelta(days=rng.randint(1, 20))
        elif share < 8:  # past due
            sent_on = today - dt.timedelta(days=rng.randint(45, 120))
        else:  # withdrawn
            sent_on = today - dt.timedelta(days=rng.randint(20, 200))
        row = _row(
            candidacy=candidacy,
            kind=kind,
            sent_on=sent_on,
            addressee=addressee,
            outside=outside,
            parents=parents,
            rng=rng,
        )
        if outside is None and rng.random() < 0.5:
            row.received_on = sent_on + dt.timedelta(days=rng.randint(1, 4))
            row.status = RequestStatus.RECEIVED
        if share >= 8:
            row.status = RequestStatus.CANCELLED
            row.cancelled_on = min(today, sent_on + dt.timedelta(days=rng.randint(3, 15)))
            row.cancel_reason = "Quần chúng chuyển nơi cư trú; gửi lại nơi mới."
        elif row.due_on < today:
            row.status = RequestStatus.OVERDUE
            row.overdue_on = row.due_on + dt.timedelta(days=1)
            row.escalated_to_id = addressee.parent_id if addressee is not None else None
        rows.append(row)
    return rows


def _clerks(units: _Units) -> dict[int, User]:
    """Each unit's clerk (ptdv.demo.activity's staff), by the unit's id."""
    by_name = {staff_username(unit.code, "clerk"): unit.pk for unit in units.units}
    return {by_name[user.username]: user for user in User.objects.filter(username__in=by_name)}


def _number_outside(rows: list[OrganisationRequest], units: _Units) -> None:
    """Letters to bodies outside the province: their numbers from the issuing body's register
    (the sending committee's, taken by its unit's clerk), in the order they were sent."""
    for row in sorted((r for r in rows if r.addressee_id is None), key=lambda r: r.sent_on):
        unit = units.of(row.sender.path)
        clerk = units.clerks.get(unit.pk) if unit is not None else None
        if clerk is None:
            continue
        row.number = document_number_issue(
            actor=clerk,
            organisation=letter_issuer(row.sender),
            kind=DocumentKind.OFFICIAL_LETTER,
            on=row.sent_on,
        )


def _transfers(
    root: Organisation, units: _Units, today: dt.date, rng: random.Random, taken: set[int]
) -> dict[str, int]:
    """A few dossier transfers taken through the services by the units' clerks: accepted
    (the dossier moves with its history), refused (nothing changes) and one still waiting."""
    # Any dossier in training or applied may move (one with requests still waiting too).
    movers = _dossiers(
        root, Q(is_open=True, stage__in=(Stage.TRAINED, Stage.APPLIED)), 60, rng, set()
    )
    counts = {"accepted": 0, "refused": 0, "waiting": 0}
    plan = ["accepted", "refused", "accepted", "waiting", "refused", "accepted"]
    rng.shuffle(movers)
    for candidacy in movers:
        if not plan:
            break
        unit = units.of(candidacy.organisation.path)
        target_unit = units.other(rng, unit)
        if unit is None or target_unit.kind != Kind.COMMUNE:
            continue
        sender = units.clerks.get(unit.pk)
        receiver = units.clerks.get(target_unit.pk)
        cell = (
            Organisation.objects.filter(
                path__startswith=target_unit.path, kind__in=CELL_KINDS, valid_to__isnull=True
            )
            .order_by("path")
            .first()
        )
        if sender is None or receiver is None or cell is None:
            continue
        outcome = plan[-1]
        try:
            with transaction.atomic():
                _transfer(candidacy, sender, receiver, target_unit, cell, outcome, today)
        except (ValidationError, RuleViolation, PermissionDenied, Http404):
            continue  # this dossier cannot move now: try the next one
        plan.pop()
        counts[outcome] += 1
    return counts


def _transfer(
    candidacy: Candidacy,
    sender: User,
    receiver: User,
    target_unit: Organisation,
    cell: Organisation,
    outcome: str,
    today: dt.date,
) -> None:
    request = request_send(
        actor=sender,
        candidacy_id=candidacy.pk,
        data=NewRequest(
            kind=RequestKind.TRANSFER,
            questions=QUESTIONS[RequestKind.TRANSFER],
            addressee=target_unit,
        ),
        today=today - dt.timedelta(days=12),
    )
    if outcome == "accepted":
        request_accept(actor=receiver, request_id=request.pk, organisation=cell, today=today)
    elif outcome == "refused":
        request_refuse(
            actor=receiver,
            request_id=request.pk,
            reason="Quần chúng chưa đăng ký cư trú tại địa phương.",
            today=today,
        )


def correspondence_demo_load(*, root: Organisation, today: dt.date, seed: int) -> dict[str, int]:
    """Write the demo requests under `root`; answer how many of each status."""
    rng = random.Random(f"correspondence-{seed}")
    units = _units(root)
    if len(units.units) < 2:
        return {}
    units.clerks = _clerks(units)
    taken: set[int] = set()
    verified = _dossiers(
        root,
        Q(verification_concluded_on__isnull=False, verification_waived=False),
        260,
        rng,
        taken,
    )
    opined = _dossiers(root, Q(opinions_date__isnull=False), 180, rng, taken)
    waiting = _dossiers(
        root,
        Q(is_open=True, stage__in=(Stage.TRAINED, Stage.APPLIED))
        & Q(verification_concluded_on__isnull=True),
        140,
        rng,
        taken,
    )
    parents = _parents([c.person_id for c in (*verified, *opined, *waiting)])
    events: dict[str, dict[int, int]] = {}
    for candidacy_id, action, pk in (
        CandidacyEvent.objects.filter(
            candidacy_id__in=[c.pk for c in (*verified, *opined)],
            action__in=("record_verification", "record_opinions"),
            voided=False,
        )
        .order_by("pk")
        .values_list("candidacy_id", "action", "pk")
    ):
        events.setdefault(action, {})[candidacy_id] = pk
    rows = _answered(
        rng,
        units,
        verified,
        lambda c: RequestKind.VERIFICATION,
        lambda c: _day(c.verification_concluded_on),
        events.get("record_verification", {}),
        parents,
    )
    opinion_kinds = (RequestKind.RESIDENCE_OPINION, RequestKind.MASS_OPINION)
    rows += _answered(
        rng,
        units,
        opined,
        lambda c: opinion_kinds[c.pk % 2],
        lambda c: _day(c.opinions_date),
        events.get("record_opinions", {}),
        parents,
    )
    rows += _waiting(rng, units, waiting, today, parents)
    _number_outside(rows, units)
    OrganisationRequest.objects.bulk_create(rows, batch_size=500)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    transfers = _transfers(root, units, today, rng, taken)
    counts[RequestStatus.ACCEPTED] = transfers["accepted"]
    counts[RequestStatus.REFUSED] = transfers["refused"]
    counts[RequestStatus.SENT] = counts.get(RequestStatus.SENT, 0) + transfers["waiting"]
    return counts


def _day(value: Any) -> dt.date:
    assert isinstance(value, dt.date)
    return value


def correspondence_demo_step(
    *, root: Organisation, today: dt.date, seed: int, say: Callable[[str], None]
) -> None:
    """The demo load's step (ptdv.demo.extras): load and say what was written."""
    counts = correspondence_demo_load(root=root, today=today, seed=seed)
    if counts:
        say(
            f"Yêu cầu giữa các tổ chức: {sum(counts.values())} — "
            + "; ".join(
                f"{RequestStatus(status).label} {n}" for status, n in sorted(counts.items()) if n
            )
        )
