"""The write path of mass organisations and movements, and the check of a dossier's source.

Each service resolves every object the request names through the actor's scope (outside it
answers as absent: 404 for the object changed, a field error for an object named in the
body) before anything is written, then writes and audits in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor, user_scopes
from ptdv.core.refusals import unprocessable
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.text import nfc
from ptdv.movements.models import (
    MassOrganisation,
    MassOrganisationKind,
    MassOrganisationTarget,
    Movement,
    MovementKind,
)
from ptdv.movements.policies import mass_organisation_policy, movement_policy
from ptdv.organisations.models import Locality, Organisation
from ptdv.organisations.policies import locality_policy, organisation_policy

MAX_REFERRALS = 100_000
# The dossier's generic channels (candidacies.SourceChannel) this module names: the app sits
# below the dossiers and does not import them.
CHANNEL_OTHER = "other"
CHANNEL_MOVEMENT = "movement"


def require_clerk_somewhere(actor: Actor | None) -> None:
    if not any(rank >= ROLE_RANK[Role.CLERK] for _path, rank in user_scopes(actor)):
        raise PermissionDenied


def _organisation(actor: Actor, named: Any, field: str) -> Organisation:
    return organisation_policy.resolve_named(
        actor, named, field=field, message=_("Không tìm thấy tổ chức."), action=Action.CHANGE
    )


# --- mass organisations ---------------------------------------------------------------------


@dataclass(frozen=True)
class MassOrganisationData:
    organisation: Any  # an Organisation or its id, resolved through the actor's scope
    kind: str
    name: str


def _mass_clean(data: MassOrganisationData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.kind not in MassOrganisationKind.values:
        errors["kind"] = _("Loại đoàn thể không hợp lệ.")
    name = nfc(data.name or "").strip()
    if not name:
        errors["name"] = _("Cần nhập tên đoàn thể.")
    if errors:
        raise ValidationError(errors)
    return {"kind": data.kind, "name": name}


def _unique_name(model: Any, organisation: Organisation, name: str, pk: Any = None) -> None:
    # Compared case-folded in Python: SQLite's iexact folds ASCII only, and an organisation
    # has a handful of mass organisations.
    others = model.objects.filter(organisation=organisation)
    if pk is not None:
        others = others.exclude(pk=pk)
    if name.casefold() in {n.casefold() for n in others.values_list("name", flat=True)}:
        raise unprocessable({"name": _("Tổ chức này đã có một đoàn thể cùng tên.")})


@transaction.atomic
def mass_organisation_create(*, actor: Actor, data: MassOrganisationData) -> MassOrganisation:
    """A mass organisation beside `data.organisation` (clerk or above there)."""
    require_clerk_somewhere(actor)
    organisation = _organisation(actor, data.organisation, "organisation")
    fields = _mass_clean(data)
    _unique_name(MassOrganisation, organisation, fields["name"])
    body = MassOrganisation(organisation=organisation, **fields)
    body.full_clean(validate_constraints=False)
    body.save()
    audit_record(
        actor=actor,
        action="create",
        obj=body,
        organisation=organisation,
        summary=_("Thêm đoàn thể"),
        data={"kind": body.kind},
    )
    return body


def _locked_mass(actor: Actor, pk: Any) -> MassOrganisation:
    body = mass_organisation_policy.get_visible(
        actor,
        pk,
        MassOrganisation.objects.select_for_update(of=("self",)).select_related("organisation"),
    )
    mass_organisation_policy.authorize(actor, Action.CHANGE, body)
    return body


@transaction.atomic
def mass_organisation_update(
    *, actor: Actor, pk: Any, data: MassOrganisationData
) -> MassOrganisation:
    """Rename a mass organisation or correct its kind; the organisation it belongs to stays."""
    body = _locked_mass(actor, pk)
    fields = _mass_clean(data)
    _unique_name(MassOrganisation, body.organisation, fields["name"], pk=body.pk)
    before = {"kind": body.kind, "name": body.name}
    body.kind, body.name = fields["kind"], fields["name"]
    body.full_clean(validate_constraints=False)
    body.save(update_fields=["kind", "name", "updated_at"])
    audit_record(
        actor=actor,
        action="change",
        obj=body,
        organisation=body.organisation,
        summary=_("Sửa thông tin đoàn thể"),
        data={"before": before, "after": fields},
    )
    return body


@transaction.atomic
def mass_target_set(
    *, actor: Actor, pk: Any, year: int, referrals: int | None
) -> MassOrganisationTarget | None:
    """Set (or, with `referrals=None`, remove) the mass organisation's target for `year`."""
    body = _locked_mass(actor, pk)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Năm phải từ 2000 đến 2100.")]})
    if referrals is not None and not 0 <= referrals <= MAX_REFERRALS:
        raise ValidationError(
            {"referrals": [_("Chỉ tiêu phải từ 0 đến %(n)s.") % {"n": MAX_REFERRALS}]}
        )
    current = MassOrganisationTarget.objects.filter(mass_organisation=body, year=year).first()
    before = current.referrals if current else None
    target: MassOrganisationTarget | None
    if referrals is None:
        if current is not None:
            current.delete()
        target = None
    else:
        target, _created = MassOrganisationTarget.objects.update_or_create(
            mass_organisation=body, year=year, defaults={"referrals": referrals}
        )
    audit_record(
        actor=actor,
        action="change",
        obj=body,
        organisation=body.organisation,
        summary=_("Giao chỉ tiêu giới thiệu cho đoàn thể"),
        data={"year": year, "before": before, "after": referrals},
    )
    return target


