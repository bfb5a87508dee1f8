"""Row validation and bulk writes for each import kind.

An import is all or nothing: every row is parsed and checked (values, codes, the user's
scope, duplicates in the file and against the database) before anything is written; then
everything is written in one transaction with bulk inserts, and the organisation counters
are adjusted once per organisation with the totals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import BooleanField, Case, When

from ptdv.accounts.models import ROLE_RANK, Assignment, Role, User
from ptdv.candidacies.models import (
    Candidacy,
    CandidacyEvent,
    Introducer,
    IntroducerKind,
    Outcome,
    Stage,
)
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.core.policies import role_rank_at
from ptdv.core.text import fold, nfc, person_name_problem
from ptdv.exchange.bulk import RowWriter, reserve_ids
from ptdv.exchange.columns import YES_NO, Column, KindSpec
from ptdv.exchange.workbook import (
    CellError,
    SheetData,
    cell_date,
    cell_int,
    cell_national_id,
    cell_text,
    is_example_row,
)
from ptdv.members.localities import locality_residents_recount
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.localities import locality_counters_created
from ptdv.organisations.models import (
    CELL_KINDS,
    PATH_STEP,
    Kind,
    Locality,
    Organisation,
)
from ptdv.people.choices import KINH
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person
from ptdv.people.services import person_name_keys

CLERK = ROLE_RANK[Role.CLERK]
ADMINISTRATOR = ROLE_RANK[Role.ADMINISTRATOR]
BATCH = 2000
_YES = {fold(label) for code, label in YES_NO if code == "1"} | {"x", "1", "true", "co", "c"}
_NO = {fold(label) for code, label in YES_NO if code == "0"} | {"0", "false", "khong", "k"}


@dataclass
class Issue:
    row: int
    column: str  # the column key ("" for the whole row)
    message: str


@dataclass
class OrgInfo:
    id: int
    path: str
    kind: str
    name: str
    active: bool


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportContext:
    def __init__(
        self,
        *,
        actor: Any,
        spec: KindSpec,
        sheet: SheetData,
        today: dt.date,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.actor = actor
        self.spec = spec
        self.sheet = sheet
        self.today = today
        self.progress = progress
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self._orgs: dict[str, OrgInfo] | None = None
        self.new_orgs: dict[str, OrgInfo] = {}
        # Coded cells repeat the same few labels: each distinct text is looked up once.
        self.codes: dict[str, dict[str, Any]] = {}

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(Issue(row, column, message))

    def warn(self, row: int, column: str, message: str) -> None:
        self.warnings.append(Issue(row, column, message))

    @property
    def orgs(self) -> dict[str, OrgInfo]:
        """Organisations in the actor's subtrees, by code (one query)."""
        if self._orgs is None:
            from ptdv.organisations.policies import organisation_policy

            self._orgs = {
                code: OrgInfo(pk, path, kind, name, valid_to is None)
                for pk, code, path, kind, name, valid_to in organisation_policy.visible_to(
                    self.actor
                )
                .order_by()
                .values_list("id", "code", "path", "kind", "name", "valid_to")
            }
        return self._orgs

    def org(
        self, row: int, column: str, code: str, *, min_rank: int = CLERK, kinds: Iterable[str] = ()
    ) -> OrgInfo | None:
        """The organisation `code` in the actor's subtrees where their role reaches
        `min_rank`; an error on the row otherwise (absent and out of scope read alike)."""
        info = self.orgs.get(code) or self.new_orgs.get(code)
        if info is None:
            self.error(
                row, column, f"Không tìm thấy tổ chức mã “{code}” trong phạm vi được phân quyền."
            )
            return None
        if not info.active:
            self.error(row, column, f"Tổ chức “{code}” đã giải thể hoặc sáp nhập.")
            return None
        if role_rank_at(self.actor, info.path) < min_rank:
            self.error(row, column, f"Vai trò của bạn không được nhập dữ liệu cho “{code}”.")
            return None
        kinds = tuple(kinds)
        if kinds and info.kind not in kinds:
            labels = ", ".join(str(Kind(k).label) for k in kinds)
            self.error(row, column, f"“{code}” không phải {labels}.")
            return None
        return info


# --- Parsing a row ---------------------------------------------------------------------------


def _parse_value(ctx: ImportContext, row: int, column: Column, raw: Any) -> Any:
    try:
        if column.type == "date":
            value = cell_date(raw, ctx.sheet.epoch)
            if value is not None and value > ctx.today:
                raise CellError(f"Ngày {value:%d/%m/%Y} ở tương lai.")
            return value
        if column.type == "int":
            return cell_int(raw)
        if column.type == "national_id":
            return cell_national_id(raw)
        text = cell_text(raw)
        if column.type == "text":
            if len(text) > column.max_length:
                raise CellError(f"Dài quá {column.max_length} ký tự.")
            return nfc(text)
        if not text:
            return None if column.type != "codes" else []
        if column.type == "bool":
            folded = fold(text).strip()
            if folded in _YES:
                return True
            if folded in _NO:
                return False
            raise CellError(f"“{text}”: hãy ghi Có hoặc Không.")
        cache = ctx.codes.setdefault(column.key, {})
        if text in cache:
            return cache[text]
        mapping = column.by_label
        if column.type == "codes":
            codes = []
            for part in text.split(";"):  # labels themselves contain commas
                if not part.strip():
                    continue
                code = mapping.get(fold(part).strip())
                if code is None:
                    raise CellError(f"“{part.strip()}” không có trong danh mục.")
                codes.append(code)
            cache[text] = sorted(set(codes))
            return list(cache[text])
        code = mapping.get(fold(text).strip())
        if code is None:
            raise CellError(f"“{text}” không có trong danh mục; hãy chọn trong danh sách.")
        cache[text] = code
        return code
    except CellError as exc:
        ctx.error(row, column.key, str(exc))
        return None


