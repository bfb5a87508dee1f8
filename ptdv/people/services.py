"""Writes to people. Names are stored NFC in three parts with derived search and sort keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.accounts.models import User
from ptdv.accounts.policies import user_authorize_account_change
from ptdv.audit.services import audit_record
from ptdv.core import hooks
from ptdv.core.policies import Action, Actor, subtree_q
from ptdv.core.refusals import unprocessable
from ptdv.core.text import fold, nfc, person_name_problem, search_text, sort_key
from ptdv.organisations.models import Locality, Organisation, ancestor_paths
from ptdv.people.choices import (
    ETHNICITIES,
    Education,
    EnterpriseType,
    Gender,
    Occupation,
    PersonRole,
    Religion,
    TargetGroup,
)
from ptdv.people.crypto import (
    national_id_decrypt,
    national_id_encrypt,
    national_id_hash,
    national_id_mask,
)
from ptdv.people.models import Person, national_id_validator
from ptdv.people.policies import person_policy


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


def person_create(
    *, data: PersonData, organisation: Organisation, actor: Actor | None, savepoint: bool = True
) -> Person:
    """Write a new person managed by `organisation`. A primitive: its callers (the
    registration) have already resolved the organisation and the residence locality
    through the actor's scope; `actor` is only recorded in the audit trail. `savepoint`
    False: inside a caller's transaction that any error of this one ends anyway (the
    registration), without a savepoint of its own (two round trips)."""
    with transaction.atomic(savepoint=savepoint):
        return _person_insert(data, organisation, actor)


def _person_insert(data: PersonData, organisation: Organisation, actor: Actor | None) -> Person:
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
    # The organisation and the locality are instances the caller resolved through the
    # actor's scope in this transaction: Django's check that their rows exist (a query each)
    # would only repeat that read.
    person.full_clean(exclude=["organisation", "residence_locality"])
    person.save()
    audit_record(actor=actor, action="create", obj=person, person=person, summary="Tạo công dân")
    return person


NAME_FIELDS = frozenset({"family_name", "middle_name", "given_name"})
# What a correction may change (the person page's form, PATCH /api/v1/people/{id}/, the
# "people" import in update mode), in the order the form shows them. `national_id` is the
# clear number: stored encrypted with its lookup hash re-keyed.
EDITABLE_FIELDS: tuple[str, ...] = (
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "gender",
    "national_id",
    "ethnicity",
    "religion",
    "education",
    "occupation",
    "workplace",
    "residence_locality",
    "target_groups",
    "youth_union_member",
    "trade_union_member",
)
# A change of identity needs a reason, kept in the audit trail.
REASON_FIELDS = frozenset({*NAME_FIELDS, "birth_date", "national_id"})
# Written only through their own services or derived.
_NOT_UPDATABLE = frozenset(
    {
        "id",
        "national_id_encrypted",
        "national_id_hash",
        "search_text",
        "sort_key",
        "created_at",
        "updated_at",
        "version",
        # The managing organisation moves with a dossier's transfer, never by a correction.
        "organisation",
    }
)
FIELD_LABELS: dict[str, str] = {
    "family_name": "Họ",
    "middle_name": "Tên đệm",
    "given_name": "Tên",
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "national_id": "Số định danh cá nhân (CCCD)",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "education": "Trình độ học vấn",
    "occupation": "Nghề nghiệp",
    "enterprise_type": "Loại hình doanh nghiệp",
    "workplace": "Nơi làm việc, học tập",
    "residence_locality": "Thôn, tổ dân phố cư trú",
    "target_groups": "Đối tượng ưu tiên",
    "roles": "Vai trò ở địa phương",
    "youth_union_member": "Đoàn viên",
    "trade_union_member": "Đoàn viên công đoàn",
    "organisation": "Tổ chức quản lý",
    "reason": "Lý do sửa",
}
_CHOICES: dict[str, frozenset[str]] = {
    "gender": frozenset(Gender.values),
    "ethnicity": frozenset(code for code, _label in ETHNICITIES),
    "religion": frozenset(Religion.values),
    "education": frozenset(Education.values),
    "occupation": frozenset(Occupation.values),
    "enterprise_type": frozenset(EnterpriseType.values),
}
_LIST_CHOICES: dict[str, frozenset[str]] = {
    "target_groups": frozenset(TargetGroup.values),
    "roles": frozenset(PersonRole.values),
}
_MAX_LENGTH = {"family_name": 60, "middle_name": 80, "given_name": 40, "workplace": 255}
MIN_BIRTH_YEAR = 1900
LOCALITY_NOT_FOUND = "Không tìm thấy thôn, tổ dân phố."
NATIONAL_ID_TAKEN = "số này đã có ở một công dân khác trong hệ thống."


class StalePerson(Exception):
    """The correction was made on a version of the person someone has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(
            _("Thông tin công dân đã bị người khác sửa; hãy tải lại trang và thử lại.")
        )
        self.current = current


