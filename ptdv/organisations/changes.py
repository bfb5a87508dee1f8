"""Changes of the organisation tree by a dated decision: found, rename, move under another
parent, merge (A + B → C, or A absorbs B), split and dissolve.

Each change is one service: it resolves the organisations through the acting user's scope
(outside it: 404, as absent), asks for the administrator role on the parent(s) concerned
(403), locks the rows, checks the optimistic `version`, validates the decision (number, date,
issuing body, effective date) with Vietnamese messages, writes an `OrganisationChange` and an
audit entry, all in one transaction.

What moves, and how the derived data follow:

- a sub-organisation moves whole: its path and every path below it are re-keyed
  (`_subtree_move`); the subtree counters it carries (members, candidates, localities) leave
  its old ancestors and join the new ones, and the hook `organisation_subtree_moved` lets the
  layers above move the tallies and the candidate search entries (ptdv/targets/tree.py);
- what hangs directly on an organisation that ends (its localities, and through the hook
  `organisation_rows_moved` its members, the members' temporary attachments to it, dossiers,
  people, targets and plan assignments of the current year, and the users' roles on it)
  goes to the successor the decision names (`_rows_move`);
- the organisation that ends keeps its row with `valid_to` (history: reports of a past date
  rebuild the tree from `OrganisationMove`, ptdv/organisations/history.py);
- a merger, a split or a dissolution hands the competence rows (who decides admission for
  whom, ptdv/organisations/competence.py) to the successor(s) with `competence_move`.

`ptdv aggregates verify` stays clean: every stored total is moved, never recomputed by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core import hooks
from ptdv.core.policies import Actor, role_rank_at, subtree_q
from ptdv.core.refusals import unprocessable
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.organisations.competence import competence_move, competence_pin
from ptdv.organisations.localities import COUNTERS as LOCALITY_COUNTERS
from ptdv.organisations.localities import locality_counters_apply
from ptdv.organisations.models import (
    PATH_STEP,
    ChangeKind,
    Kind,
    Locality,
    Organisation,
    OrganisationChange,
    OrganisationMove,
    ancestor_paths,
)
from ptdv.organisations.services import organisation_create, path_step

ADMIN_RANK = ROLE_RANK[Role.ADMINISTRATOR]
SUBTREE_COUNTERS = ("member_count", "candidate_count", *LOCALITY_COUNTERS)


class StaleOrganisation(Exception):
    """The client acted on a version of the organisation someone has changed since (409)."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Tổ chức đảng đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


class OrganisationEnded(ValidationError):
    """The organisation has already ended (dissolved, merged): nothing more happens to it
    (409, like a dossier in the wrong stage)."""


@dataclass(frozen=True)
class DecisionRef:
    """The decision a change rests on and the date it takes effect."""

    number: str
    decision_date: dt.date | None
    issuing_body: str
    date: dt.date | None = None  # effective date; the decision's date when not given
    note: str = ""

    @property
    def decided(self) -> dt.date:
        assert self.decision_date is not None  # checked by decision_errors
        return self.decision_date

    @property
    def effective(self) -> dt.date:
        value = self.date or self.decision_date
        assert value is not None  # checked by decision_errors
        return value


def decision_errors(decision: DecisionRef, *, today: dt.date | None = None) -> dict[str, str]:
    """The Vietnamese messages, by field, of what is wrong with a decision."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not decision.number.strip():
        errors["decision_number"] = _("Số quyết định: bắt buộc (ví dụ 125-QĐ/TU).")
    if not decision.issuing_body.strip():
        errors["issuing_body"] = _("Cơ quan ban hành: bắt buộc (ví dụ Ban Thường vụ Tỉnh ủy).")
    if decision.decision_date is None:
        errors["decision_date"] = _("Ngày quyết định: bắt buộc.")
    elif decision.decision_date > today:
        errors["decision_date"] = _("Ngày quyết định: không được sau ngày hôm nay.")
    if (
        decision.date is not None
        and decision.decision_date is not None
        and decision.date < decision.decision_date
    ):
        errors["date"] = _("Ngày có hiệu lực: không được trước ngày quyết định.")
    return errors


def signed_in(actor: Actor | None) -> Any:
    """The user to record as the author of a change (None when the system acts)."""
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Scope, role, locks ---------------------------------------------------------------------


def resolve_organisation(actor: Actor, organisation: Organisation | int) -> Organisation:
    """The organisation named, through the actor's scope: outside it, 404 as if absent."""
    pk: Any = getattr(organisation, "pk", organisation)
    found = Organisation.objects.filter(subtree_q(actor, "path"), pk=pk).first()
    if found is None:
        raise Http404
    return found