def parse_rows(ctx: ImportContext) -> list[tuple[int, dict[str, Any]]]:
    """Each row's typed values by column key; a row with a bad value is reported and left
    out of what follows (its other checks would only repeat the same problem)."""
    parsed = []
    columns = ctx.sheet.columns
    present = {c.key for c in columns}
    absent = [c for c in ctx.spec.columns if c.key not in present]
    for index, (row, values) in enumerate(ctx.sheet.rows):
        if ctx.progress is not None and index and index % 1000 == 0:
            ctx.progress(index)
        if is_example_row(columns, values):
            continue
        errors_before = len(ctx.errors)
        data: dict[str, Any] = {}
        for column, raw in zip(columns, values, strict=True):
            value = _parse_value(ctx, row, column, raw)
            if column.required and value in (None, "", []):
                if len(ctx.errors) == errors_before or ctx.errors[-1].column != column.key:
                    ctx.error(row, column.key, f"Cột “{column.header}” không được để trống.")
            data[column.key] = value
        for column in absent:
            data[column.key] = (
                [] if column.type == "codes" else None if column.type != "text" else ""
            )
        if len(ctx.errors) == errors_before:
            parsed.append((row, data))
    return parsed


# --- People ----------------------------------------------------------------------------------


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
    for chunk in _chunks(list(by_hash)):
        for found in Person.objects.filter(national_id_hash__in=chunk).values_list(
            "national_id_hash", flat=True
        ):
            for item in rows:
                if item.national_id_hash == found:
                    ctx.error(item.row, "national_id", "Số định danh này đã có trong hệ thống.")
    seen: dict[tuple[str, dt.date], int] = {}
    keys: dict[tuple[str, dt.date], list[PersonRow]] = defaultdict(list)
    for item in rows:
        key = (_search(item.data), item.data["birth_date"])
        keys[key].append(item)
        if key in seen and (not history or not item.national_id_hash):
            ctx.warn(
                item.row,
                "given_name",
                f"Cùng họ tên và ngày sinh với dòng {seen[key]}: kiểm tra có phải một người.",
            )
        seen.setdefault(key, item.row)
    names = sorted({k[0] for k in keys})
    for chunk in _chunks(names):
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


def _search(data: dict[str, Any]) -> str:
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
    from ptdv.organisations.services import organisation_counters_adjust

    ids = set(members) | set(candidates)
    for organisation in Organisation.objects.filter(pk__in=ids).only("id", "path"):
        organisation_counters_adjust(
            organisation=organisation,
            members=members.get(organisation.pk, 0),
            candidates=candidates.get(organisation.pk, 0),
        )


# --- The importers ---------------------------------------------------------------------------


class Importer:
    """Check all rows (`check`), then write them (`write`, inside the caller's transaction)."""

    kind: ClassVar[str]

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.items: list[Any] = []

    def check(self) -> None:
        raise NotImplementedError

    def write(self) -> int:
        raise NotImplementedError


class OrganisationImporter(Importer):
    kind = "organisations"

    def check(self) -> None:
        ctx = self.ctx
        codes: dict[str, int] = {}
        for row, data in parse_rows(ctx):
            code = data["code"]
            if code in codes:
                ctx.error(row, "code", f"Trùng mã với dòng {codes[code]}.")
                continue
            codes[code] = row
            parent = ctx.new_orgs.get(data["parent"])
            if parent is None:
                parent = ctx.org(row, "parent", data["parent"], min_rank=ADMINISTRATOR)
            if parent is None:
                continue
            if parent.kind in CELL_KINDS:
                ctx.error(row, "parent", "Chi bộ không có tổ chức trực thuộc.")
                continue
            # A later row may hang below this one: give it a provisional path in the scope.
            ctx.new_orgs[code] = OrgInfo(0, parent.path + "~", data["kind"], data["name"], True)
            self.items.append((row, data, parent))
        existing = set(
            Organisation.objects.filter(code__in=list(codes)).values_list("code", flat=True)
        )
        for code in sorted(existing):
            ctx.error(codes[code], "code", f"Mã “{code}” đã có trong hệ thống.")

    def write(self) -> int:
        from ptdv.organisations.services import organisation_create

        created: dict[str, Organisation] = {}
        for _row, data, parent in self.items:
            parent_obj = created.get(data["parent"]) or Organisation.objects.get(pk=parent.id)
            organisation = organisation_create(
                parent=parent_obj,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                sector=data.get("sector") or "other",
                area_flags=data.get("area_flags") or [],
                admin_unit_code=data.get("admin_unit_code") or "",
                abbreviation=data.get("abbreviation") or "",
                authorised_to_admit=bool(data.get("authorised_to_admit")),
                valid_from=data.get("valid_from"),
            )
            extra = {
                "superior_name": data.get("superior_name") or "",
                "place_name": data.get("place_name") or "",
            }
            if data.get("has_youth_union") is not None:
                extra["has_youth_union"] = data["has_youth_union"]
            if data.get("has_trade_union") is not None:
                extra["has_trade_union"] = data["has_trade_union"]
            Organisation.objects.filter(pk=organisation.pk).update(**extra)
            created[organisation.code] = organisation
        return len(created)


