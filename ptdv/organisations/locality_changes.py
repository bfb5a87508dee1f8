"""Changes of the localities (villages, hamlets, residential groups) by a dated decision:
rename, move to another commune, merge, split. The residents follow (their residence
locality, through the hook `locality_residents_moved`, answered in ptdv/targets/tree.py,
which recounts the residents and the white flags); the locality counters of the communes
above move with `locality_counters_move`. A locality merged into another is removed; its code
and name stay in the change's `data`.

Who: administrators of the commune the locality belongs to (and of the receiving commune).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core import hooks
from ptdv.core.policies import Actor, role_rank_at, subtree_q
from ptdv.core.refusals import unprocessable
from ptdv.core.text import title_sort_key
from ptdv.organisations.changes import (
    ADMIN_RANK,
    DecisionRef,
    _check_decision,
    resolve_organisation,
    signed_in,
)
from ptdv.organisations.localities import locality_counters_move, locality_state
from ptdv.organisations.models import (
    Locality,
    LocalityChange,
    LocalityChangeKind,
    LocalityKind,
    Organisation,
)


@dataclass
class NewLocality:
    code: str
    name: str
    kind: str = ""
    residents: list[int] = field(default_factory=list)  # split: people who live there now


def resolve_locality(actor: Actor | None, locality: Locality | int) -> Locality:
    pk: Any = getattr(locality, "pk", locality)
    qs = Locality.objects.select_related("organisation")
    if actor is not None:
        qs = qs.filter(subtree_q(actor, "organisation__path"))
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _require_admin(actor: Actor | None, *organisations: Organisation) -> None:
    if actor is None:
        return
    for organisation in organisations:
        if role_rank_at(actor, organisation.path) < ADMIN_RANK:
            raise PermissionDenied(
                _("Chỉ quản trị viên của xã, phường mới được thay đổi thôn, tổ dân phố.")
            )


def _lock(pks: Sequence[int]) -> dict[int, Locality]:
    rows = (
        Locality.objects.select_for_update()
        .filter(pk__in=sorted(set(pks)))
        .order_by("pk")
        .select_related("organisation")
    )
    return {row.pk: row for row in rows}


def _record(
    kind: LocalityChangeKind,
    decision: DecisionRef,
    actor: Actor | None,
    organisation: Organisation,
    successors: Sequence[Locality],
    data: dict[str, object],
) -> LocalityChange:
    change = LocalityChange.objects.create(
        kind=kind,
        organisation=organisation,
        decision_number=decision.number.strip(),
        decision_date=decision.decided,
        issuing_body=decision.issuing_body.strip(),
        date=decision.effective,
        note=decision.note,
        data=data,
        actor=signed_in(actor),
    )
    change.successors.set([loc.pk for loc in successors])
    if actor is not None:
        audit_record(
            actor=actor,
            action="update",
            obj=change,
            organisation=organisation,
            summary=f"{change.get_kind_display()}: {', '.join(s.name for s in successors)}"[:255],
            data={"kind": kind, "decision": change.decision_number, **data},
        )
    return change


def _new_errors(spec: NewLocality, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not spec.code.strip():
        errors[f"{prefix}code"] = _("Mã: bắt buộc.")
    elif Locality.objects.filter(code=spec.code.strip()).exists():
        errors[f"{prefix}code"] = _("Mã: %(c)s đã có thôn, tổ dân phố khác dùng.") % {
            "c": spec.code
        }
    if not spec.name.strip():
        errors[f"{prefix}name"] = _("Tên: bắt buộc.")
    if spec.kind and spec.kind not in LocalityKind.values:
        errors[f"{prefix}kind"] = _("Loại: không hợp lệ.")
    return errors


def _create(spec: NewLocality, like: Locality, organisation: Organisation) -> Locality:
    created = Locality(
        code=spec.code.strip(),
        name=spec.name.strip(),
        sort_key=title_sort_key(spec.name.strip()),
        kind=spec.kind or like.kind,
        organisation=organisation,
        area_flags=list(like.area_flags or []),
    )
    created.full_clean()
    created.save()
    locality_counters_move(None, locality_state(created))
    return created


@transaction.atomic
def locality_rename(
    *, actor: Actor | None, locality: Locality | int, name: str, decision: DecisionRef
) -> LocalityChange:
    found = resolve_locality(actor, locality)
    _require_admin(actor, found.organisation)
    found = _lock([found.pk])[found.pk]
    if not name.strip() or name.strip() == found.name:
        raise unprocessable({"name": _("Tên mới: bắt buộc và khác tên hiện tại.")})
    _check_decision(decision, [])
    before = found.name
    found.name = name.strip()
    found.sort_key = title_sort_key(found.name)
    found.save(update_fields=["name", "sort_key"])
    return _record(
        LocalityChangeKind.RENAME,
        decision,
        actor,
        found.organisation,
        [found],
        {"before": {"name": before}, "after": {"name": found.name}, "code": found.code},
    )


@transaction.atomic
def locality_move(
    *,
    actor: Actor | None,
    locality: Locality | int,
    organisation: Organisation | int,
    decision: DecisionRef,
) -> LocalityChange:
    """Move a locality (with its residents, who keep living there) to another commune. Its
    cell stays only if it lies under the new commune."""
    found = resolve_locality(actor, locality)
    commune = (
        resolve_organisation(actor, organisation)
        if actor is not None
        else Organisation.objects.get(pk=getattr(organisation, "pk", organisation))
    )
    _require_admin(actor, found.organisation, commune)
    found = _lock([found.pk])[found.pk]
    if commune.pk == found.organisation_id:
        raise unprocessable({"organisation": _("Xã, phường mới: trùng với xã, phường hiện tại.")})
    if commune.valid_to is not None:
        raise unprocessable({"organisation": _("Xã, phường mới: đã kết thúc hoạt động.")})
    _check_decision(decision, [commune])
    before = locality_state(found)
    old = found.organisation
    found.organisation = commune
    if found.cell_id is not None and not (
        Organisation.objects.filter(pk=found.cell_id, path__startswith=commune.path).exists()
    ):
        found.cell = None
        found.cell_is_shared = False
    found.save(update_fields=["organisation", "cell", "cell_is_shared"])
    locality_counters_move(before, locality_state(found))
    return _record(
        LocalityChangeKind.MOVE,
        decision,
        actor,
        commune,
        [found],
        {"before": {"organisation": old.code}, "after": {"organisation": commune.code}},
    )


@transaction.atomic
def locality_merge(
    *,
    actor: Actor | None,
    sources: Sequence[Locality | int],
    decision: DecisionRef,
    into: Locality | int | None = None,
    new: NewLocality | None = None,
) -> LocalityChange:
    """Merge localities of one commune into one of them (`into`) or a new one (`new`): the
    residents move there and the merged ones are removed."""
    if (into is None) == (new is None) or not sources:
        raise unprocessable(
            {"into": _("Thôn, tổ dân phố tiếp nhận: chọn một nơi có sẵn hoặc khai báo nơi mới.")}
        )
    olds = [resolve_locality(actor, s) for s in sources]
    keep = resolve_locality(actor, into) if into is not None else None
    commune = (keep or olds[0]).organisation
    _require_admin(actor, commune, *(o.organisation for o in olds))
    locked = _lock([o.pk for o in olds] + ([keep.pk] if keep else []))
    olds = [locked[o.pk] for o in olds]
    if len({o.pk for o in olds}) != len(olds) or (keep and keep.pk in {o.pk for o in olds}):
        raise unprocessable({"sources": _("Thôn, tổ dân phố được sáp nhập: bị trùng.")})
    if any(o.organisation_id != commune.pk for o in olds):
        raise unprocessable(
            {"sources": _("Thôn, tổ dân phố được sáp nhập: phải cùng một xã, phường.")}
        )
    _check_decision(decision, [])
    if new is not None:
        errors = _new_errors(new, "new_")
        if errors:
            raise unprocessable(errors)
        keep = _create(new, olds[0], commune)
    assert keep is not None
    merged = [{"code": o.code, "name": o.name} for o in olds]
    for old in olds:
        hooks.fire("locality_residents_moved", source_id=old.pk, target_id=keep.pk)
        old.refresh_from_db()
        if keep.cell_id is None and old.cell_id is not None:
            before = locality_state(keep)
            keep.cell_id, keep.cell_is_shared = old.cell_id, old.cell_is_shared
            keep.save(update_fields=["cell", "cell_is_shared"])
            locality_counters_move(before, locality_state(keep))
        before = locality_state(old)
        old.delete()
        locality_counters_move(before, None)
    return _record(LocalityChangeKind.MERGE, decision, actor, commune, [keep], {"merged": merged})


@transaction.atomic
def locality_split(
    *,
    actor: Actor | None,
    locality: Locality | int,
    parts: Sequence[NewLocality],
    decision: DecisionRef,
) -> LocalityChange:
    """New localities carved out of `locality` (which stays with the rest): each takes the
    residents listed for it."""
    found = resolve_locality(actor, locality)
    _require_admin(actor, found.organisation)
    found = _lock([found.pk])[found.pk]
    if not parts:
        raise unprocessable({"parts": _("Các thôn, tổ dân phố mới: cần ít nhất một.")})
    _check_decision(decision, [])
    residents = set(_residents_of(found.pk))
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for index, part in enumerate(parts):
        errors.update(_new_errors(part, f"parts.{index}."))
        for pk in part.residents:
            if pk not in residents or pk in seen:
                errors[f"parts.{index}.residents"] = _(
                    "Người cư trú: phải đang cư trú tại thôn, tổ dân phố bị chia tách, mỗi người "
                    "chỉ giao một lần."
                )
            seen.add(pk)
    if len({p.code for p in parts}) != len(parts):
        errors["parts"] = _("Các thôn, tổ dân phố mới: mã bị trùng.")
    if errors:
        raise unprocessable(errors)
    created = []
    for part in parts:
        new = _create(part, found, found.organisation)
        if part.residents:
            hooks.fire(
                "locality_residents_moved",
                source_id=found.pk,
                target_id=new.pk,
                person_ids=list(part.residents),
            )
        created.append(new)
    return _record(
        LocalityChangeKind.SPLIT,
        decision,
        actor,
        found.organisation,
        [found, *created],
        {"split_from": found.code, "moved_residents": len(seen)},
    )


def _residents_of(locality_id: int) -> list[int]:
    answers: list[int] = []
    hooks.fire("locality_residents", locality_id=locality_id, answers=answers)
    return answers
