"""Excel exports of the lists, with the filters the list had, written row by row
(openpyxl write-only) into a temporary file that is then streamed, so a list of any size
uses constant memory. Every export is audited with its filters and row count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ptdv.audit.services import audit_filters, audit_record
from ptdv.candidacies.models import SourceChannel, Stage
from ptdv.candidacies.selectors import candidacy_list
from ptdv.core.policies import Actor
from ptdv.core.spreadsheets import Export
from ptdv.core.spreadsheets import workbook_write as _write
from ptdv.exchange.columns import KINDS
from ptdv.members.roster import member_filters_from_query
from ptdv.members.selectors import MemberFilters, member_list
from ptdv.organisations.models import AreaFlag, Kind, LocalityKind, Organisation, Sector
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import locality_list, organisation_list
from ptdv.organisations.views import locality_flags
from ptdv.people.choices import ETHNICITIES, Education, Gender, Occupation, TargetGroup

CHUNK = 2000
_GENDER = dict(Gender.choices)
_ETHNICITY = dict(ETHNICITIES)
_EDUCATION = dict(Education.choices)
_OCCUPATION = dict(Occupation.choices)
_TARGET = dict(TargetGroup.choices)


def _chunked(queryset: QuerySet[Any]) -> Iterator[Any]:
    """Rows in primary-key chunks (a server-side cursor is not available on SQLite)."""
    ordered = list(queryset.values_list("pk", flat=True))
    model = queryset.model
    related = queryset.query.select_related
    # The ids of a whole list fit in memory; the rows are fetched a chunk at a time.
    for start in range(0, len(ordered), CHUNK):
        ids = ordered[start : start + CHUNK]
        rows = model._default_manager.filter(pk__in=ids)
        if related:
            rows = rows.select_related(*_related_names(related))
        by_id = {row.pk: row for row in rows}
        for pk in ids:
            yield by_id[pk]


def _related_names(related: Any, prefix: str = "") -> list[str]:
    if related is True or not isinstance(related, dict):
        return []
    names = []
    for key, sub in related.items():
        names.append(prefix + key)
        names += _related_names(sub, prefix + key + "__")
    return names


def _label(choices: dict[Any, Any], value: Any) -> str:
    return str(choices.get(value, value or ""))


def export_candidacies(*, actor: Actor, filters: dict[str, Any]) -> Export:
    """The candidate list with the list's own filters (`candidacy_list`)."""
    queryset = candidacy_list(actor=actor, filters=filters).select_related(
        "movement", "referring_body"
    )
    headers = [
        "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Trình độ học vấn", "Nghề nghiệp",
        "Đối tượng ưu tiên", "Chi bộ", "Mã chi bộ", "Giai đoạn", "Tình trạng", "Kết nạp lại",
        "Ngày đưa vào nguồn", "Việc tiếp theo", "Hạn", "Đảng viên giúp đỡ",
        "Nguồn giới thiệu", "Mã phong trào, câu lạc bộ", "Phong trào, câu lạc bộ",
        "Mã đoàn thể giới thiệu", "Đoàn thể giới thiệu",
    ]  # fmt: skip
    stages = dict(Stage.choices)
    channels = dict(SourceChannel.choices)

    def rows() -> Iterator[list[Any]]:
        for c in _chunked(queryset):
            person = c.person
            yield [
                person.full_name,
                person.birth_date,
                _label(_GENDER, person.gender),
                _label(_ETHNICITY, person.ethnicity),
                _label(_EDUCATION, person.education),
                _label(_OCCUPATION, person.occupation),
                "; ".join(_label(_TARGET, t) for t in person.target_groups or []),
                c.organisation.name,
                c.organisation.code,
                str(stages.get(c.stage, c.stage)),
                "Đang mở" if c.is_open else "Đã đóng",
                "Có" if c.is_readmission else "Không",
                c.opened_on,
                c.next_action,
                c.next_due,
                c.helper.person.full_name if c.helper_id else "",
                _label(channels, c.source_channel),
                c.movement_id,
                c.movement.name if c.movement_id else "",
                c.referring_body_id,
                c.referring_body.name if c.referring_body_id else "",
            ]

    handle, count = _write("Hồ sơ", headers, rows())
    _audit(actor, "candidacies", filters, count)
    return Export(handle, "danh-sach-ho-so.xlsx", count)