class LocalityImporter(Importer):
    kind = "localities"

    def check(self) -> None:
        ctx = self.ctx
        codes: dict[str, int] = {}
        for row, data in parse_rows(ctx):
            code = data["code"]
            if code in codes:
                ctx.error(row, "code", f"Trùng mã với dòng {codes[code]}.")
                continue
            codes[code] = row
            commune = ctx.org(row, "organisation", data["organisation"], min_rank=ADMINISTRATOR)
            if commune is None:
                continue
            if commune.kind in CELL_KINDS:
                ctx.error(row, "organisation", "Phải là mã đảng bộ xã, phường (không phải chi bộ).")
                continue
            cell = None
            if data.get("cell"):
                cell = ctx.org(row, "cell", data["cell"], kinds=CELL_KINDS)
                if cell is None:
                    continue
                if not cell.path.startswith(commune.path):
                    ctx.error(row, "cell", "Chi bộ phụ trách phải thuộc đảng bộ xã, phường này.")
                    continue
            self.items.append((row, data, commune, cell))
        for code in Locality.objects.filter(code__in=list(codes)).values_list("code", flat=True):
            ctx.error(codes[code], "code", f"Mã “{code}” đã có trong hệ thống.")

    def write(self) -> int:
        rows = [
            Locality(
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                organisation_id=commune.id,
                cell_id=cell.id if cell else None,
                cell_is_shared=bool(data.get("cell_is_shared")),
                area_flags=data.get("area_flags") or [],
            )
            for _row, data, commune, cell in self.items
        ]
        Locality.objects.bulk_create(rows, batch_size=BATCH)
        locality_counters_created(rows)
        return len(rows)


class UserImporter(Importer):
    """One row per assignment: a user named on several rows gets several assignments."""

    kind = "users"

    def check(self) -> None:
        from ptdv.accounts.policies import users_visible_to

        ctx = self.ctx
        pairs: dict[tuple[str, str], int] = {}
        usernames = set()
        for row, data in parse_rows(ctx):
            organisation = ctx.org(
                row, "organisation", data["organisation"], min_rank=ADMINISTRATOR
            )
            if organisation is None:
                continue
            username = data["username"]
            key = (username.lower(), data["organisation"])
            if key in pairs:
                ctx.error(row, "organisation", f"Trùng phân quyền với dòng {pairs[key]}.")
                continue
            pairs[key] = row
            if data.get("email"):
                try:
                    validate_email(data["email"])
                except ValidationError:
                    ctx.error(row, "email", "Địa chỉ thư điện tử không hợp lệ.")
                    continue
            usernames.add(username)
            self.items.append((row, data, organisation))
        existing = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
        visible = set(
            users_visible_to(ctx.actor)
            .filter(pk__in=[u.pk for u in existing.values()])
            .values_list("pk", flat=True)
        )
        assigned = set(
            Assignment.objects.filter(user__in=list(existing.values())).values_list(
                "user__username", "organisation__code"
            )
        )
        kept = []
        for row, data, organisation in self.items:
            user = existing.get(data["username"].lower())
            if user is not None:
                if user.pk not in visible:
                    ctx.error(row, "username", "Tên đăng nhập đã được dùng.")
                    continue
                if (user.username, data["organisation"]) in assigned:
                    ctx.error(row, "organisation", "Người dùng đã được phân quyền tại tổ chức này.")
                    continue
                if data.get("password"):
                    ctx.warn(
                        row, "password", "Người dùng đã có: mật khẩu trong tệp không được dùng."
                    )
            else:
                try:
                    User.username_validator(data["username"])
                except ValidationError:
                    ctx.error(
                        row, "username", "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _."
                    )
                    continue
                if data.get("password"):
                    try:
                        # Judged against the row's own username, full name and e-mail.
                        probe = User(
                            username=data["username"],
                            full_name=data.get("full_name") or "",
                            email=data.get("email") or "",
                        )
                        password_validation.validate_password(data["password"], probe)
                    except ValidationError as exc:
                        ctx.error(row, "password", " ".join(exc.messages))
                        continue
            kept.append((row, data, organisation, user))
        self.items = kept

    def write(self) -> int:
        users: dict[str, User] = {}
        assignments = []
        for _row, data, organisation, user in self.items:
            key = data["username"].lower()
            if user is None:
                user = users.get(key)
            if user is None:
                user = User(
                    username=data["username"],
                    full_name=data.get("full_name") or "",
                    email=data.get("email") or "",
                )
                if data.get("password"):
                    user.set_password(data["password"])
                else:
                    user.set_unusable_password()
                user.save()
            users[key] = user
            assignments.append(
                Assignment(user=user, organisation_id=organisation.id, role=data["role"])
            )
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        return len(assignments)


