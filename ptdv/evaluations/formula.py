"""The scoring formula: its components, the default version, the peer groups and the grades.

A component's value is a ratio measured from data already in PTĐV (see `compute.py`). Its
score runs linearly from 0 at the threshold `zero` to 1 at the threshold `full` and is clamped
to 0–1; a component whose `full` is below its `zero` is "lower is better". A component that
does not apply to an organisation (its denominator is 0: no target, no member at start, no
locality, …) is left out and the weights of the others share its place. The score is
100 × Σ weight × component score / Σ weight of the components that apply; the grade follows
from the grade thresholds (points).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from ptdv.evaluations.models import Grade


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    label: Any
    explanation: Any
    lower_is_better: bool


COMPONENTS: tuple[ComponentSpec, ...] = (
    ComponentSpec(
        "target_achievement",
        _("Thực hiện chỉ tiêu kết nạp"),
        _("Số kết nạp trong năm (toàn đảng bộ) / chỉ tiêu kết nạp của năm."),
        False,
    ),
    ComponentSpec(
        "floor_rate",
        _("Tỷ lệ kết nạp so với mức tối thiểu"),
        _("(Số kết nạp / số đảng viên đầu năm) / tỷ lệ tối thiểu (PTDV_FLOOR_RATE)."),
        False,
    ),
    ComponentSpec(
        "recognition_on_time",
        _("Công nhận đảng viên chính thức đúng hạn"),
        _(
            "Đảng viên dự bị kết nạp năm trước (đến hạn công nhận trong năm) được công nhận "
            "chính thức trong số ngày quy định kể từ ngày kết nạp / số đến hạn."
        ),
        False,
    ),
    ComponentSpec(
        "early_removal",
        _("Đảng viên bị xóa tên, khai trừ trong 2 năm đầu"),
        _(
            "Số đảng viên bị xóa tên hoặc khai trừ trong năm khi chưa đủ 2 năm kể từ ngày "
            "quyết định kết nạp / số kết nạp của năm trước và năm đánh giá. Càng thấp càng tốt."
        ),
        True,
    ),
    ComponentSpec(
        "white_localities",
        _("Thôn, tổ dân phố chưa có đảng viên"),
        _(
            "Số thôn, tổ dân phố chưa có đảng viên / tổng số thôn, tổ dân phố (số liệu hiện "
            "tại). Càng thấp càng tốt."
        ),
        True,
    ),
    ComponentSpec(
        "grassroots_admitting",
        _("Tỷ lệ tổ chức cơ sở đảng có kết nạp"),
        _("Số tổ chức cơ sở đảng trực thuộc có kết nạp trong năm / tổng số tổ chức cơ sở đảng."),
        False,
    ),
    ComponentSpec(
        "overdue",
        _("Hồ sơ quá hạn"),
        _(
            "Hồ sơ phát triển đảng viên đang mở đã quá hạn việc tiếp theo / số hồ sơ đang mở "
            "(tại thời điểm tính). Càng thấp càng tốt."
        ),
        True,
    ),
)
SPECS = {spec.code: spec for spec in COMPONENTS}

# Days after the ceremony within which a probationary member counts as recognised on time:
# 12 months of probation plus 30 working days for the cell and the committee (≈ 6 weeks).
DEFAULT_RECOGNITION_DAYS = 365 + 42
# "Within 2 years of admission".
EARLY_REMOVAL_DAYS = 730

DEFAULT_COMPONENTS: list[dict[str, Any]] = [
    {"code": "target_achievement", "weight": 30, "full": 1.0, "zero": 0.5},
    {"code": "floor_rate", "weight": 20, "full": 1.0, "zero": 0.5},
    {"code": "recognition_on_time", "weight": 10, "full": 1.0, "zero": 0.7,
     "days": DEFAULT_RECOGNITION_DAYS},
    {"code": "early_removal", "weight": 10, "full": 0.0, "zero": 0.05},
    {"code": "white_localities", "weight": 10, "full": 0.0, "zero": 0.3},
    {"code": "grassroots_admitting", "weight": 10, "full": 0.8, "zero": 0.3},
    {"code": "overdue", "weight": 10, "full": 0.0, "zero": 0.2},
]  # fmt: skip
DEFAULT_GRADES: dict[str, float] = {"excellent": 90, "good": 75, "fulfilled": 50}


def component_score(value: float, full: float, zero: float) -> float:
    if full == zero:
        return 1.0 if value == full else 0.0
    return min(1.0, max(0.0, (value - zero) / (full - zero)))


def grade_for(score: float, grades: dict[str, Any]) -> str:
    if score >= float(grades["excellent"]):
        return Grade.EXCELLENT
    if score >= float(grades["good"]):
        return Grade.GOOD
    if score >= float(grades["fulfilled"]):
        return Grade.FULFILLED
    return Grade.NOT_FULFILLED


def points(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_of(
    components: list[dict[str, Any]], figures: dict[str, tuple[float, dict[str, Any]] | None]
) -> tuple[Decimal | None, list[dict[str, Any]]]:
    """The total (None when no component applies) and each component with its value, its
    score and its source figures (only the code when it does not apply).
    `figures` maps a code to (value, source figures), or None when it does not apply."""
    rows: list[dict[str, Any]] = []
    weighted = 0.0
    weights = 0.0
    for component in components:
        code = component["code"]
        measured = figures.get(code)
        # Stored compactly (one row per organisation and year, every organisation of the
        # country): the weight and thresholds are the formula's (`Evaluation.component_details`).
        row: dict[str, Any] = {"code": code}
        if measured is not None:
            value, source = measured
            part = component_score(value, float(component["full"]), float(component["zero"]))
            row.update(value=round(value, 4), score=round(part, 4), figures=source)
            weighted += float(component["weight"]) * part
            weights += float(component["weight"])
        rows.append(row)
    if not weights:
        return None, rows
    return points(100 * weighted / weights), rows


# --- Peer groups -----------------------------------------------------------------------------

LEVELS = {
    "national": "province",
    "province": "province",
    "commune": "commune",
    "bloc": "commune",
    "grassroots_committee": "grassroots",
    "grassroots_cell": "grassroots",
    "partial_committee": "cell",
    "cell": "cell",
}
LEVEL_LABELS = {
    "province": _("Cấp tỉnh"),
    "commune": _("Cấp xã và tương đương"),
    "grassroots": _("Cấp cơ sở"),
    "cell": _("Chi bộ, đảng bộ bộ phận"),
}
SECTOR_GROUPS = {
    "urban_ward": "wards",
    "rural_commune": "communes",
    "state_enterprise": "enterprises",
    "non_state_enterprise": "enterprises",
    "fdi_enterprise": "enterprises",
    "education": "schools",
    "armed_forces": "armed_forces",
    "police": "armed_forces",
    "agency": "agencies",
    "party_agency": "agencies",
    "health": "agencies",
    "other": "agencies",
}
GROUP_LABELS = {
    "wards": _("Phường"),
    "communes": _("Xã"),
    "enterprises": _("Doanh nghiệp"),
    "schools": _("Trường học"),
    "armed_forces": _("Lực lượng vũ trang"),
    "agencies": _("Cơ quan"),
}
PEER_GROUPS = [f"{level}.{group}" for level in LEVEL_LABELS for group in GROUP_LABELS]


def peer_group(kind: str, sector: str) -> str:
    return f"{LEVELS.get(kind, 'cell')}.{SECTOR_GROUPS.get(sector, 'agencies')}"


def peer_group_label(code: str) -> str:
    level, _sep, group = code.partition(".")
    return f"{LEVEL_LABELS.get(level, level)} — {GROUP_LABELS.get(group, group)}"


def validate_components(components: Any) -> list[str]:
    """Vietnamese reasons why a list of components is not a valid formula (empty when valid)."""
    errors: list[str] = []
    if not isinstance(components, list) or not components:
        return [str(_("Công thức phải có ít nhất một tiêu chí."))]
    seen: set[str] = set()
    for item in components:
        code = item.get("code") if isinstance(item, dict) else None
        if code not in SPECS:
            errors.append(str(_("Tiêu chí “%(c)s” không có trong danh mục.") % {"c": code}))
            continue
        label = SPECS[code].label
        if code in seen:
            errors.append(str(_("Tiêu chí “%(l)s” bị lặp.") % {"l": label}))
        seen.add(code)
        try:
            weight = float(item["weight"])
            full = float(item["full"])
            zero = float(item["zero"])
        except (KeyError, TypeError, ValueError):
            errors.append(str(_("Tiêu chí “%(l)s”: trọng số và ngưỡng phải là số.") % {"l": label}))
            continue
        if weight < 0:
            errors.append(str(_("Tiêu chí “%(l)s”: trọng số không được âm.") % {"l": label}))
        if full == zero:
            errors.append(
                str(
                    _("Tiêu chí “%(l)s”: ngưỡng đạt đủ điểm phải khác ngưỡng 0 điểm.")
                    % {"l": label}
                )
            )
        elif SPECS[code].lower_is_better != (full < zero):
            errors.append(
                str(
                    _("Tiêu chí “%(l)s”: ngưỡng đạt đủ điểm phải %(d)s ngưỡng 0 điểm.")
                    % {
                        "l": label,
                        "d": _("thấp hơn") if SPECS[code].lower_is_better else _("cao hơn"),
                    }
                )
            )
    if not errors and sum(float(item["weight"]) for item in components) <= 0:
        errors.append(str(_("Tổng trọng số phải lớn hơn 0.")))
    return errors


def validate_grades(grades: Any) -> list[str]:
    try:
        excellent, good, fulfilled = (float(grades[k]) for k in ("excellent", "good", "fulfilled"))
    except (KeyError, TypeError, ValueError):
        return [str(_("Ngưỡng xếp loại: cần ba số (xuất sắc, tốt, hoàn thành)."))]
    if not 0 <= fulfilled <= good <= excellent <= 100:
        return [
            str(
                _(
                    "Ngưỡng xếp loại phải trong khoảng 0–100 và theo thứ tự: hoàn thành ≤ tốt ≤ "
                    "xuất sắc."
                )
            )
        ]
    return []