@dataclass(frozen=True)
class PersonSnapshot:
    """What the derived data of a person depend on, as it was before a change (the
    listeners of the "person_changed" hook compare it with the row as it is now): the name
    (search entries), the residence (locality counters), the attributes the admission tallies
    break down by and the rule engine reads (tallies, next lawful action)."""

    family_name: str
    middle_name: str
    given_name: str
    residence_locality_id: int | None
    organisation_id: int | None
    birth_date: dt.date | None = None
    gender: str = ""
    ethnicity: str = ""
    religion: str = ""
    education: str = ""
    occupation: str = ""
    enterprise_type: str = ""
    youth_union_member: bool = False
    trade_union_member: bool = False
    target_groups: tuple[str, ...] = ()

    @classmethod
    def of(cls, person: Person) -> PersonSnapshot:
        return cls(
            family_name=person.family_name,
            middle_name=person.middle_name,
            given_name=person.given_name,
            residence_locality_id=person.residence_locality_id,
            organisation_id=person.organisation_id,
            birth_date=person.birth_date,
            gender=person.gender,
            ethnicity=person.ethnicity,
            religion=person.religion,
            education=person.education,
            occupation=person.occupation,
            enterprise_type=person.enterprise_type,
            youth_union_member=person.youth_union_member,
            trade_union_member=person.trade_union_member,
            target_groups=tuple(person.target_groups or ()),
        )


def person_for_change(*, actor: Actor | None, pk: Any, lock: bool = False) -> Person:
    """The person `pk` as `actor` may correct it: outside the actor's subtrees (or absent)
    Http404, inside them with a role below clerk PermissionDenied. `lock`: the row is locked
    for the rest of the transaction."""
    queryset = Person.objects.select_related("organisation", "residence_locality")
    if lock:
        # FOR NO KEY UPDATE: it still keeps two correctors apart, but lets another
        # transaction that only references the person (a dossier step, an audit entry: the
        # foreign-key check at commit takes FOR KEY SHARE) commit meanwhile — with FOR UPDATE,
        # such a transaction that had locked the person's dossier first deadlocked with a
        # correction waiting for that dossier (ptdv/ops/tests/test_concurrent_writers.py).
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    person = person_policy.get_visible(actor, pk, queryset)
    if not person_policy.can(actor, Action.CHANGE, person):
        raise PermissionDenied
    return person


def _error(field_name: str, message: str) -> dict[str, list[str]]:
    return {field_name: [f"{FIELD_LABELS.get(field_name, field_name)}: {message}"]}


def _clean_name(name: str, value: Any) -> str:
    text = nfc(str(value or ""))
    if len(text) > _MAX_LENGTH[name]:
        raise ValidationError(_error(name, f"dài quá {_MAX_LENGTH[name]} ký tự."))
    if text:
        problem = person_name_problem(str(value))
        if problem is not None:
            raise ValidationError(_error(name, problem))
    elif name != "middle_name":
        raise ValidationError(_error(name, "không được để trống."))
    return text


def _clean_birth_date(name: str, value: Any) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(_error(name, "phải là một ngày (ngày/tháng/năm)."))
    if value.year < MIN_BIRTH_YEAR:
        raise unprocessable(_error(name, f"năm sinh phải từ {MIN_BIRTH_YEAR} trở đi."))
    if value > timezone.localdate():
        raise unprocessable(_error(name, "không được sau ngày hôm nay."))
    return value


def _clean_code(name: str, value: Any) -> str:
    code = "" if value is None else str(value)
    if code not in _CHOICES[name]:
        raise ValidationError(_error(name, f"“{code}” không có trong danh mục."))
    return code


def _clean_codes(name: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError(_error(name, "phải là một danh sách mã."))
    codes = [str(v) for v in value]
    wrong = [c for c in codes if c not in _LIST_CHOICES[name]]
    if wrong:
        raise ValidationError(_error(name, f"“{wrong[0]}” không có trong danh mục."))
    return sorted(set(codes))


def _clean_text(name: str, value: Any) -> str:
    text = nfc(str(value or ""))
    if len(text) > _MAX_LENGTH[name]:
        raise ValidationError(_error(name, f"dài quá {_MAX_LENGTH[name]} ký tự."))
    return text


def _clean_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_error(name, "phải là có hoặc không."))
    return value


def _clean_national_id(name: str, value: Any) -> str:
    number = "".join(str(value or "").split())
    if number:
        try:
            national_id_validator(number)
        except ValidationError:
            raise ValidationError(_error(name, "phải gồm đúng 12 chữ số.")) from None
    return number