class MemberImporter(Importer):
    """Party members with their history: rows sharing a national ID are one person's
    successive memberships (at most one of them current)."""

    kind = "members"

    def check(self) -> None:
        ctx = self.ctx
        items = []
        for row, data in parse_rows(ctx):
            if not person_check(ctx, data, row):
                continue
            cell = ctx.org(row, "organisation", data["organisation"], kinds=CELL_KINDS)
            if cell is None:
                continue
            if not self._dates_ok(row, data):
                continue
            items.append(PersonRow(row, data, cell))
        people_duplicates(ctx, items, history=True)
        active: dict[str, int] = {}
        for item in items:
            if item.national_id_hash and item.data["status"] in ACTIVE_STATUSES:
                if item.national_id_hash in active:
                    ctx.error(
                        item.row,
                        "status",
                        f"Một người chỉ có một quá trình sinh hoạt hiện tại (đã có ở dòng "
                        f"{active[item.national_id_hash]}).",
                    )
                active[item.national_id_hash] = item.row
        self.items = items

    def _dates_ok(self, row: int, data: dict[str, Any]) -> bool:
        ctx = self.ctx
        status = data["status"]
        decision, ceremony = data.get("admission_decision_date"), data.get("ceremony_date")
        official, exit_date = data.get("official_date"), data.get("exit_date")
        ok = True
        if ceremony is None:
            ctx.error(row, "ceremony_date", "Cần ngày kết nạp.")
            ok = False
        if decision and ceremony and decision > ceremony:
            ctx.error(row, "ceremony_date", "Ngày kết nạp phải sau ngày quyết định kết nạp.")
            ok = False
        if ceremony and ceremony < data["birth_date"]:
            ctx.error(row, "ceremony_date", "Ngày kết nạp trước ngày sinh.")
            ok = False
        if official and ceremony and official < ceremony:
            ctx.error(row, "official_date", "Ngày chính thức phải sau ngày kết nạp.")
            ok = False
        if status == MembershipStatus.OFFICIAL and official is None:
            ctx.warn(row, "official_date", "Đảng viên chính thức chưa có ngày chính thức.")
        if status in ACTIVE_STATUSES and exit_date:
            ctx.error(row, "exit_date", "Đảng viên đang sinh hoạt không có ngày ra khỏi tổ chức.")
            ok = False
        if status not in ACTIVE_STATUSES and exit_date is None:
            ctx.error(row, "exit_date", "Cần ngày ra khỏi tổ chức với tình trạng này.")
            ok = False
        if exit_date and ceremony and exit_date < ceremony:
            ctx.error(row, "exit_date", "Ngày ra khỏi tổ chức trước ngày kết nạp.")
            ok = False
        return ok

    def write(self) -> int:
        owner: dict[str, int] = {}
        person_of_row: list[int] = []
        people: list[dict[str, Any]] = []
        for item in self.items:
            pk = owner.get(item.national_id_hash) if item.national_id_hash else None
            if pk is None:
                pk = -len(people) - 1  # a placeholder until the ids are reserved
                values = person_values(item.data, item.organisation.id, keys=item.data.get("_keys"))
                people.append(values)
                if item.national_id_hash:
                    owner[item.national_id_hash] = pk
            person_of_row.append(pk)
            if item.data["status"] in ACTIVE_STATUSES:
                people[-pk - 1]["organisation_id"] = item.organisation.id
        ids = reserve_ids(Person, len(people))
        self.person_ids = ids
        writer = RowWriter(Person)
        for pk, values in zip(ids, people, strict=True):
            writer.add({"id": pk, **values})
        writer.flush()
        memberships = RowWriter(PartyMembership, with_pk=False)
        members: Counter[int] = Counter()
        for item, placeholder in zip(self.items, person_of_row, strict=True):
            data = item.data
            memberships.add(
                {
                    "person_id": ids[-placeholder - 1],
                    "organisation_id": item.organisation.id,
                    "status": data["status"],
                    "admission_decision_date": data.get("admission_decision_date"),
                    "ceremony_date": data.get("ceremony_date"),
                    "official_date": data.get("official_date"),
                    "exit_date": data.get("exit_date"),
                    "exit_reason": data.get("exit_reason") or "",
                    "expunged_on": None,
                    "readmitted": bool(data.get("readmitted")),
                    "candidacy_id": None,
                }
            )
            if data["status"] in ACTIVE_STATUSES:
                members[item.organisation.id] += 1
        memberships.flush()
        counters_adjust(members, Counter())
        locality_residents_recount(v["residence_locality_id"] for v in people)
        return memberships.written