def export_members(*, actor: Actor, filters: dict[str, Any]) -> Export:
    """The member roster with the roster's own filters (`member_list`), in the columns of the
    members import template (the national ID left out: it is never exported), then what the
    roster shows besides: the cell's name, sector and area, the residence, the target groups,
    temporary attachment and exemption."""
    member_filters: MemberFilters = filters["member_filters"]
    queryset = member_list(actor=actor, filters=member_filters, today=timezone.localdate())
    spec = KINDS["members"]
    columns = [c for c in spec.columns if c.key != "national_id"]
    labels = {c.key: c.label_of for c in columns}
    sectors = dict(Sector.choices)
    flags = dict(AreaFlag.choices)
    extra = [
        "Tên chi bộ", "Lĩnh vực", "Đặc điểm địa bàn", "Thôn, tổ dân phố cư trú",
        "Đối tượng ưu tiên", "Sinh hoạt tạm thời tại", "Miễn công tác, sinh hoạt từ ngày",
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for m in _chunked(queryset):
            person = m.person
            locality = person.residence_locality
            values = {
                "family_name": person.family_name,
                "middle_name": person.middle_name,
                "given_name": person.given_name,
                "birth_date": person.birth_date,
                "gender": person.gender,
                "ethnicity": person.ethnicity,
                "religion": person.religion,
                "education": person.education,
                "occupation": person.occupation,
                "workplace": person.workplace,
                "residence_locality": locality.code if locality is not None else "",
                "organisation": m.organisation.code,
                "status": m.status,
                "admission_decision_date": m.admission_decision_date,
                "ceremony_date": m.ceremony_date,
                "official_date": m.official_date,
                "exit_date": m.exit_date,
                "exit_reason": m.exit_reason,
                "readmitted": "1" if m.readmitted else "0",
            }
            cells = [
                labels[c.key].get(values.get(c.key, ""), values.get(c.key, ""))
                if labels[c.key]
                else values.get(c.key, "")
                for c in columns
            ]
            yield [
                *cells,
                m.organisation.name,
                _label(sectors, m.organisation.sector),
                "; ".join(_label(flags, f) for f in m.organisation.area_flags or []),
                f"{locality.full_name}, {locality.organisation.name}" if locality else "",
                "; ".join(_label(_TARGET, t) for t in person.target_groups or []),
                m.attached_to.name if m.attached_to_id else m.attached_note,
                m.exempt_from,
            ]

    handle, count = _write(spec.sheet, [*(c.header for c in columns), *extra], rows())
    _audit(actor, "members", member_filters.as_audit(), count)
    return Export(handle, "danh-sach-dang-vien.xlsx", count)


def export_localities(*, actor: Actor, filters: dict[str, Any]) -> Export:
    """The localities of a subtree (`locality_list`: `organisation`, `white`,
    `without_cell`), with their resident members and the cell that covers each."""
    queryset = locality_list(
        actor=actor,
        organisation=filters.get("organisation"),
        white=filters.get("white"),
        without_cell=filters.get("without_cell"),
    )
    headers = [
        "Mã", "Thôn, tổ dân phố", "Loại", "Xã, phường", "Mã xã, phường", "Chi bộ phụ trách",
        "Mã chi bộ", "Chi bộ ghép", "Chưa có chi bộ riêng", "Số đảng viên cư trú",
        "Chưa có đảng viên", "Đặc điểm địa bàn",
    ]  # fmt: skip
    kinds = dict(LocalityKind.choices)
    flags = dict(AreaFlag.choices)
    yes_no = {True: "Có", False: "Không"}

    def rows() -> Iterator[list[Any]]:
        for loc in _chunked(queryset):
            yield [
                loc.code,
                loc.full_name,
                _label(kinds, loc.kind),
                loc.organisation.name,
                loc.organisation.code,
                loc.cell.name if loc.cell_id else "",
                loc.cell.code if loc.cell_id else "",
                yes_no[bool(loc.cell_id and loc.cell_is_shared)],
                yes_no[loc.cell_id is None or loc.cell_is_shared],
                loc.active_members,
                yes_no[loc.active_members == 0],
                "; ".join(_label(flags, f) for f in loc.area_flags or []),
            ]

    handle, count = _write("Thôn, tổ dân phố", headers, rows())
    _audit(actor, "localities", filters, count)
    return Export(handle, "danh-sach-thon-to-dan-pho.xlsx", count)


def export_organisations(*, actor: Actor, filters: dict[str, Any]) -> Export:
    """Organisations in the columns of the organisations import template (so the file can be
    edited and imported elsewhere)."""
    queryset = organisation_list(
        actor=actor, filters={k: v for k, v in filters.items() if k != "organisation"}
    )
    root: Organisation | None = filters.get("organisation")
    if root is not None:
        queryset = queryset.filter(path__startswith=root.path)
    spec = KINDS["organisations"]
    labels = {c.key: c.label_of for c in spec.columns}
    yes_no = {True: "Có", False: "Không"}
    headers = [c.header for c in spec.columns] + ["Số đảng viên", "Số quần chúng"]

    def rows() -> Iterator[list[Any]]:
        for o in _chunked(queryset):
            values: dict[str, Any] = {
                "code": o.code,
                "name": o.name,
                "kind": labels["kind"].get(o.kind, o.kind),
                "parent": o.parent.code if o.parent_id else "",
                "abbreviation": o.abbreviation,
                "sector": labels["sector"].get(o.sector, o.sector),
                "area_flags": "; ".join(labels["area_flags"].get(f, f) for f in o.area_flags or []),
                "admin_unit_code": o.admin_unit_code,
                "superior_name": o.superior_name,
                "place_name": o.place_name,
                "authorised_to_admit": yes_no[o.authorised_to_admit],
                "has_youth_union": yes_no[o.has_youth_union],
                "has_trade_union": yes_no[o.has_trade_union],
                "valid_from": o.valid_from,
            }
            yield [values[c.key] for c in spec.columns] + [o.member_count, o.candidate_count]

    handle, count = _write(spec.sheet, headers, rows())
    _audit(actor, "organisations", filters, count)
    return Export(handle, "danh-sach-to-chuc-dang.xlsx", count)


def _audit(actor: Actor, kind: str, filters: dict[str, Any], count: int) -> None:
    # A name typed as a search is recorded as present, never as the text (audit_filters).
    shown = audit_filters(
        {
            key: (value.code if isinstance(value, Organisation) else value)
            for key, value in filters.items()
        }
    )
    audit_record(
        actor=actor,
        action="export",
        object_type="exchange.export",
        object_id=kind,
        organisation=filters.get("organisation"),
        summary="Xuất Excel danh sách (" + f"{count:,}".replace(",", ".") + " dòng)",
        data={"list": kind, "filters": {k: str(v) for k, v in shown.items()}, "rows": count},
    )


EXPORTS = {
    "candidacies": export_candidacies,
    "members": export_members,
    "organisations": export_organisations,
    "localities": export_localities,
}


def candidacy_export_filters(actor: Actor, params: Any) -> dict[str, Any]:
    """The candidate list's query string as `candidacy_list` filters: `organisation`, `stage`,
    `target_group`, `sector`, `area_flag`, `status` (open/closed/all; default open) or
    `open` (true/false), `q` or `search`, `due` (overdue/30d). An invalid value is ignored,
    as on the list page; an organisation outside the user's subtrees is a 404."""
    filters: dict[str, Any] = {"open": True}
    raw = params.get("organisation")
    if raw:
        filters["organisation"] = organisation_policy.get_visible(actor, raw)
    if params.get("stage") in Stage.values:
        filters["stage"] = params["stage"]
    if params.get("target_group") in TargetGroup.values:
        filters["target_group"] = params["target_group"]
    if params.get("sector") in Sector.values:
        filters["sector"] = params["sector"]
    if params.get("area_flag") in AreaFlag.values:
        filters["area_flag"] = params["area_flag"]
    status = params.get("status")
    if status in ("open", "closed", "all"):
        filters["open"] = {"open": True, "closed": False, "all": None}[status]
    opened = str(params.get("open", "")).lower()
    if opened in ("true", "1", "false", "0"):
        filters["open"] = opened in ("true", "1")
    search = (params.get("q") or params.get("search") or "").strip()
    if search:
        filters["search"] = search[:100]
    if params.get("due") in ("overdue", "30d"):
        filters["due"] = params["due"]
    return filters


def member_export_filters(actor: Actor, params: Any) -> dict[str, Any]:
    """The roster's query string (ptdv.members.roster): organisation and locality 404
    outside the user's scope, any other invalid value ignored."""
    member_filters = member_filters_from_query(actor, params)
    return {"member_filters": member_filters, "organisation": member_filters.organisation}


def locality_export_filters(actor: Actor, params: Any) -> dict[str, Any]:
    filters: dict[str, Any] = dict(locality_flags(params))
    if params.get("organisation"):
        filters["organisation"] = organisation_policy.get_visible(actor, params["organisation"])
    return filters


def organisation_export_filters(actor: Actor, params: Any) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if params.get("organisation"):
        filters["organisation"] = organisation_policy.get_visible(actor, params["organisation"])
    if params.get("kind") in Kind.values:
        filters["kind"] = params["kind"]
    search = (params.get("q") or params.get("search") or "").strip()
    if search:
        filters["search"] = search[:100]
    return filters


EXPORT_FILTERS = {
    "candidacies": candidacy_export_filters,
    "members": member_export_filters,
    "organisations": organisation_export_filters,
    "localities": locality_export_filters,
}
