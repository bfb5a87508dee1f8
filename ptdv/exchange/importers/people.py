"""The people an import creates: checks of a person's row, duplicates in the file and
against the database, and the columns of the new Person rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ptdv.core.text import fold, person_name_problem
from ptdv.exchange.importers.context import ImportContext, OrgInfo, chunks
from ptdv.organisations.models import Organisation
from ptdv.organisations.services import organisation_counters_adjust
from ptdv.people.choices import KINH
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys


@dataclass
class PersonRow:
    row: int
    data: dict[str, Any]
    organisation: OrgInfo
    national_id_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def person_check(ctx: ImportContext, data: dict[str, Any], row: int) -> bool:
    ok = True
    birth = data.get("birth_date")
    if birth is not None and birth.year < 1900:
        ctx.error(row, "birth_date", "Năm sinh không hợp lệ.")
        ok = False
    if not fold(data.get("given_name") or "").strip():
        ctx.error(row, "given_name", "Tên không được để trống.")
        ok = False
    for key in ("family_name", "middle_name", "given_name"):
        problem = person_name_problem(data.get(key) or "") if data.get(key) else None
        if problem is not None:
            ctx.error(row, key, problem)
            ok = False
    return ok


def people_duplicates(ctx: ImportContext, rows: list[PersonRow], *, history: bool = False) -> None:
    """Duplicates by national ID in the file and against the database (errors); the same
    name and birth date (warnings). With `history`, rows sharing a national ID are one
    person's membership history and must agree on the name and birth date."""
    _same_national_id(ctx, rows, history=history)
    _same_name_and_birth(ctx, rows, history=history)


def _same_national_id(ctx: ImportContext, rows: list[PersonRow], *, history: bool) -> None:
    first: dict[str, PersonRow] = {}
    for item in rows:
        number = item.data.get("national_id")
        if not number:
            continue
        item.national_id_hash = national_id_hash(number)
        earlier = first.get(number)
        if earlier is None:
            first[number] = item
        elif not history:
            ctx.error(item.row, "national_id", f"Trùng số định danh với dòng {earlier.row}.")
        elif (
            fold(_full_name(earlier.data)) != fold(_full_name(item.data))
            or earlier.data["birth_date"] != item.data["birth_date"]
        ):
            ctx.error(
                item.row,
                "national_id",
                f"Cùng số định danh với dòng {earlier.row} nhưng khác họ tên hoặc ngày sinh.",
            )
    by_hash = {item.national_id_hash: item for item in rows if item.national_id_hash}
    for chunk in chunks(list(by_hash)):
        for found in Person.objects.filter(national_id_hash__in=chunk).values_list(
            "national_id_hash", flat=True
        ):
            for item in rows:
                if item.national_id_hash == found:
                    ctx.error(item.row, "national_id", "Số định danh này đã có trong hệ thống.")


def _same_name_and_birth(ctx: ImportContext, rows: list[PersonRow], *, history: bool) -> None:
    seen: dict[tuple[str, dt.date], int] = {}
    keys: dict[tuple[str, dt.date], list[PersonRow]] = defaultdict(list)
    for item in rows:
        key = (search_key(item.data), item.data["birth_date"])
        keys[key].append(item)
        if key in seen and (not history or not item.national_id_hash):
            ctx.warn(
                item.row,
                "given_name",
                f"Cùng họ tên và ngày sinh với dòng {seen[key]}: kiểm tra có phải một người.",
            )
        seen.setdefault(key, item.row)
    names = sorted({k[0] for k in keys})
    for chunk in chunks(names):
        for text, birth in Person.objects.filter(search_text__in=chunk).values_list(
            "search_text", "birth_date"
        ):
            for item in keys.get((text, birth), []):
                ctx.warn(
                    item.row,
                    "given_name",
                    "Đã có người cùng họ tên và ngày sinh trong hệ thống: kiểm tra có phải "
                    "một người.",
                )


def _full_name(data: dict[str, Any]) -> str:
    return " ".join(
        p for p in (data["family_name"], data.get("middle_name"), data["given_name"]) if p
    )


def search_key(data: dict[str, Any]) -> str:
    """The row's name as the search folds it (the name keys are computed once per row)."""
    keys = data.get("_keys")
    if keys is None:
        keys = data["_keys"] = person_name_keys(
            data["family_name"], data.get("middle_name") or "", data["given_name"]
        )
    return str(keys["search_text"])


def person_values(
    data: dict[str, Any],
    organisation_id: int,
    locality_id: int | None = None,
    keys: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The columns of a new person from a row's values."""
    number = data.get("national_id") or ""
    if keys is None:
        keys = person_name_keys(
            data["family_name"], data.get("middle_name") or "", data["given_name"]
        )
    return {
        **keys,
        "birth_date": data["birth_date"],
        "gender": data["gender"],
        "ethnicity": data.get("ethnicity") or KINH,
        "religion": data.get("religion") or "none",
        "education": data.get("education") or "upper_secondary",
        "occupation": data.get("occupation") or "other",
        "enterprise_type": "",
        "workplace": data.get("workplace") or "",
        "residence_locality_id": locality_id,
        "target_groups": sorted(set(data.get("target_groups") or [])),
        "youth_union_member": bool(data.get("youth_union_member")),
        "trade_union_member": bool(data.get("trade_union_member")),
        "national_id_hash": national_id_hash(number) if number else None,
        "national_id_encrypted": national_id_encrypt(number) if number else "",
        "organisation_id": organisation_id,
    }


def person_build(
    data: dict[str, Any], organisation_id: int, locality_id: int | None = None
) -> Person:
    return Person(**person_values(data, organisation_id, locality_id))


def counters_adjust(members: Counter[int], candidates: Counter[int]) -> None:
    """One counter update per organisation, with the totals of the import."""
    ids = set(members) | set(candidates)
    for organisation in Organisation.objects.filter(pk__in=ids).only("id", "path"):
        organisation_counters_adjust(
            organisation=organisation,
            members=members.get(organisation.pk, 0),
            candidates=candidates.get(organisation.pk, 0),
        )