def _require_admin(actor: Actor, *organisations: Organisation | None) -> None:
    """Administrator of each organisation given (a parent concerned by the change); a root
    organisation (no parent) needs an administrator of itself."""
    for organisation in organisations:
        if organisation is None:
            continue
        if role_rank_at(actor, organisation.path) < ADMIN_RANK:
            raise PermissionDenied(
                _("Chỉ quản trị viên của tổ chức cấp trên mới được thay đổi tổ chức này.")
            )


def may_change(actor: Actor | None, organisation: Organisation) -> bool:
    """Whether `actor` administers the parent of `organisation` (the organisation itself for
    a root) and the organisation is still active: who may change it."""
    path = organisation.path[:-PATH_STEP] or organisation.path
    return organisation.valid_to is None and role_rank_at(actor, path) >= ADMIN_RANK


def _parent_of(organisation: Organisation) -> Organisation | None:
    if organisation.parent_id is None:
        return None
    return Organisation.objects.get(pk=organisation.parent_id)


def _lock(pks: Sequence[int]) -> dict[int, Organisation]:
    rows = Organisation.objects.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}


def _check_live(organisation: Organisation, field_name: str, version: int | None = None) -> None:
    if version is not None and version != organisation.version:
        raise StaleOrganisation(organisation.version)
    if organisation.valid_to is not None:
        raise OrganisationEnded(
            {
                field_name: [
                    _("%(name)s đã kết thúc hoạt động ngày %(date)s.")
                    % {"name": organisation.name, "date": f"{organisation.valid_to:%d/%m/%Y}"}
                ]
            },
            code="ended",
        )


def _check_decision(decision: DecisionRef, organisations: Sequence[Organisation]) -> None:
    errors = decision_errors(decision)
    if not errors:
        for organisation in organisations:
            if organisation.valid_from and decision.effective < organisation.valid_from:
                errors["date"] = _(
                    "Ngày có hiệu lực: không được trước ngày thành lập của %(name)s (%(d)s)."
                ) % {"name": organisation.name, "d": f"{organisation.valid_from:%d/%m/%Y}"}
    if errors:
        raise unprocessable(errors)


def _bump(*organisations: Organisation) -> None:
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(
        version=F("version") + 1
    )
    for organisation in organisations:
        organisation.version += 1


def _record(
    *,
    kind: ChangeKind,
    decision: DecisionRef,
    actor: Actor | None,
    predecessors: Sequence[Organisation] = (),
    successors: Sequence[Organisation] = (),
    data: dict[str, Any] | None = None,
) -> OrganisationChange:
    change = OrganisationChange.objects.create(
        kind=kind,
        decision_number=decision.number.strip(),
        decision_date=decision.decided,
        issuing_body=decision.issuing_body.strip(),
        date=decision.effective,
        note=decision.note,
        data=data or {},
        actor=signed_in(actor),
    )
    if predecessors:
        change.predecessors.set([o.pk for o in predecessors])
    if successors:
        change.successors.set([o.pk for o in successors])
    return change


def _audit(actor: Actor | None, change: OrganisationChange, organisation: Organisation) -> None:
    if actor is None:
        return
    audit_record(
        actor=actor,
        action="update",
        obj=change,
        organisation=organisation,
        summary=f"{change.get_kind_display()}: {organisation.name}",
        data={
            "kind": change.kind,
            "decision": change.decision_number,
            "date": change.date.isoformat(),
            "predecessors": list(change.predecessors.values_list("code", flat=True)),
            "successors": list(change.successors.values_list("code", flat=True)),
            **{k: v for k, v in change.data.items() if k in {"before", "after", "moved"}},
        },
    )


# --- The two moves everything is made of ----------------------------------------------------


