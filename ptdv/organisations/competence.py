"""Who decides admission and recognition, for which organisations, from when (QĐ §4.3.2, §7).

The competent body is a dated property of the tree: a `Competence` row says that `decider`
decides for `subject` and every organisation under it, from `valid_from` to `valid_to`, by a
recorded decision, either as the committee directly above the grassroots organisation (its
standing committee decides) or as a grassroots committee authorised to admit (the whole
committee decides). For a cell on a day, the valid row whose subject is nearest to the cell
wins; without one, today's rule applies: an authorised grassroots committee itself, else the
committee directly above the grassroots organisation (the nearest grassroots cell or
grassroots committee up the tree, else the node under the root).

Since 1 July 2025 (QĐ 294) the commune and ward committees are the committees directly above
the grassroots organisations: a village or residential-group cell directly under one is a
grassroots cell (no grassroots-committee vote) and the commune's standing committee decides.
A row on the commune from that day says so; dossiers decided before it keep the bodies of
their time, because each step asks for the competence on its own date.

`competent_for` is pure (a chain already loaded and the rows of its subjects), so the bulk
readers — the pipeline refresh, the demo — resolve thousands of dossiers without a query each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor
from ptdv.organisations.models import (
    Competence,
    CompetenceBasis,
    Kind,
    Organisation,
    ancestor_paths,
)
from ptdv.organisations.policies import organisation_policy

# QĐ 294-QĐ/TW in force: the commune level is the level directly above the grassroots.
REFORM_DATE = dt.date(2025, 7, 1)

GRASSROOTS_KINDS = (Kind.GRASSROOTS_CELL, Kind.GRASSROOTS_COMMITTEE)

__all__ = [
    "REFORM_DATE",
    "Competent",
    "DecisionRef",
    "competence_check",
    "competence_move",
    "competence_on",
    "competence_pin",
    "competence_record",
    "competence_rows",
    "competent_for",
    "competent_on",
]


@dataclass(frozen=True)
class Competent:
    """Who acts for a cell's dossier on a day.

    `grassroots` is the grassroots organisation (the cell itself when it is a grassroots
    cell); `authorised` says the decider is that grassroots committee, authorised to admit
    (it decides by a vote of the whole committee); otherwise the decider's standing
    committee decides. `rule` is the row applied (None: today's rule)."""

    cell: Organisation
    decider: Organisation
    grassroots: Organisation
    authorised: bool
    rule: Competence | None = None

    @property
    def cell_is_grassroots(self) -> bool:
        return self.grassroots.pk == self.cell.pk

    @property
    def committee_step(self) -> bool:
        """A grassroots committee votes (8-KNĐ, 15-KNĐ) between the cell and the decision."""
        return not self.authorised and not self.cell_is_grassroots

    @property
    def engine_decider(self) -> str:
        """The rule engine's code for this decider (`ptdv.rules.engine.Decider`)."""
        return "authorised_grassroots_committee" if self.authorised else "standing_committee_above"


@dataclass(frozen=True)
class DecisionRef:
    """The decision that changes a competence: number and symbol, date, issuing body."""

    number: str = ""
    date: dt.date | None = None
    issuing_body: str = ""

    @classmethod
    def of(cls, value: DecisionRef | Mapping[str, Any] | None) -> DecisionRef:
        if value is None:
            return cls()
        if isinstance(value, DecisionRef):
            return value
        return cls(
            number=str(value.get("number") or ""),
            date=value.get("date"),
            issuing_body=str(value.get("issuing_body") or ""),
        )


# --- Reading -----------------------------------------------------------------------------------


def _todays_rule(chain: Sequence[Organisation]) -> Competent:
    cell = chain[0]
    grassroots = next(
        (o for o in chain if o.kind in GRASSROOTS_KINDS),
        chain[1] if len(chain) > 1 else chain[0],
    )
    if grassroots.kind == Kind.GRASSROOTS_COMMITTEE and grassroots.authorised_to_admit:
        return Competent(cell, grassroots, grassroots, True)
    index = next(i for i, o in enumerate(chain) if o.pk == grassroots.pk)
    decider = chain[index + 1] if index + 1 < len(chain) else grassroots
    return Competent(cell, decider, grassroots, decider.pk == grassroots.pk)


def _from_row(chain: Sequence[Organisation], row: Competence) -> Competent:
    cell = chain[0]
    positions = {o.pk: i for i, o in enumerate(chain)}
    decider = next((o for o in chain if o.pk == row.decider_id), None) or row.decider
    if row.basis == CompetenceBasis.AUTHORISED:
        return Competent(cell, decider, decider, True, row)
    if row.grassroots_id is not None:
        # Kept history of an organisation that has moved since (`competence_pin`).
        then = next((o for o in chain if o.pk == row.grassroots_id), None) or row.grassroots
        assert then is not None  # grassroots_id is set
        return Competent(cell, decider, then, False, row)
    at = positions.get(row.decider_id)
    if at is None or at == 0:
        # The decider is not above the cell (a body outside its line): the row's subject
        # is the grassroots organisation.
        subject = chain[positions[row.subject_id]]
        return Competent(cell, decider, subject, False, row)
    # The grassroots organisation is the node directly under the deciding committee.
    return Competent(cell, decider, chain[at - 1], False, row)


def competent_for(
    chain: Sequence[Organisation], on: dt.date, rows: Iterable[Competence]
) -> Competent:
    """Who acts for the cell `chain[0]` (then its ancestors, nearest first) on `on`, given
    the competence rows of the chain's organisations (others are ignored)."""
    positions = {o.pk: i for i, o in enumerate(chain)}
    mine = [r for r in rows if r.subject_id in positions]
    valid = [r for r in mine if r.valid_on(on)]
    row = min(valid, key=lambda r: positions[r.subject_id]) if valid else None
    # A grassroots committee flagged "authorised to admit" without any dated row of its own
    # is authorised all along: it counts like a row on itself.
    reach = positions[row.subject_id] if row is not None else len(chain)
    recorded = {r.subject_id for r in mine}
    for organisation in chain[:reach]:
        if (
            organisation.kind == Kind.GRASSROOTS_COMMITTEE
            and organisation.authorised_to_admit
            and organisation.pk not in recorded
        ):
            return Competent(chain[0], organisation, organisation, True)
    if row is None:
        return _todays_rule(chain)
    return _from_row(chain, row)


def competence_rows(organisations: Iterable[Organisation | int]) -> list[Competence]:
    """Every competence row (all dates) whose subject is one of `organisations`, with its
    decider and grassroots organisation: one query, a second only when a row names a body
    that is not among the `organisations` given as instances.

    The deciders are nearly always on the chain the caller has read already: joining them
    (two copies of the organisation table's columns) made this the slowest query to build
    on the dossier page."""
    known: dict[int, Organisation] = {}
    ids = set()
    for organisation in organisations:
        if isinstance(organisation, Organisation):
            known[organisation.pk] = organisation
            ids.add(organisation.pk)
        else:
            ids.add(organisation)
    rows = list(Competence.objects.filter(subject_id__in=ids))
    wanted = {r.decider_id for r in rows} | {r.grassroots_id for r in rows if r.grassroots_id}
    if not wanted <= known.keys():
        known.update(Organisation.objects.in_bulk(wanted - known.keys()))
    for row in rows:
        row.decider = known[row.decider_id]
        if row.grassroots_id is not None:
            row.grassroots = known[row.grassroots_id]
    return rows


def _chain(organisation: Organisation) -> list[Organisation]:
    rows = Organisation.objects.filter(path__in=organisation.ancestor_paths)
    return sorted(rows, key=lambda o: -len(o.path))


def competent_on(
    organisation: Organisation,
    on: dt.date,
    chain: Sequence[Organisation] | None = None,
    rows: Iterable[Competence] | None = None,
) -> Competent:
    """Who acts for `organisation` (a cell) on `on` (two queries unless given)."""
    chain = list(chain) if chain is not None else _chain(organisation)
    return competent_for(chain, on, competence_rows(chain) if rows is None else rows)


def competence_on(organisation: Organisation, on: dt.date) -> Organisation:
    """The body that decides admission and recognition for `organisation` on `on`."""
    return competent_on(organisation, on).decider


# --- Writing -----------------------------------------------------------------------------------


def _check_shape(subject: Organisation, decider: Organisation, basis: str) -> None:
    if basis == CompetenceBasis.AUTHORISED:
        if decider.pk != subject.pk or subject.kind != Kind.GRASSROOTS_COMMITTEE:
            raise ValidationError(
                {
                    "decider": [
                        _(
                            "Chỉ đảng ủy cơ sở mới được ủy quyền kết nạp, và chính đảng ủy đó "
                            "là cấp quyết định."
                        )
                    ]
                }
            )
    elif not subject.path.startswith(decider.path):
        raise ValidationError(
            {
                "decider": [
                    _(
                        "Cấp quyết định phải là tổ chức đó hoặc một tổ chức cấp trên của nó "
                        "trong cây tổ chức."
                    )
                ]
            }
        )


def competence_check(
    subject: Organisation,
    decider: Organisation,
    basis: str,
    valid_from: dt.date | None,
    decision: DecisionRef | None = None,
    rows: Iterable[Competence] | None = None,
) -> None:
    """Refuse a record that cannot hold (Vietnamese messages naming the field)."""
    if valid_from is None:
        raise ValidationError({"valid_from": [_("Ngày có hiệu lực là bắt buộc.")]})
    _check_shape(subject, decider, basis)
    if decision is not None and decision.date is not None and decision.date > valid_from:
        raise ValidationError(
            {"decision_date": [_("Ngày quyết định không thể sau ngày có hiệu lực.")]}
        )
    rows = Competence.objects.filter(subject=subject) if rows is None else rows
    if any(r.valid_from is not None and r.valid_from >= valid_from for r in rows):
        raise ValidationError(
            {
                "valid_from": [
                    _(
                        "Tổ chức đã có thẩm quyền ghi nhận từ ngày này hoặc sau ngày này; "
                        "hãy kiểm tra lại ngày có hiệu lực."
                    )
                ]
            }
        )


def _check_actor(actor: Actor | None, decider: Organisation) -> None:
    """The committee above the deciding body records it (an authorisation is given by the
    committee above the grassroots committee); a root's own administrators for a root."""
    if actor is None:
        return
    granting = decider.parent if decider.parent_id is not None else decider
    if granting is None or not organisation_policy.can(actor, Action.ADMINISTER, granting):
        raise PermissionDenied


@transaction.atomic
def competence_record(
    *,
    actor: Actor | None,
    subject: Organisation | int,
    decider: Organisation | int,
    basis: CompetenceBasis | str = CompetenceBasis.ABOVE,
    valid_from: dt.date,
    decision: DecisionRef | Mapping[str, Any] | None = None,
    note: str = "",
) -> Competence:
    """Record that `decider` decides for `subject` (and its subtree) from `valid_from`.

    The subject's row in force that day ends the day before; a row of the subject starting
    on or after that day is refused (correct it first). Both organisations are resolved
    through the actor's scope (outside it: the same answer as absent)."""
    if actor is not None:
        subject = organisation_policy.resolve_named(
            actor, subject, field="subject", message=_("Không tìm thấy tổ chức.")
        )
        decider = organisation_policy.resolve_named(
            actor, decider, field="decider", message=_("Không tìm thấy cấp quyết định.")
        )
    else:
        subject = Organisation.objects.get(pk=getattr(subject, "pk", subject))
        decider = Organisation.objects.get(pk=getattr(decider, "pk", decider))
    basis = CompetenceBasis(basis)
    _check_actor(actor, decider)
    subject = Organisation.objects.select_for_update().get(pk=subject.pk)
    ref = DecisionRef.of(decision)
    rows = list(Competence.objects.select_for_update().filter(subject=subject))
    competence_check(subject, decider, basis, valid_from, ref, rows)
    for row in rows:
        if row.valid_on(valid_from):
            row.valid_to = valid_from - dt.timedelta(days=1)
            row.save(update_fields=["valid_to"])
    competence = Competence.objects.create(
        subject=subject,
        decider=decider,
        basis=basis,
        valid_from=valid_from,
        decision_number=ref.number,
        decision_date=ref.date,
        issuing_body=ref.issuing_body,
        note=note,
    )
    if actor is not None:
        audit_record(
            actor=actor,
            action="create",
            obj=competence,
            organisation=subject,
            summary=f"Thẩm quyền quyết định kết nạp: {competence}",
            data={
                "decider": decider.pk,
                "basis": str(basis),
                "valid_from": valid_from.isoformat(),
                "decision_number": ref.number,
            },
        )
    return competence


@transaction.atomic
def competence_move(
    from_org: Organisation,
    to_org: Organisation | Sequence[Organisation],
    date: dt.date,
    decision: DecisionRef | Mapping[str, Any] | None = None,
    *,
    actor: Actor | None = None,
) -> list[Competence]:
    """A tree change (merger, split, move) hands `from_org`'s competence to `to_org` from
    `date`: every row in force that day (or starting later) naming `from_org` as its subject
    or its decider ends the day before and continues with `to_org` in its place, by
    `decision`. For a split, pass every new organisation at once: a row on `from_org` goes to
    each, a row `from_org` decided goes to the one whose subtree now holds its subject (else
    the first). An authorisation to admit does not pass on (the new committee is authorised
    by a decision of its own), and a target keeps its own row where it already has one.
    Called by the tree's services inside their transaction; returns the rows created."""
    targets = [to_org] if isinstance(to_org, Organisation) else list(to_org)
    if not targets:
        return []
    ref = DecisionRef.of(decision)
    touched = list(
        Competence.objects.select_for_update()
        .filter(Q(subject=from_org) | Q(decider=from_org))
        .select_related("subject")
        .order_by("pk")
    )
    own = {
        r.subject_id
        for r in Competence.objects.filter(subject__in=targets)
        if r.valid_to is None or r.valid_to >= date
    }
    created: list[Competence] = []
    for row in touched:
        if row.valid_to is not None and row.valid_to < date:
            continue  # history: kept as it was
        moved = _moved_rows(row, from_org, targets, own)
        if row.valid_from is not None and row.valid_from >= date:
            # Not in force yet: it names the new organisations instead, or lapses.
            for subject_id, decider_id in moved:
                created.append(_copy(row, subject_id, decider_id, row.valid_from, row.valid_to))
            row.delete()
            continue
        row.valid_to = date - dt.timedelta(days=1)
        row.save(update_fields=["valid_to"])
        for subject_id, decider_id in moved:
            created.append(_copy(row, subject_id, decider_id, date, None, ref))
    if actor is not None and (touched or created):
        audit_record(
            actor=actor,
            action="change",
            object_type=Competence._meta.label_lower,
            object_id=str(from_org.pk),
            organisation=targets[0],
            summary="Chuyển thẩm quyền quyết định kết nạp từ "
            f"{from_org} sang {', '.join(str(t) for t in targets)}",
            data={"from": from_org.pk, "to": [t.pk for t in targets], "date": date.isoformat()},
        )
    return created


def _moved_rows(
    row: Competence, from_org: Organisation, targets: list[Organisation], own: set[int]
) -> list[tuple[int, int]]:
    """(subject, decider) of each row that continues `row` after `from_org` is replaced."""
    if row.basis == CompetenceBasis.AUTHORISED:
        return []
    if row.subject_id == from_org.pk:
        pairs = [(t.pk, t.pk if row.decider_id == from_org.pk else row.decider_id) for t in targets]
        return [(s, d) for s, d in pairs if s not in own]
    # `from_org` decided for an organisation under it: the target now above that one.
    above = next((t for t in targets if row.subject.path.startswith(t.path)), targets[0])
    return [(row.subject_id, above.pk)]


def _copy(
    row: Competence,
    subject_id: int,
    decider_id: int,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    ref: DecisionRef | None = None,
) -> Competence:
    ref = ref or DecisionRef()
    return Competence.objects.create(
        subject_id=subject_id,
        decider_id=decider_id,
        basis=row.basis,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=ref.number or row.decision_number,
        decision_date=ref.date or row.decision_date,
        issuing_body=ref.issuing_body or row.issuing_body,
        note=row.note,
    )


# --- Moves: the past stays as it was ----------------------------------------------------------

PIN_NOTE = "Thẩm quyền khi còn trực thuộc {parent} (giữ lại khi chuyển sang cấp trên mới)"


def _periods(rows: Iterable[Competence], before: dt.date) -> list[tuple[dt.date | None, dt.date]]:
    """The spans before `before` over which the rows in force do not change: (start, end),
    the first starting at the beginning of time (None)."""
    bounds: set[dt.date] = set()
    for row in rows:
        if row.valid_from is not None and row.valid_from < before:
            bounds.add(row.valid_from)
        if row.valid_to is not None and row.valid_to + dt.timedelta(days=1) < before:
            bounds.add(row.valid_to + dt.timedelta(days=1))
    starts: list[dt.date | None] = [None, *sorted(bounds)]
    ends = [*(b - dt.timedelta(days=1) for b in sorted(bounds)), before - dt.timedelta(days=1)]
    return list(zip(starts, ends, strict=True))


def competence_pin(
    nodes: Sequence[Organisation], date: dt.date, *, detach: bool
) -> list[Competence]:
    """Before `nodes` (siblings, with their subtrees) leave their parent on `date`, keep who
    decided for them until the day before: a dossier step dated then still names the body of
    its time once the tree has changed. Each span over which the old line up decided
    differently becomes a row on the node (with the grassroots organisation of that time
    when it is not the node), unless the node's own rows already say it.

    `detach` (a move under another parent): rows that have a body outside the moved
    subtrees decide for something inside them end the day before — from the move on, the
    new line up decides (a merger or a split hands those rows over with `competence_move`).
    Called by the tree's services inside their transaction, before the paths change."""
    if not nodes:
        return []
    above = sorted(
        Organisation.objects.filter(path__in=ancestor_paths(nodes[0].path)[:-1]),
        key=lambda o: -len(o.path),
    )
    ids = [n.pk for n in nodes] + [o.pk for o in above]
    rows = list(
        Competence.objects.select_for_update(of=("self",))
        .filter(subject_id__in=ids)
        .select_related("decider", "grassroots")
    )
    pins: list[Competence] = []
    for node in nodes:
        chain = [node, *above]
        spans: list[tuple[dt.date | None, dt.date, Competent]] = []
        for start, end in _periods(rows, date):
            who = competent_for(chain, end, rows)
            same = spans and (spans[-1][2].decider.pk, spans[-1][2].grassroots.pk) == (
                who.decider.pk,
                who.grassroots.pk,
            )
            if same:
                spans[-1] = (spans[-1][0], end, who)
            else:
                spans.append((start, end, who))
        for start, end, who in spans:
            if who.decider.pk == node.pk or (
                who.rule is not None and who.rule.subject_id == node.pk
            ):
                continue  # the node's own row or flag says it, and stays
            pins.append(
                Competence(
                    subject=node,
                    decider=who.decider,
                    basis=CompetenceBasis.AUTHORISED if who.authorised else CompetenceBasis.ABOVE,
                    grassroots=None
                    if who.authorised or who.grassroots.pk == node.pk
                    else who.grassroots,
                    valid_from=start,
                    valid_to=end,
                    note=PIN_NOTE.format(parent=above[0] if above else "")[:500],
                )
            )
    if detach:
        inside = Q()
        for node in nodes:
            inside |= Q(path__startswith=node.path)
        subtree = Organisation.objects.filter(inside).values("pk")
        leaving = (
            Competence.objects.select_for_update()
            .filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=date),
                subject__in=subtree,
            )
            .exclude(decider__in=subtree)
        )
        for row in leaving:
            if row.valid_from is not None and row.valid_from >= date:
                row.delete()
            else:
                row.valid_to = date - dt.timedelta(days=1)
                row.save(update_fields=["valid_to"])
    return Competence.objects.bulk_create(pins)