# --- movements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovementData:
    organiser: Any  # an Organisation or its id (ignored when editing)
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    mass_organisation: Any = None  # a MassOrganisation or its id
    locality: Any = None  # a Locality or its id
    description: str = ""


def _movement_fields(actor: Actor, organiser: Organisation, data: MovementData) -> dict[str, Any]:
    """The cleaned fields: the named mass organisation and locality resolved through the
    actor's scope (absent or outside: a field error), then the rules between them (422)."""
    errors: dict[str, str] = {}
    if data.kind not in MovementKind.values:
        errors["kind"] = _("Loại phong trào không hợp lệ.")
    name = nfc(data.name or "").strip()
    if not name:
        errors["name"] = _("Cần nhập tên phong trào, câu lạc bộ.")
    if errors:
        raise ValidationError(errors)
    body: MassOrganisation | None = None
    if data.mass_organisation not in (None, ""):
        body = mass_organisation_policy.resolve_named(
            actor,
            data.mass_organisation,
            field="mass_organisation",
            message=_("Không tìm thấy đoàn thể."),
        )
    locality: Locality | None = None
    if data.locality not in (None, ""):
        locality = locality_policy.resolve_named(
            actor, data.locality, field="locality", message=_("Không tìm thấy thôn, tổ dân phố.")
        )
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise unprocessable({"ends_on": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    on_line = organiser.path
    if body is not None and not (
        on_line.startswith(body.organisation.path) or body.organisation.path.startswith(on_line)
    ):
        raise unprocessable(
            {"mass_organisation": _("Đoàn thể phải thuộc đơn vị tổ chức hoặc cấp trên, cấp dưới.")}
        )
    if locality is not None and not (
        on_line.startswith(locality.organisation.path)
        or locality.organisation.path.startswith(on_line)
    ):
        raise unprocessable(
            {"locality": _("Thôn, tổ dân phố phải thuộc địa bàn của đơn vị tổ chức.")}
        )
    return {
        "kind": data.kind,
        "name": name,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "mass_organisation": body,
        "locality": locality,
        "description": (data.description or "").strip(),
    }


def _movement_audit(movement: Movement) -> dict[str, Any]:
    return {
        "kind": movement.kind,
        "name": movement.name,
        "starts_on": movement.starts_on.isoformat(),
        "ends_on": movement.ends_on.isoformat() if movement.ends_on else None,
        "mass_organisation": movement.mass_organisation_id,
        "locality": movement.locality_id,
    }


@transaction.atomic
def movement_create(*, actor: Actor, data: MovementData) -> Movement:
    """A movement, forum, club or group run by `data.organiser` (clerk or above there)."""
    require_clerk_somewhere(actor)
    organiser = _organisation(actor, data.organiser, "organiser")
    movement = Movement(organiser=organiser, **_movement_fields(actor, organiser, data))
    movement.full_clean(validate_constraints=False)
    movement.save()
    audit_record(
        actor=actor,
        action="create",
        obj=movement,
        organisation=organiser,
        summary=_("Thêm phong trào, câu lạc bộ"),
        data=_movement_audit(movement),
    )
    return movement


@transaction.atomic
def movement_update(*, actor: Actor, pk: Any, data: MovementData) -> Movement:
    """Change a movement's particulars; its organiser stays."""
    movement = movement_policy.get_visible(
        actor,
        pk,
        Movement.objects.select_for_update(of=("self",)).select_related("organiser"),
    )
    movement_policy.authorize(actor, Action.CHANGE, movement)
    before = _movement_audit(movement)
    for name, value in _movement_fields(actor, movement.organiser, data).items():
        setattr(movement, name, value)
    movement.full_clean(validate_constraints=False)
    movement.save()
    after = _movement_audit(movement)
    audit_record(
        actor=actor,
        action="change",
        obj=movement,
        organisation=movement.organiser,
        summary=_("Sửa thông tin phong trào, câu lạc bộ"),
        data={
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
        },
    )
    return movement


# --- where a dossier's candidate came from --------------------------------------------------


@dataclass(frozen=True)
class Source:
    channel: str
    movement: Movement | None
    referring_body: MassOrganisation | None


def candidacy_source_resolve(
    *,
    actor: Actor | None,
    cell: Organisation,
    channel: str,
    movement: Any = None,
    referring_body: Any = None,
) -> Source:
    """The source of a dossier of `cell` as a request names it: the movement and the referring
    mass organisation resolved through the actor's scope (absent or outside: the same field
    error, and the caller writes nothing), then the rules: both lie on the cell's line (the
    cell's own organisation or one above it), and the generic channel agrees with them — a
    referring body implies its channel (given as "other", the channel becomes the body's), a
    movement without a body makes "other" into "movement"."""
    found_movement: Movement | None = None
    if movement not in (None, ""):
        found_movement = movement_policy.resolve_named(
            actor,
            movement,
            field="movement",
            message=_("Không tìm thấy phong trào, câu lạc bộ."),
            queryset=Movement.objects.select_related("organiser"),
        )
    body: MassOrganisation | None = None
    if referring_body not in (None, ""):
        body = mass_organisation_policy.resolve_named(
            actor,
            referring_body,
            field="referring_body",
            message=_("Không tìm thấy đoàn thể giới thiệu."),
            queryset=MassOrganisation.objects.select_related("organisation"),
        )
    channel, errors = source_check(
        cell_path=cell.path,
        channel=channel,
        movement_path=found_movement.organiser.path if found_movement else None,
        body=(body.organisation.path, body.kind) if body else None,
    )
    if errors:
        raise unprocessable(errors)
    return Source(channel, found_movement, body)


def source_check(
    *,
    cell_path: str,
    channel: str,
    movement_path: str | None,
    body: tuple[str, str] | None,
) -> tuple[str, dict[str, str]]:
    """The rules between a dossier's cell, its channel, its movement (the organiser's path)
    and its referring body (its organisation's path and kind), on values already resolved
    through the scope: (the settled channel, the errors by field). Pure, so an import checks
    thousands of rows without a query each."""
    errors: dict[str, str] = {}
    if movement_path is not None and not cell_path.startswith(movement_path):
        errors["movement"] = _(
            "Phong trào, câu lạc bộ phải do chi bộ hoặc tổ chức cấp trên của chi bộ tổ chức."
        )
    if body is not None:
        body_path, kind = body
        if not cell_path.startswith(body_path):
            errors["referring_body"] = _(
                "Đoàn thể giới thiệu phải thuộc chi bộ hoặc tổ chức cấp trên của chi bộ."
            )
        if channel in ("", CHANNEL_OTHER, CHANNEL_MOVEMENT):
            channel = kind
        elif channel != kind:
            errors["source_channel"] = _(
                "Nguồn giới thiệu không khớp với loại của đoàn thể giới thiệu (%(kind)s)."
            ) % {"kind": MassOrganisationKind(kind).label}
    elif movement_path is not None and channel in ("", CHANNEL_OTHER):
        channel = CHANNEL_MOVEMENT
    return channel or CHANNEL_OTHER, errors