def _counters_shift(values: dict[str, int], old: list[str], new: list[str]) -> None:
    """Take `values` (subtree counters) out of the organisations at `old` paths and add them
    to those at `new` (the ancestors both share are left alone)."""
    values = {name: value for name, value in values.items() if value}
    if not values:
        return
    common = set(old) & set(new)
    for paths, sign in ((set(old) - common, -1), (set(new) - common, 1)):
        if paths:
            Organisation.objects.filter(path__in=sorted(paths)).update(
                **{name: F(name) + sign * value for name, value in values.items()}
            )


def _subtree_move(
    node: Organisation, parent: Organisation, change: OrganisationChange
) -> OrganisationMove:
    """Move `node` and its subtree under `parent` (see `_subtrees_move`)."""
    return _subtrees_move([node], parent, change)[0]


def _subtrees_move(
    nodes: Sequence[Organisation], parent: Organisation, change: OrganisationChange
) -> list[OrganisationMove]:
    """Move `nodes` (siblings: the same present parent) with their subtrees under `parent`:
    new paths, every path below re-keyed, the counters moved once for all, the hook fired
    once for the tallies and search entries, each move recorded. The caller holds the locks
    of the parents concerned."""
    if not nodes:
        return []
    fresh = list(Organisation.objects.filter(pk__in=[n.pk for n in nodes]).order_by("path"))
    parent.refresh_from_db()
    if len({n.parent_id for n in fresh}) != 1:
        raise ValueError("nodes must be siblings")
    if any(parent.path.startswith(n.path) for n in fresh):
        raise unprocessable(
            {"parent": _("Tổ chức cấp trên mới: không được là chính nó hay tổ chức cấp dưới.")}
        )
    old_parent_id = fresh[0].parent_id
    competence_pin(fresh, change.date, detach=change.kind == ChangeKind.MOVE)
    old_ancestors = ancestor_paths(fresh[0].path)[:-1]
    new_ancestors = ancestor_paths(parent.path)
    first_seq = parent.child_seq + 1
    Organisation.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + len(fresh))
    parent.child_seq += len(fresh)
    renames: list[tuple[int, str, str]] = []
    totals = dict.fromkeys(SUBTREE_COUNTERS, 0)
    for offset, node in enumerate(fresh):
        old_path = node.path
        new_path = parent.path + path_step(first_seq + offset)
        depth_shift = (len(new_path) - len(old_path)) // PATH_STEP
        Organisation.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )
        renames.append((node.pk, old_path, new_path))
        for name in SUBTREE_COUNTERS:
            totals[name] += getattr(node, name)
    Organisation.objects.filter(pk__in=[n.pk for n in fresh]).update(parent=parent)
    _counters_shift(totals, old_ancestors, new_ancestors)
    hooks.fire(
        "organisation_subtree_moved",
        moves=renames,
        old_ancestors=old_ancestors,
        new_ancestors=new_ancestors,
    )
    return OrganisationMove.objects.bulk_create(
        [
            OrganisationMove(
                change=change,
                organisation_id=pk,
                from_parent_id=old_parent_id,
                to_parent=parent,
                from_path=old_path,
                to_path=new_path,
                date=change.date,
            )
            for pk, old_path, new_path in renames
        ]
    )


def _rows_move(
    source: Organisation,
    target: Organisation,
    change: OrganisationChange,
    actor: Actor | None = None,
) -> None:
    """What hangs directly on `source` (not its sub-organisations, moved before) goes to
    `target`: its localities here, the rows of the apps above through the hook; its own
    counters and tallies follow."""
    source.refresh_from_db()
    target.refresh_from_db()
    own = {name: getattr(source, name) for name in SUBTREE_COUNTERS}
    if Organisation.objects.filter(parent=source, valid_to__isnull=True).exists():
        raise unprocessable(
            {"organisation": _("%(name)s còn tổ chức cấp dưới chưa chuyển đi.") % {"name": source}}
        )
    Locality.objects.filter(organisation=source).update(organisation=target)
    # With no sub-organisation left, the source's counters are its own rows: they move.
    _counters_shift(
        {name: own[name] for name in ("member_count", "candidate_count")},
        ancestor_paths(source.path),
        ancestor_paths(target.path),
    )
    locality_delta = tuple(own[name] for name in LOCALITY_COUNTERS)
    if any(locality_delta):
        locality_counters_apply(
            {
                source.path: (-locality_delta[0], -locality_delta[1], -locality_delta[2]),
                target.path: locality_delta,
            }
            if source.path != target.path
            else {}
        )
    hooks.fire(
        "organisation_rows_moved",
        source_id=source.pk,
        target_id=target.pk,
        source_path=source.path,
        target_path=target.path,
        date=change.date,
        change=change,
        actor=actor,
    )


