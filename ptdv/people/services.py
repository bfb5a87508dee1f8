"""Writes to people. Names are stored NFC in three parts with derived search and sort keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core import hooks
from ptdv.core.text import fold, nfc, search_text, sort_key
from ptdv.organisations.models import Locality, Organisation
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person, national_id_validator


@dataclass
class PersonData:
    """What a clerk types to identify and describe a person."""

    family_name: str
    given_name: str
    birth_date: dt.date
    gender: str
    middle_name: str = ""
    national_id: str = ""
    ethnicity: str = "01"
    religion: str = "none"
    education: str = "upper_secondary"
    occupation: str = "other"
    enterprise_type: str = ""
    workplace: str = ""
    residence_locality: Locality | None = None
    target_groups: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    youth_union_member: bool = False
    trade_union_member: bool = False


def person_name_keys(family: str, middle: str, given: str) -> dict[str, str]:
    family, middle, given = nfc(family), nfc(middle), nfc(given)
    return {
        "family_name": family,
        "middle_name": middle,
        "given_name": given,
        "search_text": search_text(family, middle, given),
        "sort_key": sort_key(given, middle, family)[:400],
    }


def person_find(
    *,
    national_id: str = "",
    family_name: str = "",
    middle_name: str = "",
    given_name: str = "",
    birth_date: dt.date | None = None,
) -> Person | None:
    """The existing person: by national ID when given, else by folded full name + birth date."""
    if national_id:
        return Person.objects.filter(national_id_hash=national_id_hash(national_id)).first()
    if birth_date is None:
        return None
    wanted = search_text(family_name, middle_name, given_name)
    return Person.objects.filter(birth_date=birth_date, search_text=wanted).order_by("id").first()


def _validate_national_id(number: str) -> None:
    try:
        national_id_validator(number)
    except ValidationError as exc:
        raise ValidationError({"national_id": exc.messages}) from None


@transaction.atomic
def person_create(*, data: PersonData, organisation: Organisation, actor: Any) -> Person:
    """Write a new person managed by `organisation`. A primitive: its callers (the
    registration) have already resolved the organisation and the residence locality
    through the actor's scope; `actor` is only recorded in the audit trail."""
    person = Person(
        **person_name_keys(data.family_name, data.middle_name, data.given_name),
        birth_date=data.birth_date,
        gender=data.gender,
        ethnicity=data.ethnicity,
        religion=data.religion,
        education=data.education,
        occupation=data.occupation,
        enterprise_type=data.enterprise_type,
        workplace=nfc(data.workplace),
        residence_locality=data.residence_locality,
        target_groups=sorted(set(data.target_groups)),
        roles=sorted(set(data.roles)),
        youth_union_member=data.youth_union_member,
        trade_union_member=data.trade_union_member,
        organisation=organisation,
    )
    if data.national_id:
        _validate_national_id(data.national_id)
        person.national_id_hash = national_id_hash(data.national_id)
        person.national_id_encrypted = national_id_encrypt(data.national_id)
        if Person.objects.filter(national_id_hash=person.national_id_hash).exists():
            raise ValidationError(
                {"national_id": [_("Số định danh cá nhân này đã có trong hệ thống.")]}
            )
    if not fold(person.given_name).strip():
        raise ValidationError({"given_name": [_("Tên không được để trống.")]})
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="create", obj=person, person=person, summary="Tạo công dân")
    return person


NAME_FIELDS = frozenset({"family_name", "middle_name", "given_name"})
# Written only through their own services (registration, the national-ID door) or derived.
_NOT_UPDATABLE = frozenset(
    {"id", "national_id_encrypted", "national_id_hash", "search_text", "sort_key", "created_at"}
)


@dataclass(frozen=True)
class PersonSnapshot:
    """What the derived data of a person depends on, as it was before a change (the
    listeners of the "person_changed" hook compare it with the row as it is now)."""

    family_name: str
    middle_name: str
    given_name: str
    residence_locality_id: int | None
    organisation_id: int | None

    @classmethod
    def of(cls, person: Person) -> PersonSnapshot:
        return cls(
            family_name=person.family_name,
            middle_name=person.middle_name,
            given_name=person.given_name,
            residence_locality_id=person.residence_locality_id,
            organisation_id=person.organisation_id,
        )


@transaction.atomic
def person_update(
    *,
    person: Person,
    changes: Mapping[str, Any],
    actor: Any,
    before: PersonSnapshot | None = None,
    summary: str = "Sửa thông tin công dân",
    audit_data: dict[str, Any] | None = None,
) -> Person:
    """Change `person`'s fields (field name → new value) and write only those columns:
    names are stored NFC with their search and sort keys re-derived. Then the audit entry,
    then the "person_changed" hook (ptdv.core.hooks), whose listeners in the upper layers
    refresh what is derived from the person (candidacies' search entries, locality counters).

    `before` is the person as it was; pass it when `person` already carries the new values
    (a model form has set them); by default it is taken from `person` before the change.
    Field values are checked by the model fields' validators (`clean_fields`)."""
    unknown = set(changes) - {f.name for f in Person._meta.concrete_fields}
    if unknown or set(changes) & _NOT_UPDATABLE:
        raise ValueError(f"person_update cannot write {sorted(unknown or set(changes))}")
    before = before or PersonSnapshot.of(person)
    for name, value in changes.items():
        setattr(person, name, value)
    names = list(changes)
    if NAME_FIELDS & set(names):
        for key, value in person_name_keys(
            person.family_name, person.middle_name, person.given_name
        ).items():
            setattr(person, key, value)
        names += [n for n in ("search_text", "sort_key") if n not in names]
    if names:
        checked = set(names)
        person.clean_fields(
            exclude=[f.name for f in Person._meta.concrete_fields if f.name not in checked]
        )
        names += [
            f.name
            for f in Person._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.name not in checked
        ]
        person.save(update_fields=names)
    audit_record(
        actor=actor,
        action="change",
        obj=person,
        person=person,
        summary=summary,
        data=audit_data if audit_data is not None else {"fields": sorted(changes)},
    )
    hooks.fire("person_changed", person_ids=[person.pk], before={person.pk: before})
    return person