class CandidateImporter(Importer):
    """People put into the candidate pool (stage `source`) of a cell."""

    kind = "candidates"
    MIN_AGE_YEARS = 16

    def localities(self) -> dict[str, tuple[int, str, bool]]:
        """(id, commune path, visible to the actor) of each residence code named."""
        if not hasattr(self, "_localities"):
            from ptdv.core.policies import subtree_q

            codes = {
                item.data["residence_locality"]
                for item in self.items
                if item.data.get("residence_locality")
            }
            visible = Case(
                When(subtree_q(self.ctx.actor, "organisation__path"), then=True),
                default=False,
                output_field=BooleanField(),
            )
            self._localities = {
                code: (pk, path, in_scope)
                for chunk in _chunks(sorted(codes))
                for code, pk, path, in_scope in Locality.objects.filter(code__in=chunk)
                .annotate(
                    in_scope=Case(
                        When(visible, then=True), default=False, output_field=BooleanField()
                    )
                )
                .values_list("code", "id", "organisation__path", "in_scope")
            }
        return self._localities

    def check(self) -> None:
        ctx = self.ctx
        items = []
        for row, data in parse_rows(ctx):
            if not person_check(ctx, data, row):
                continue
            cell = ctx.org(row, "organisation", data["organisation"], kinds=CELL_KINDS)
            if cell is None:
                continue
            opened = data.get("opened_on") or ctx.today
            birth = data["birth_date"]
            if _years_between(birth, opened) < self.MIN_AGE_YEARS:
                ctx.error(
                    row, "birth_date", f"Chưa đủ {self.MIN_AGE_YEARS} tuổi khi đưa vào nguồn."
                )
                continue
            items.append(PersonRow(row, data, cell, extra={"opened_on": opened}))
        self.items = items
        localities = self.localities()
        kept = []
        for item in items:
            code = item.data.get("residence_locality")
            if code:
                # Resolved like a registration's residence: a village of a commune above
                # the cell, or one the importing user can see; any other reads as absent.
                found = localities.get(code)
                if found is None or not (found[2] or item.organisation.path.startswith(found[1])):
                    ctx.error(
                        item.row,
                        "residence_locality",
                        f"Không tìm thấy thôn, tổ dân phố mã “{code}” trong phạm vi được phân "
                        "quyền.",
                    )
                    continue
                item.extra["locality"] = found[0]
            kept.append(item)
        people_duplicates(ctx, kept)
        self.items = kept
        self.open_candidacies()

    def open_candidacies(self) -> None:
        """People are all new (a national ID already known is an error), so no one here can
        already have an open candidacy; nothing to check against the database."""

    def write(self) -> int:
        from ptdv.candidacies.workflow import NextAction, next_fields

        ctx = self.ctx
        ids = reserve_ids(Person, len(self.items))
        self.person_ids = ids
        people = RowWriter(Person)
        for pk, item in zip(ids, self.items, strict=True):
            people.add(
                {
                    "id": pk,
                    **person_values(
                        item.data,
                        item.organisation.id,
                        item.extra.get("locality"),
                        keys=item.data.get("_keys"),
                    ),
                }
            )
        people.flush()
        fields = next_fields(
            NextAction("record_certificate", None, None, ["certificate"], [], None), ctx.today
        )
        candidacies = RowWriter(Candidacy, with_pk=False)
        pool: Counter[int] = Counter()
        for pk, item in zip(ids, self.items, strict=True):
            opened = item.extra["opened_on"]
            candidacies.add(
                {
                    "person_id": pk,
                    "organisation_id": item.organisation.id,
                    "stage": Stage.SOURCE,
                    "source_channel": item.data.get("source_channel") or "other",
                    "opened_on": opened,
                    "stage_changed_on": opened,
                    **fields,
                }
            )
            pool[item.organisation.id] += 1
        candidacies.flush()
        candidacy_search_refresh(person_ids=ids)
        counters_adjust(Counter(), pool)
        return candidacies.written


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


# --- Dossiers already in progress -------------------------------------------------------------

_STAGE_ORDER = [s.value for s in Stage]

# The date column each stage needs, and the stage from which a column may be filled.
_STAGE_NEEDS: list[tuple[str, str]] = [
    ("certificate_date", Stage.TRAINED),
    ("application_date", Stage.APPLIED),
    ("history_date", Stage.APPLIED),
    ("branch_date", Stage.BRANCH_RESOLVED),
    ("decision_date", Stage.DECIDED),
    ("ceremony_date", Stage.PROBATIONARY),
    ("recognition_date", Stage.OFFICIAL),
    ("recognition_decision_date", Stage.OFFICIAL),
]
_LATE_COLUMNS: list[tuple[str, str]] = [
    ("branch_date", Stage.BRANCH_RESOLVED),
    ("committee_date", Stage.COMMITTEE_RESOLVED),
    ("decision_date", Stage.DECIDED),
    ("ceremony_date", Stage.PROBATIONARY),
    ("newmember_course_date", Stage.DECIDED),
    ("recognition_decision_date", Stage.OFFICIAL),
]
# Collective steps in the only order they can happen.
_SEQUENCE = [
    "branch_date",
    "committee_date",
    "decision_date",
    "ceremony_date",
    "recognition_date",
    "recognition_decision_date",
]
RULES_START = dt.date(2021, 7, 30)


@dataclass
class Step:
    action: str
    on: dt.date
    stage_before: str
    stage_after: str
    facts: dict[str, Any] = field(default_factory=dict)
    vote: dict[str, Any] = field(default_factory=dict)
    document: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""
    rule_set_id: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    flagged: bool = False