_CLEANERS: dict[str, Any] = {
    **dict.fromkeys(NAME_FIELDS, _clean_name),
    "birth_date": _clean_birth_date,
    **dict.fromkeys(_CHOICES, _clean_code),
    **dict.fromkeys(_LIST_CHOICES, _clean_codes),
    "workplace": _clean_text,
    "youth_union_member": _clean_flag,
    "trade_union_member": _clean_flag,
    "national_id": _clean_national_id,
}


def _clean_value(person: Person, name: str, value: Any, actor: Actor | None) -> Any:
    """`value` for field `name` as stored; ValidationError (400: the value itself is wrong)
    or a refusal (422: well formed, refused by a rule) naming the field."""
    if name == "residence_locality":
        return _residence(person, value, actor)
    cleaner = _CLEANERS.get(name)
    return value if cleaner is None else cleaner(name, value)


def _residence(person: Person, value: Any, actor: Actor | None) -> Locality | None:
    """A village or residential group of a commune above the person's organisation, or one
    in the actor's subtrees; anything else reads as absent (400)."""
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    found = (
        Locality.objects.filter(
            Q(organisation__path__in=ancestor_paths(person.organisation.path))
            | subtree_q(actor, "organisation__path")
        )
        .filter(pk=pk)
        .first()
        if isinstance(pk, int) and not isinstance(pk, bool)
        else None
    )
    if found is None:
        raise ValidationError({"residence_locality": [LOCALITY_NOT_FOUND]})
    return found


def _audit_value(name: str, value: Any) -> Any:
    """A value as the audit trail keeps it: the national ID masked (Decree 13/2023: the
    clear number never reaches the trail), a locality by id, a date in ISO form."""
    if name == "national_id":
        return national_id_mask(value) if value else ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _current(person: Person, name: str) -> Any:
    if name == "national_id":
        return national_id_decrypt(person.national_id_encrypted) or ""
    if name == "residence_locality":
        return person.residence_locality
    return getattr(person, name)


def person_changes_clean(
    *, person: Person, changes: Mapping[str, Any], reason: str = "", actor: Actor | None
) -> dict[str, tuple[Any, Any]]:
    """The fields `changes` really changes, as {name: (value before, value after)}, every
    value checked and normalised (NFC names, sorted codes, a residence within reach). All
    problems at once: a ValidationError by field. Writes nothing (the import's check phase
    calls it for each row)."""
    allowed = {f.name for f in Person._meta.concrete_fields} | {"national_id"}
    unknown = set(changes) - allowed
    if unknown or set(changes) & _NOT_UPDATABLE:
        raise ValueError(f"person_update cannot write {sorted(unknown or set(changes))}")
    errors: dict[str, list[Any]] = {}
    diff: dict[str, tuple[Any, Any]] = {}
    for name, value in changes.items():
        try:
            cleaned = _clean_value(person, name, value, actor)
        except ValidationError as exc:
            for key, messages in exc.error_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        before = _current(person, name)
        if cleaned != before:
            diff[name] = (before, cleaned)
    _check_rules(person, diff, reason, errors)
    if errors:
        raise ValidationError(errors)
    return diff


def _check_rules(
    person: Person, diff: dict[str, tuple[Any, Any]], reason: str, errors: dict[str, list[Any]]
) -> None:
    """What no single value shows: a national ID another person has, a given name that
    folds to nothing, a change of identity without a reason (422s)."""
    if "national_id" in diff and diff["national_id"][1]:
        taken = (
            Person.objects.filter(national_id_hash=national_id_hash(diff["national_id"][1]))
            .exclude(pk=person.pk)
            .exists()
        )
        if taken:
            errors.setdefault("national_id", []).extend(
                unprocessable(_error("national_id", NATIONAL_ID_TAKEN)).error_dict["national_id"]
            )
    given = diff["given_name"][1] if "given_name" in diff else person.given_name
    if "given_name" not in errors and not fold(given).strip():
        errors.setdefault("given_name", []).extend(
            ValidationError(_error("given_name", "không được để trống.")).error_dict["given_name"]
        )
    if set(diff) & REASON_FIELDS and not nfc(reason or ""):
        labels = ", ".join(
            FIELD_LABELS[n].lower() for n in EDITABLE_FIELDS if n in diff and n in REASON_FIELDS
        )
        errors.setdefault("reason", []).extend(
            unprocessable(_error("reason", f"cần ghi lý do khi sửa {labels}.")).error_dict["reason"]
        )