def _end(organisation: Organisation, date: dt.date) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(valid_to=date)
    organisation.valid_to = date


def _live_children(organisation: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.filter(parent=organisation, valid_to__isnull=True).order_by("path")
    )


# --- The services ---------------------------------------------------------------------------


@dataclass
class NewOrganisation:
    """An organisation a merger or a split founds."""

    code: str
    name: str
    kind: str = ""
    children: list[int] = field(default_factory=list)  # split: the sub-organisations it takes
    localities: list[int] = field(default_factory=list)  # split: the localities it takes


def _code_errors(code: str, name: str, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not code.strip():
        errors[f"{prefix}code"] = _("Mã: bắt buộc.")
    elif Organisation.objects.filter(code=code.strip()).exists():
        errors[f"{prefix}code"] = _("Mã: %(c)s đã có tổ chức khác dùng.") % {"c": code}
    if not name.strip():
        errors[f"{prefix}name"] = _("Tên: bắt buộc.")
    return errors


def _found(
    *, parent: Organisation | None, spec: NewOrganisation, like: Organisation, date: dt.date
) -> Organisation:
    return organisation_create(
        parent=parent,
        code=spec.code.strip(),
        name=spec.name.strip(),
        kind=spec.kind or like.kind,
        sector=like.sector,
        area_flags=list(like.area_flags or []),
        authorised_to_admit=like.authorised_to_admit,
        valid_from=date,
    )


@transaction.atomic
def organisation_found(
    *,
    actor: Actor | None,
    parent: Organisation | int,
    spec: NewOrganisation,
    decision: DecisionRef,
) -> OrganisationChange:
    """Found an organisation under `parent` by a decision."""
    parent = resolve_organisation(actor, parent) if actor is not None else _as_org(parent)
    if actor is not None:
        _require_admin(actor, parent)
    parent = _lock([parent.pk])[parent.pk]
    _check_live(parent, "parent")
    errors = {**decision_errors(decision), **_code_errors(spec.code, spec.name)}
    if spec.kind and spec.kind not in Kind.values:
        errors["kind"] = _("Loại tổ chức: không hợp lệ.")
    if errors:
        raise unprocessable(errors)
    created = organisation_create(
        parent=parent,
        code=spec.code.strip(),
        name=spec.name.strip(),
        kind=spec.kind or Kind.CELL,
        valid_from=decision.effective,
    )
    change = _record(kind=ChangeKind.CREATE, decision=decision, actor=actor, successors=[created])
    _audit(actor, change, created)
    return change


def _as_org(value: Organisation | int) -> Organisation:
    return value if isinstance(value, Organisation) else Organisation.objects.get(pk=value)


@transaction.atomic
def organisation_rename(
    *,
    actor: Actor | None,
    organisation: Organisation | int,
    name: str,
    abbreviation: str | None = None,
    decision: DecisionRef,
    version: int | None = None,
) -> OrganisationChange:
    target = (
        resolve_organisation(actor, organisation) if actor is not None else _as_org(organisation)
    )
    if actor is not None:
        _require_admin(actor, _parent_of(target) or target)
    target = _lock([target.pk])[target.pk]
    _check_live(target, "organisation", version)
    if not name.strip():
        raise unprocessable({"name": _("Tên mới: bắt buộc.")})
    if name.strip() == target.name and (
        abbreviation is None or abbreviation == target.abbreviation
    ):
        raise unprocessable({"name": _("Tên mới: trùng với tên hiện tại.")})
    _check_decision(decision, [target])
    before = {"name": target.name, "abbreviation": target.abbreviation}
    target.name = name.strip()
    if abbreviation is not None:
        target.abbreviation = abbreviation.strip()
    target.save(update_fields=["name", "abbreviation"])
    _bump(target)
    change = _record(
        kind=ChangeKind.RENAME,
        decision=decision,
        actor=actor,
        predecessors=[target],
        successors=[target],
        data={
            "before": before,
            "after": {"name": target.name, "abbreviation": target.abbreviation},
        },
    )
    hooks.fire("organisation_renamed", organisation_id=target.pk)
    _audit(actor, change, target)
    return change


@transaction.atomic
def organisation_move(
    *,
    actor: Actor | None,
    organisation: Organisation | int,
    parent: Organisation | int,
    decision: DecisionRef,
    version: int | None = None,
) -> OrganisationChange:
    """Put `organisation` (with its subtree) under another parent."""
    node = resolve_organisation(actor, organisation) if actor is not None else _as_org(organisation)
    new_parent = resolve_organisation(actor, parent) if actor is not None else _as_org(parent)
    old_parent = _parent_of(node)
    if actor is not None:
        _require_admin(actor, old_parent or node, new_parent)
    locked = _lock([node.pk, new_parent.pk])
    node, new_parent = locked[node.pk], locked[new_parent.pk]
    _check_live(node, "organisation", version)
    _check_live(new_parent, "parent")
    if new_parent.pk == node.parent_id:
        raise unprocessable({"parent": _("Tổ chức cấp trên mới: trùng với cấp trên hiện tại.")})
    _check_decision(decision, [node, new_parent])
    change = _record(
        kind=ChangeKind.MOVE,
        decision=decision,
        actor=actor,
        predecessors=[node],
        successors=[node],
        data={"before": {"parent": old_parent.code if old_parent else None}},
    )
    _subtree_move(node, new_parent, change)
    change.data["after"] = {"parent": new_parent.code}
    change.save(update_fields=["data"])
    _bump(node)
    _audit(actor, change, node)
    return change


@transaction.atomic
def organisation_merge(
    *,
    actor: Actor | None,
    sources: Sequence[Organisation | int],
    decision: DecisionRef,
    into: Organisation | int | None = None,
    new: NewOrganisation | None = None,
    parent: Organisation | int | None = None,
    versions: dict[int, int] | None = None,
) -> OrganisationChange:
    """Merge `sources` into `into` (it absorbs them) or into a new organisation `new` under
    `parent` (the first source's parent when not given). Every sub-organisation, locality,
    member, dossier, target and plan assignment of the current year of the sources goes to
    the successor; the sources end on the effective date."""
    if (into is None) == (new is None):
        raise unprocessable(
            {"into": _("Tổ chức tiếp nhận: chọn một tổ chức có sẵn hoặc khai báo tổ chức mới.")}
        )
    if not sources:
        raise unprocessable({"sources": _("Tổ chức được hợp nhất: chọn ít nhất một.")})

    def resolve(value: Organisation | int) -> Organisation:
        return resolve_organisation(actor, value) if actor is not None else _as_org(value)

    olds = [resolve(s) for s in sources]
    keep = resolve(into) if into is not None else None
    if len({o.pk for o in olds}) != len(olds) or (keep and keep.pk in {o.pk for o in olds}):
        raise unprocessable(
            {"sources": _("Tổ chức được hợp nhất: bị trùng hoặc trùng tổ chức tiếp nhận.")}
        )
    home = (
        keep.parent
        if keep is not None
        else (resolve(parent) if parent is not None else _parent_of(olds[0]))
    )
    if actor is not None:
        _require_admin(actor, *(_parent_of(o) or o for o in olds), home or (keep or olds[0]))
    locked = _lock([o.pk for o in olds] + [o.pk for o in (keep, home) if o is not None])
    olds = [locked[o.pk] for o in olds]
    for old in olds:
        _check_live(old, "sources", (versions or {}).get(old.pk))
    if keep is not None:
        keep = locked[keep.pk]
        _check_live(keep, "into", (versions or {}).get(keep.pk))
    if home is not None:
        home = locked[home.pk]
        _check_live(home, "parent")
        if any(home.path.startswith(o.path) for o in olds):
            raise unprocessable(
                {"parent": _("Tổ chức cấp trên: không được nằm trong tổ chức bị hợp nhất.")}
            )
    _check_decision(decision, [*olds, *([keep] if keep else [])])
    if new is not None:
        errors = _code_errors(new.code, new.name, "new_")
        if errors:
            raise unprocessable(errors)
        keep = _found(parent=home, spec=new, like=olds[0], date=decision.effective)
    assert keep is not None
    change = _record(
        kind=ChangeKind.MERGE,
        decision=decision,
        actor=actor,
        predecessors=olds,
        successors=[keep],
    )
    moved = _absorb(olds, keep, change, actor)
    change.data = {"moved": moved, "absorbed": into is not None}
    change.save(update_fields=["data"])
    _bump(keep)
    competence_moved(olds, keep, change, actor)
    _audit(actor, change, keep)
    return change


def _absorb(
    olds: Sequence[Organisation],
    keep: Organisation,
    change: OrganisationChange,
    actor: Actor | None = None,
) -> dict[str, int]:
    moved = {"children": 0, "localities": 0, "members": 0, "candidates": 0}
    for old in olds:
        old.refresh_from_db()
        moved["members"] += old.member_count
        moved["candidates"] += old.candidate_count
        moved["localities"] += old.locality_count
        children = _live_children(old)
        _subtrees_move(children, keep, change)
        moved["children"] += len(children)
        _rows_move(old, keep, change, actor)
        _end(old, change.date)
        _bump(old)
    return moved


@transaction.atomic
def organisation_split(
    *,
    actor: Actor | None,
    organisation: Organisation | int,
    parts: Sequence[NewOrganisation],
    decision: DecisionRef,
    keep_source: bool = False,
    version: int | None = None,
) -> OrganisationChange:
    """Split `organisation` into the new `parts` (each taking the sub-organisations and the
    localities listed). Without `keep_source` the organisation ends and what no part named
    (its own members and dossiers too) goes to the first part; with it, the organisation
    stays and keeps what no part took."""
    source = (
        resolve_organisation(actor, organisation) if actor is not None else _as_org(organisation)
    )
    parent = _parent_of(source)
    if actor is not None:
        _require_admin(actor, parent or source)
    locked = _lock([source.pk] + ([parent.pk] if parent else []))
    source = locked[source.pk]
    _check_live(source, "organisation", version)
    minimum = 1 if keep_source else 2
    if len(parts) < minimum:
        raise unprocessable(
            {"parts": _("Các tổ chức mới: cần ít nhất %(n)s tổ chức.") % {"n": minimum}}
        )
    _check_decision(decision, [source])
    children = {o.pk: o for o in _live_children(source)}
    localities = set(Locality.objects.filter(organisation=source).values_list("pk", flat=True))
    errors: dict[str, str] = {}
    seen_children: set[int] = set()
    seen_localities: set[int] = set()
    codes: set[str] = set()
    for index, part in enumerate(parts):
        prefix = f"parts.{index}."
        errors.update(_code_errors(part.code, part.name, prefix))
        if part.code in codes:
            errors[f"{prefix}code"] = _("Mã: trùng với tổ chức mới khác.")
        codes.add(part.code)
        for pk in part.children:
            if pk not in children or pk in seen_children:
                errors[f"{prefix}children"] = _(
                    "Tổ chức cấp dưới: phải là tổ chức trực thuộc, mỗi tổ chức chỉ giao một lần."
                )
            seen_children.add(pk)
        for pk in part.localities:
            if pk not in localities or pk in seen_localities:
                errors[f"{prefix}localities"] = _(
                    "Thôn, tổ dân phố: phải thuộc tổ chức bị chia tách, mỗi nơi chỉ giao một lần."
                )
            seen_localities.add(pk)
    if errors:
        raise unprocessable(errors)
    news = [_found(parent=parent, spec=p, like=source, date=decision.effective) for p in parts]
    change = _record(
        kind=ChangeKind.SPLIT,
        decision=decision,
        actor=actor,
        predecessors=[source],
        successors=[*news, *([source] if keep_source else [])],
    )
    for part, created in zip(parts, news, strict=True):
        _subtrees_move([children[pk] for pk in part.children], created, change)
        _localities_to(part.localities, source, created)
    if not keep_source:
        _subtrees_move(_live_children(source), news[0], change)
        _rows_move(source, news[0], change, actor)
        _end(source, decision.effective)
    _bump(source)
    change.data = {
        "moved": {
            "children": len(seen_children),
            "localities": len(seen_localities),
        },
        "kept": keep_source,
    }
    change.save(update_fields=["data"])
    if not keep_source:
        competence_moved([source], news, change, actor)
    _audit(actor, change, source)
    return change


def _localities_to(pks: Sequence[int], source: Organisation, target: Organisation) -> None:
    """Move localities of `source` to `target` with their counters."""
    if not pks:
        return
    rows = list(
        Locality.objects.select_for_update()
        .filter(pk__in=list(pks), organisation=source)
        .values_list("cell_id", "cell_is_shared", "active_members")
    )
    delta = (
        len(rows),
        sum(1 for cell, shared, _n in rows if cell is None or shared),
        sum(1 for _c, _s, n in rows if n == 0),
    )
    Locality.objects.filter(pk__in=list(pks), organisation=source).update(organisation=target)
    source.refresh_from_db()
    target.refresh_from_db()
    locality_counters_apply({source.path: (-delta[0], -delta[1], -delta[2]), target.path: delta})


@transaction.atomic
def organisation_dissolve(
    *,
    actor: Actor | None,
    organisation: Organisation | int,
    decision: DecisionRef,
    successor: Organisation | int | None = None,
    version: int | None = None,
) -> OrganisationChange:
    """End `organisation`. What it still holds (sub-organisations, localities, members,
    dossiers, targets) goes to `successor`; without one it must hold nothing."""
    node = resolve_organisation(actor, organisation) if actor is not None else _as_org(organisation)
    heir = (
        (resolve_organisation(actor, successor) if actor is not None else _as_org(successor))
        if successor is not None
        else None
    )
    parent = _parent_of(node)
    if actor is not None:
        _require_admin(actor, parent or node, *([heir] if heir else []))
    locked = _lock([node.pk] + ([heir.pk] if heir else []))
    node = locked[node.pk]
    _check_live(node, "organisation", version)
    if heir is not None:
        heir = locked[heir.pk]
        _check_live(heir, "successor")
        if heir.path.startswith(node.path):
            raise unprocessable(
                {"successor": _("Tổ chức tiếp nhận: không được nằm trong tổ chức bị giải thể.")}
            )
    _check_decision(decision, [node])
    holds = (
        node.member_count
        or node.candidate_count
        or node.locality_count
        or Organisation.objects.filter(parent=node, valid_to__isnull=True).exists()
        or _holds_rows(node)
    )
    if holds and heir is None:
        raise unprocessable(
            {
                "successor": _(
                    "Tổ chức tiếp nhận: bắt buộc, vì tổ chức còn đảng viên, hồ sơ, thôn, tổ "
                    "dân phố hoặc tổ chức cấp dưới."
                )
            }
        )
    change = _record(
        kind=ChangeKind.DISSOLVE,
        decision=decision,
        actor=actor,
        predecessors=[node],
        successors=[heir] if heir else [],
    )
    if heir is not None:
        change.data = {"moved": _absorb([node], heir, change, actor)}
        change.save(update_fields=["data"])
        competence_moved([node], heir, change, actor)
    else:
        _end(node, decision.effective)
        _bump(node)
    _audit(actor, change, node)
    return change


def _holds_rows(node: Organisation) -> bool:
    """Whether a layer above still has rows on `node` (people, closed dossiers…)."""
    answers: list[bool] = []
    hooks.fire("organisation_holds_rows", organisation_id=node.pk, answers=answers)
    return any(answers)


def competence_moved(
    sources: Sequence[Organisation],
    target: Organisation | Sequence[Organisation],
    change: OrganisationChange,
    actor: Actor | None = None,
) -> None:
    """Hand the competence rows naming each source (who decides for it, or for whom it
    decides: ptdv/organisations/competence.py) to `target` from the change's date (a split
    passes every new organisation: each row goes where its subject now lies)."""
    targets = [target] if isinstance(target, Organisation) else list(target)
    decision = {
        "number": change.decision_number,
        "date": change.decision_date,
        "issuing_body": change.issuing_body,
    }
    for source in sources:
        others = [t for t in targets if t.pk != source.pk]
        if others:
            competence_move(source, others, change.date, decision, actor=actor)