class DossierImporter(CandidateImporter):
    """Dossiers already under way: the current stage with each past step's date and document.
    Every past step is judged by the rule set in force on its date; one that breaks it, or
    that predates every rule set (30/07/2021), is kept and flagged, never refused."""

    kind = "dossiers"

    def check(self) -> None:
        super().check()
        ctx = self.ctx
        kept = []
        organisations = self._organisations()
        official_counts = self._official_counts()
        for item in self.items:
            if not self._consistent(item):
                continue
            item.extra["steps"] = self._steps(item, organisations, official_counts)
            kept.append(item)
        self.items = kept
        flagged = sum(1 for item in kept if any(s.flagged for s in item.extra["steps"]))
        if flagged:
            ctx.warn(
                0,
                "",
                f"{flagged} hồ sơ có bước không đúng quy định tại thời điểm đó (hoặc trước "
                "30/07/2021): vẫn nhập và đánh dấu để rà soát.",
            )

    def _organisations(self) -> dict[int, list[Organisation]]:
        paths: set[str] = set()
        for item in self.items:
            path = item.organisation.path
            paths.update(path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP))
        by_path = {o.path: o for o in Organisation.objects.filter(path__in=paths)}
        chains: dict[int, list[Organisation]] = {}
        for item in self.items:
            path = item.organisation.path
            chains[item.organisation.id] = [
                by_path[path[:end]]
                for end in range(len(path), 0, -PATH_STEP)
                if path[:end] in by_path
            ]
        return chains

    def _official_counts(self) -> dict[int, int]:
        from django.db.models import Count

        ids = {item.organisation.id for item in self.items}
        return dict(
            PartyMembership.objects.filter(
                organisation_id__in=ids, status=MembershipStatus.OFFICIAL
            )
            .values_list("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )

    def _consistent(self, item: PersonRow) -> bool:
        """The columns agree with the stage, and the collective steps are in order."""
        ctx, data, row = self.ctx, item.data, item.row
        stage = data["stage"]
        position = _STAGE_ORDER.index(stage)
        ok = True
        for column, needed_from in _STAGE_NEEDS:
            if position >= _STAGE_ORDER.index(needed_from) and data.get(column) is None:
                header = ctx.spec.column(column).header
                ctx.error(row, column, f"Giai đoạn “{Stage(stage).label}” cần cột “{header}”.")
                ok = False
        for column, allowed_from in _LATE_COLUMNS:
            if data.get(column) is not None and position < _STAGE_ORDER.index(allowed_from):
                ctx.error(row, column, f"Không phù hợp với giai đoạn “{Stage(stage).label}”.")
                ok = False
        if stage == Stage.COMMITTEE_RESOLVED and data.get("committee_date") is None:
            ctx.error(row, "committee_date", "Giai đoạn này cần ngày nghị quyết đảng ủy cơ sở.")
            ok = False
        previous: tuple[str, dt.date] | None = None
        for column in _SEQUENCE:
            value = data.get(column)
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                ctx.error(
                    row,
                    column,
                    f"Ngày này trước “{ctx.spec.column(previous[0]).header}” "
                    f"({previous[1]:%d/%m/%Y}): các bước không thể đảo thứ tự.",
                )
                ok = False
            previous = (column, value)
        if data.get("application_date") and data.get("branch_date"):
            if data["application_date"] > data["branch_date"]:
                ctx.error(
                    row, "application_date", "Ngày đơn xin vào Đảng sau ngày nghị quyết chi bộ."
                )
                ok = False
        return ok

    def _steps(
        self,
        item: PersonRow,
        chains: dict[int, list[Organisation]],
        official_counts: dict[int, int],
    ) -> list[Step]:
        from ptdv.candidacies.workflow import (
            DossierContext,
            build_case,
            committee_step_needed,
            grassroots_authorised,
        )
        from ptdv.rules import engine
        from ptdv.rules.services import rules_calendar

        data = item.data
        ancestors = chains[item.organisation.id]
        cell = ancestors[0]
        person = person_build(data, cell.pk, item.extra.get("locality"))
        candidacy = Candidacy(person=person, organisation=cell, stage=Stage.SOURCE)
        introducers = []
        form = data.get("introduction_form")
        if form and data.get("introduction_date"):
            day = data["introduction_date"]
            # The legacy file records that the introduction was made on the official form;
            # the introducers' standing (official, 12 months together) was checked on paper.
            member = engine.Introducer(
                kind=engine.IntroducerKind.MEMBER, date=day, official=True, months_together=12
            )
            if form == "members":
                introducers = [member, member]
            else:
                kind = (
                    engine.IntroducerKind.YOUTH_UNION_COMMITTEE
                    if form == "youth_union"
                    else engine.IntroducerKind.TRADE_UNION_COMMITTEE
                )
                introducers = [engine.Introducer(kind=kind, date=day), member]
        official = data.get("branch_official")
        context = DossierContext(
            ancestors=ancestors,
            official_members=official if official is not None else official_counts.get(cell.pk, 0),
            introducers=introducers,
            consents=[],
            previous_membership=None,
        )
        calendar = rules_calendar()
        steps: list[Step] = []
        stage = Stage.SOURCE.value

        def add(action: str, on: dt.date, after: str | None = None, **kwargs: Any) -> Step:
            nonlocal stage
            step = Step(action, on, stage, after or stage, **kwargs)
            rule_set = engine.ruleset_for(on)
            step.rule_set_id = rule_set.id if rule_set else ""
            if rule_set is None:
                step.flagged = True
                step.findings.append(
                    {
                        "rule": "case",
                        "message": f"Bước ngày {on:%d/%m/%Y} trước bộ quy định cũ nhất "
                        "(30/07/2021).",
                        "source": "",
                    }
                )
            stage = step.stage_after
            steps.append(step)
            return step

        def judge(step: Step, engine_action: str, facts: dict[str, Any]) -> None:
            case = build_case(candidacy, engine_action, step.on, facts, context)
            try:
                engine.validate_case(case)
            except engine.CaseError as exc:
                step.flagged = True
                if not any(f["rule"] == "case" for f in step.findings):
                    step.findings.append({"rule": "case", "message": exc.message, "source": ""})
                return
            verdict = engine.evaluate(case, calendar)
            step.rule_set_id = verdict.rule_set_id
            if not verdict.allowed:
                step.flagged = True
                step.findings += [v.to_dict() for v in verdict.violations]
            step.findings += [w.to_dict() for w in verdict.warnings]

        if data.get("certificate_date"):
            add(
                "record_certificate",
                data["certificate_date"],
                Stage.TRAINED,
                facts={"certificate_date": data["certificate_date"]},
                document=_doc(data.get("certificate_number"), data["certificate_date"]),
            )
            candidacy.certificate_date = data["certificate_date"]
        if data.get("application_date") and data.get("history_date"):
            on = max(data["application_date"], data["history_date"])
            step = add(
                "record_application",
                on,
                Stage.APPLIED,
                facts={
                    "application_date": data["application_date"],
                    "history_date": data["history_date"],
                },
            )
            if data["application_date"] > data["history_date"]:
                step.flagged = True
                step.findings.append(
                    {
                        "rule": "application.before_history",
                        "message": "Đơn xin vào Đảng có sau lý lịch.",
                        "source": "",
                    }
                )
            candidacy.application_date = data["application_date"]
            candidacy.history_date = data["history_date"]
        if data.get("verification_date") or data.get("verification_waived"):
            on = data.get("verification_date") or data.get("application_date") or self.ctx.today
            add(
                "record_verification",
                on,
                facts={
                    "concluded_on": data.get("verification_date"),
                    "waived": bool(data.get("verification_waived")),
                },
            )
            candidacy.verification_concluded_on = data.get("verification_date")
            candidacy.verification_waived = bool(data.get("verification_waived"))
        if form and data.get("introduction_date"):
            introducer_kind = {
                "members": IntroducerKind.MEMBER,
                "youth_union": IntroducerKind.YOUTH_UNION_COMMITTEE,
            }.get(form, IntroducerKind.TRADE_UNION_COMMITTEE)
            add(
                "record_introduction",
                data["introduction_date"],
                facts={"kind": str(introducer_kind), "form": form},
            )
            # The introducers as the dossier will be judged later (the branch vote): the
            # legacy file attests the form of introduction; the member introducers' standing
            # is as declared there (official, 12 months together), not linked to a record.
            member_row = {
                "kind": IntroducerKind.MEMBER,
                "declared_official": True,
                "months_together": 12,
                "date": data["introduction_date"],
            }
            if introducer_kind == IntroducerKind.MEMBER:
                item.extra["introducer_rows"] = [member_row, dict(member_row)]
            else:
                item.extra["introducer_rows"] = [
                    {"kind": introducer_kind, "date": data["introduction_date"]},
                    member_row,
                ]
        if data.get("opinions_date"):
            add(
                "record_opinions",
                data["opinions_date"],
                facts={"opinions_date": data["opinions_date"]},
            )
            candidacy.opinions_date = data["opinions_date"]
        steps.sort(key=lambda s: s.on)
        if data.get("branch_date"):
            agree = data.get("branch_agree")
            vote = {
                "agree": agree,
                "official_members": context.official_members,
                "denominator": context.official_members,
            }
            step = add(
                "branch_vote",
                data["branch_date"],
                Stage.BRANCH_RESOLVED,
                vote=vote,
                outcome=Outcome.PASSED,
                document=_doc(data.get("branch_number"), data["branch_date"]),
            )
            judge(step, "branch_vote", {"vote": {"agree": agree}})
            candidacy.branch_resolution_date = data["branch_date"]
        needs_committee = committee_step_needed(cell, ancestors)
        if data.get("committee_date"):
            vote = {"agree": data.get("committee_agree"), "body_size": data.get("committee_size")}
            step = add(
                "committee_vote",
                data["committee_date"],
                Stage.COMMITTEE_RESOLVED,
                vote={**vote, "denominator": vote["body_size"]},
                outcome=Outcome.PASSED,
                document=_doc(data.get("committee_number"), data["committee_date"]),
            )
            if not needs_committee:
                step.flagged = True
                step.findings.append(
                    {
                        "rule": "case",
                        "message": "Chi bộ này không qua bước đảng ủy cơ sở.",
                        "source": "",
                    }
                )
            else:
                judge(step, "committee_vote", {"vote": vote})
            candidacy.committee_resolution_date = data["committee_date"]
        elif needs_committee and data.get("decision_date"):
            # The decision came without the grassroots committee's resolution on record.
            pass
        if data.get("decision_date"):
            vote = {"agree": data.get("decision_agree"), "body_size": data.get("decision_size")}
            step = add(
                "admission_decision",
                data["decision_date"],
                Stage.DECIDED,
                vote={**vote, "denominator": vote["body_size"]},
                outcome=Outcome.PASSED,
                facts={
                    "decider": "authorised_grassroots_committee"
                    if grassroots_authorised(ancestors)
                    else "standing_committee_above"
                },
                document=_doc(
                    data.get("decision_number"), data["decision_date"], data.get("decision_signer")
                ),
            )
            if needs_committee and not data.get("committee_date"):
                step.flagged = True
                step.findings.append(
                    {
                        "rule": "case",
                        "message": "Chưa có nghị quyết đảng ủy cơ sở (8-KNĐ) trước quyết định.",
                        "source": "",
                    }
                )
            judge(step, "admission_decision", {"vote": vote})
            candidacy.decision_date = data["decision_date"]
        if data.get("ceremony_date"):
            received = data.get("decision_received_date") or data.get("decision_date")
            step = add(
                "ceremony",
                data["ceremony_date"],
                Stage.PROBATIONARY,
                facts={"decision_received_date": received},
            )
            judge(step, "ceremony", {"decision_received_date": received})
            candidacy.decision_received_date = received
            candidacy.ceremony_date = data["ceremony_date"]
        if data.get("newmember_course_date"):
            add("record_newmember_course", data["newmember_course_date"])
            candidacy.newmember_course_date = data["newmember_course_date"]
        if data.get("recognition_date"):
            agree = data.get("recognition_agree")
            step = add(
                "recognition_vote",
                data["recognition_date"],
                vote={
                    "agree": agree,
                    "official_members": context.official_members,
                    "denominator": context.official_members,
                },
                outcome=Outcome.PASSED,
                document=_doc(data.get("recognition_number"), data["recognition_date"]),
            )
            judge(step, "recognition_vote", {"vote": {"agree": agree}})
            candidacy.recognition_resolution_date = data["recognition_date"]
        if data.get("recognition_decision_date"):
            vote = {
                "agree": data.get("recognition_decision_agree"),
                "body_size": data.get("recognition_decision_size"),
            }
            step = add(
                "recognition_decision",
                data["recognition_decision_date"],
                Stage.OFFICIAL,
                vote={**vote, "denominator": vote["body_size"]},
                outcome=Outcome.PASSED,
                document=_doc(
                    data.get("recognition_decision_number"), data["recognition_decision_date"]
                ),
            )
            judge(step, "recognition_decision", {"vote": vote})
            candidacy.recognition_decision_date = data["recognition_decision_date"]
        item.extra["candidacy"] = candidacy
        return steps

    def write(self) -> int:
        from ptdv.rules.engine import add_months

        ctx = self.ctx
        people = [item.extra["candidacy"].person for item in self.items]
        Person.objects.bulk_create(people, batch_size=BATCH)
        self.person_ids = [person.pk for person in people]
        candidacies = []
        pool: Counter[int] = Counter()
        members: Counter[int] = Counter()
        for item, person in zip(self.items, people, strict=True):
            candidacy: Candidacy = item.extra["candidacy"]
            steps: list[Step] = item.extra["steps"]
            candidacy.person = person
            candidacy.stage = item.data["stage"]
            candidacy.opened_on = item.extra["opened_on"]
            if steps:
                candidacy.opened_on = min(candidacy.opened_on, steps[0].on)
            candidacy.stage_changed_on = max(
                (s.on for s in steps if s.stage_after != s.stage_before),
                default=candidacy.opened_on,
            )
            candidacy.source_channel = item.data.get("source_channel") or "other"
            candidacy.next_stale = True
            if candidacy.stage == Stage.OFFICIAL:
                # A recognised dossier is complete (as the workflow leaves it).
                candidacy.is_open = False
                candidacy.closed_on = (
                    candidacy.recognition_decision_date or candidacy.stage_changed_on
                )
            candidacies.append(candidacy)
            if candidacy.stage in (Stage.PROBATIONARY, Stage.OFFICIAL):
                members[item.organisation.id] += 1
            else:
                pool[item.organisation.id] += 1
        Candidacy.objects.bulk_create(candidacies, batch_size=BATCH)
        candidacy_search_refresh(candidacy_ids=[c.pk for c in candidacies])
        events = []
        memberships = []
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        for item, candidacy in zip(self.items, candidacies, strict=True):
            for step in item.extra["steps"]:
                events.append(
                    CandidacyEvent(
                        candidacy=candidacy,
                        action=step.action,
                        on=step.on,
                        actor=actor,
                        stage_before=step.stage_before,
                        stage_after=step.stage_after,
                        outcome=step.outcome,
                        organisation_id=item.organisation.id,
                        facts=_jsonable({**step.facts, "imported": True}),
                        vote=_jsonable(step.vote),
                        rule_set_id=step.rule_set_id,
                        warnings=step.findings,
                        reason="Nhập từ dữ liệu cũ"
                        + (": không đúng quy định tại thời điểm đó." if step.flagged else "."),
                        document_number=step.document.get("number", ""),
                        document_date=step.document.get("date"),
                        signer=step.document.get("signer", ""),
                        flagged=step.flagged,
                    )
                )
            if candidacy.stage in (Stage.PROBATIONARY, Stage.OFFICIAL):
                official = candidacy.stage == Stage.OFFICIAL
                memberships.append(
                    PartyMembership(
                        person_id=candidacy.person_id,
                        organisation_id=item.organisation.id,
                        status=MembershipStatus.OFFICIAL
                        if official
                        else MembershipStatus.PROBATIONARY,
                        admission_decision_date=candidacy.decision_date,
                        ceremony_date=candidacy.ceremony_date,
                        official_date=add_months(candidacy.ceremony_date, 12)
                        if official and candidacy.ceremony_date
                        else None,
                        candidacy=candidacy,
                    )
                )
        CandidacyEvent.objects.bulk_create(events, batch_size=BATCH)
        PartyMembership.objects.bulk_create(memberships, batch_size=BATCH)
        Introducer.objects.bulk_create(
            [
                Introducer(candidacy=candidacy, **values)
                for item, candidacy in zip(self.items, candidacies, strict=True)
                for values in item.extra.get("introducer_rows", [])
            ],
            batch_size=BATCH,
        )
        counters_adjust(members, pool)
        locality_residents_recount(
            c.person.residence_locality_id
            for c in candidacies
            if c.stage in (Stage.PROBATIONARY, Stage.OFFICIAL)
        )
        return len(candidacies)


def _doc(number: str | None, day: dt.date | None, signer: str | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if number:
        document["number"] = number
        document["date"] = day
    if signer:
        document["signer"] = signer
    return document


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        OrganisationImporter,
        LocalityImporter,
        UserImporter,
        MemberImporter,
        CandidateImporter,
        DossierImporter,
    )
}