@transaction.atomic
def person_update(
    *,
    actor: Actor | None,
    person: Person | int,
    changes: Mapping[str, Any],
    reason: str = "",
    version: int | None = None,
    summary: str = "Sửa thông tin công dân",
) -> Person:
    """Correct a person's details: the one write path (the person page's form, the API, the
    Django admin, the "people" import in update mode).

    The person is resolved through `actor`'s scope under a row lock (outside it: Http404 as
    if absent; a role below clerk: PermissionDenied); `version`, when given, must be the
    person's current one (StalePerson otherwise). `changes` maps a field (EDITABLE_FIELDS, or
    another concrete field the admin edits) to its new value; values equal to the stored ones
    are no change. A change of name, birth date or national ID needs `reason`. Names are
    stored NFC with their search and sort keys re-derived; a national ID is re-encrypted and
    its lookup hash re-keyed (a number another person has is refused). Then the audit entry
    (fields, values before and after — the national ID masked — and the reason) and the
    "person_changed" hook (ptdv.core.hooks), whose listeners in the upper layers refresh what
    is derived from the person: the dossiers' search entries, locality counters, admission
    tallies and the next lawful action of open dossiers."""
    locked = person_for_change(actor=actor, pk=getattr(person, "pk", person), lock=True)
    if version is not None and version != locked.version:
        raise StalePerson(locked.version)
    diff = person_changes_clean(person=locked, changes=changes, reason=reason, actor=actor)
    if not diff:
        return locked
    before = PersonSnapshot.of(locked)
    names: list[str] = []
    for name, (_was, value) in diff.items():
        if name == "national_id":
            locked.national_id_hash = national_id_hash(value) if value else None
            locked.national_id_encrypted = national_id_encrypt(value) if value else ""
            names += ["national_id_hash", "national_id_encrypted"]
        else:
            setattr(locked, name, value)
            names.append(name)
    if NAME_FIELDS & set(diff):
        for key, value in person_name_keys(
            locked.family_name, locked.middle_name, locked.given_name
        ).items():
            setattr(locked, key, value)
        names += [n for n in ("search_text", "sort_key") if n not in names]
    locked.version += 1
    names += ["version", "updated_at"]
    try:
        with transaction.atomic():
            locked.save(update_fields=names)
    except IntegrityError:
        # Another person took the number between the check and the write.
        raise unprocessable(_error("national_id", NATIONAL_ID_TAKEN)) from None
    audit_record(
        actor=actor,
        action="change",
        obj=locked,
        person=locked,
        summary=summary,
        data={
            "fields": sorted(diff),
            "before": {n: _audit_value(n, was) for n, (was, _now) in diff.items()},
            "after": {n: _audit_value(n, now) for n, (_was, now) in diff.items()},
            **({"reason": nfc(reason)} if nfc(reason or "") else {}),
            "version": locked.version,
        },
    )
    hooks.fire("person_changed", person_ids=[locked.pk], before={locked.pk: before})
    return locked


# --- The account of a person ----------------------------------------------------------------

USER_PERSON_NOT_FOUND = (
    "Người trong hồ sơ: không tìm thấy người có mã này trong phạm vi bạn quản trị."
)
USER_PERSON_TAKEN = "Người trong hồ sơ: người này đã được gắn với một tài khoản khác."


@transaction.atomic
def user_person_set(*, actor: Actor, user: User, person: Person | int | None) -> User:
    """Link the account `user` to `person` (None: unlink), so that the user finds the
    candidates that person is responsible for ("Quần chúng tôi phụ trách"). The link never
    widens what the user sees: that still follows their assignments.

    The actor must be allowed to change the account (`ptdv.accounts.policies`: a user outside
    their subtrees is 404; their own account, one with roles elsewhere or a staff account is
    403). The person is resolved through the actor's scope where they administer: absent and
    outside answer the same field error. A person belongs to one account at most. Audited;
    nothing is written on a refusal."""
    user_authorize_account_change(actor, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    chosen: Person | None = None
    if person is not None:
        chosen = person_policy.resolve_named(
            actor,
            person,
            field="person",
            message=USER_PERSON_NOT_FOUND,
            action=Action.ADMINISTER,
        )
        if User.objects.filter(person=chosen).exclude(pk=locked.pk).exists():
            raise ValidationError({"person": [USER_PERSON_TAKEN]})
    previous = locked.person
    if (previous.pk if previous else None) == (chosen.pk if chosen else None):
        return locked
    locked.person = chosen
    try:
        with transaction.atomic():
            locked.save(update_fields=["person"])
    except IntegrityError:
        # Another account took the person between the check and the write.
        raise ValidationError({"person": [USER_PERSON_TAKEN]}) from None
    audit_record(
        actor=actor,
        action="change",
        obj=locked,
        person=chosen or previous,
        summary=(
            "Gắn tài khoản với người trong hồ sơ"
            if chosen
            else "Bỏ gắn tài khoản với người trong hồ sơ"
        ),
        data={
            "person": chosen.pk if chosen else None,
            "previous_person": previous.pk if previous else None,
        },
    )
    return locked
