"""Writes to people. Names are stored NFC in three parts with derived search and sort keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
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
