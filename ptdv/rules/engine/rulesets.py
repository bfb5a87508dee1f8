"""The versioned rule sets: every numeric parameter and every rule, with its source.

Rules change (QĐ 24 → QĐ 232 → QĐ 294 within four years), so a rule set is data with an
effective date, never constants scattered in code (docs/regulations.md §0). A dossier step is
judged under the set in force on the date of that step. The built-in sets are:

========================  ==========  =====================================================
id                        in force    documents
========================  ==========  =====================================================
``qd24-2021-07-30``       30/07/2021  QĐ 24-QĐ/TW (30/07/2021), HD 01-HD/TW (28/09/2021)
``qd232-2025-01-20``      20/01/2025  QĐ 232-QĐ/TW (20/01/2025), HD 01-HD/TW (28/09/2021)
``qd294-2025-07-01``      01/07/2025  QĐ 294-QĐ/TW (26/05/2025), HD 06-HD/TW (09/06/2025)
========================  ==========  =====================================================

QĐ 232 and QĐ 294 changed none of the numbers the engine uses, so the three sets share the
same values and differ in their citations. Values whose source could not be confirmed
(docs/regulations.md tags them UNCONFIRMED) carry a note saying so; they stay parameters so that
an administrator can correct them without touching code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from .codes import Education

__all__ = [
    "PARAMETER_LABELS",
    "RULE_IDS",
    "RULE_LABELS",
    "RULE_SETS",
    "Parameter",
    "ParameterRow",
    "Parameters",
    "RuleRow",
    "RuleSet",
    "list_parameters",
    "list_rules",
    "parameter_details",
    "ruleset_by_id",
    "ruleset_for",
]


@dataclass(frozen=True)
class Parameters:
    """Every value a rule depends on. Defaults are the values of all three built-in sets.

    Fractions are numerator/denominator integers so that votes are compared exactly:
    a cell or committee vote passes when ``agree * den >= voters * num``; a standing
    committee vote passes when ``agree * den > voters * num`` (strictly more than half).
    """

    min_age_months: int = 216
    over_60_months: int = 720
    education_minimum: Education = Education.LOWER_SECONDARY
    education_special_area_minimum: Education = Education.PRIMARY
    education_elder_minimum: Education = Education.LITERATE
    certificate_valid_months: int = 60
    introducer_cowork_months: int = 12
    verification_valid_months: int = 12
    youth_min_months: int = 192
    youth_max_months: int = 371
    branch_min_official_members: int = 3
    branch_vote_numerator: int = 2
    branch_vote_denominator: int = 3
    committee_vote_numerator: int = 2
    committee_vote_denominator: int = 3
    standing_majority_numerator: int = 1
    standing_majority_denominator: int = 2
    consent_min_days_before: int = 0
    decision_deadline_working_days: int = 60
    decision_max_extension_working_days: int = 30
    ceremony_deadline_working_days: int = 30
    member_file_deadline_working_days: int = 30
    probation_months: int = 12
    recognition_vote_deadline_working_days: int = 30
    recognition_decision_deadline_working_days: int = 30
    recognition_decision_max_extension_working_days: int = 30
    max_failed_recognition_votes: int = 3
    readmission_wait_months: int = 36
    readmission_expunged_wait_months: int = 60
    readmission_max_times: int = 1


PARAMETER_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "min_age_months": "Tuổi đời tối thiểu khi chi bộ xét (tháng)",
        "over_60_months": "Trên 60 tuổi khi quá số tháng tuổi này (cần ý kiến cấp tỉnh)",
        "education_minimum": "Trình độ học vấn tối thiểu",
        "education_special_area_minimum": (
            "Trình độ tối thiểu ở miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số, "
            "vùng đặc biệt khó khăn và ngư dân thường xuyên làm việc trên biển"
        ),
        "education_elder_minimum": (
            "Trình độ tối thiểu của già làng, trưởng bản, người có uy tín ở các vùng trên "
            "(cần ý kiến cấp tỉnh)"
        ),
        "certificate_valid_months": (
            "Thời hạn giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (tháng)"
        ),
        "introducer_cowork_months": (
            "Thời gian đảng viên giới thiệu cùng công tác, học tập, sinh hoạt nơi cư trú "
            "với người vào Đảng (tháng)"
        ),
        "verification_valid_months": (
            "Thời hạn kết quả thẩm tra lý lịch và giấy giới thiệu (tháng)"
        ),
        "youth_min_months": "Tuổi đoàn viên: từ (tháng tuổi)",
        "youth_max_months": "Tuổi đoàn viên: đến (tháng tuổi)",
        "branch_min_official_members": "Số đảng viên chính thức tối thiểu của chi bộ",
        "branch_vote_numerator": "Tỷ lệ biểu quyết của chi bộ: tử số (ít nhất)",
        "branch_vote_denominator": "Tỷ lệ biểu quyết của chi bộ: mẫu số",
        "committee_vote_numerator": "Tỷ lệ biểu quyết của đảng ủy cơ sở: tử số (ít nhất)",
        "committee_vote_denominator": "Tỷ lệ biểu quyết của đảng ủy cơ sở: mẫu số",
        "standing_majority_numerator": "Tỷ lệ biểu quyết của ban thường vụ: tử số (quá)",
        "standing_majority_denominator": "Tỷ lệ biểu quyết của ban thường vụ: mẫu số",
        "consent_min_days_before": (
            "Văn bản đồng ý phải đề ngày trước hành động ít nhất (ngày; 0: cùng ngày được tính)"
        ),
        "decision_deadline_working_days": (
            "Thời hạn ra quyết định kết nạp kể từ nghị quyết chi bộ (ngày làm việc)"
        ),
        "decision_max_extension_working_days": (
            "Gia hạn tối đa thời hạn ra quyết định kết nạp (ngày làm việc, một lần)"
        ),
        "ceremony_deadline_working_days": (
            "Thời hạn tổ chức lễ kết nạp kể từ ngày nhận quyết định (ngày làm việc)"
        ),
        "member_file_deadline_working_days": (
            "Thời hạn hoàn thành phiếu đảng viên kể từ lễ kết nạp (ngày làm việc)"
        ),
        "probation_months": "Thời gian dự bị (tháng)",
        "recognition_vote_deadline_working_days": (
            "Thời hạn chi bộ xét công nhận chính thức sau khi hết dự bị (ngày làm việc)"
        ),
        "recognition_decision_deadline_working_days": (
            "Thời hạn ra quyết định công nhận chính thức kể từ nghị quyết chi bộ (ngày làm việc)"
        ),
        "recognition_decision_max_extension_working_days": (
            "Gia hạn tối đa thời hạn ra quyết định công nhận chính thức (ngày làm việc)"
        ),
        "max_failed_recognition_votes": (
            "Số lần chi bộ biểu quyết công nhận không đạt trước khi báo cáo cấp trên"
        ),
        "readmission_wait_months": "Kết nạp lại: thời gian tối thiểu từ khi ra khỏi Đảng (tháng)",
        "readmission_expunged_wait_months": (
            "Kết nạp lại: thời gian tối thiểu từ khi được xóa án tích, tội phạm ít nghiêm trọng "
            "(tháng)"
        ),
        "readmission_max_times": "Số lần được kết nạp lại tối đa",
    }
)

# Every rule id of docs/workflow.md §2, in that order.
RULE_IDS: tuple[str, ...] = (
    "person.unique_active",
    "age.minimum",
    "age.over_60_consent",
    "education.minimum",
    "education.elder_consent",
    "certificate.valid",
    "application.before_history",
    "introducers.valid",
    "youth_union.required",
    "trade_union.required",
    "verification.done",
    "verification.valid",
    "opinions.done",
    "branch.min_official_members",
    "vote.branch_two_thirds",
    "vote.committee_two_thirds",
    "vote.standing_majority",
    "decider.competent",
    "deadline.decision",
    "deadline.ceremony",
    "deadline.member_file",
    "probation.complete",
    "newmember_course.done",
    "deadline.recognition",
    "deadline.recognition_decision",
    "vote.escalate_after_3",
    "readmission.wait",
    "readmission.once",
    "readmission.barred_reason",
    "readmission.provincial_consent",
)

RULE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "person.unique_active": "Mỗi người chỉ có một hồ sơ phát triển đảng viên đang mở",
        "age.minimum": "Đủ 18 tuổi (tính theo tháng) khi chi bộ xét",
        "age.over_60_consent": (
            "Trên 60 tuổi: có văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương "
            "trước khi quyết định"
        ),
        "education.minimum": "Trình độ học vấn tối thiểu (tốt nghiệp trung học cơ sở, ngoại lệ)",
        "education.elder_consent": (
            "Già làng, trưởng bản, người có uy tín chỉ biết đọc, biết viết: có văn bản đồng ý "
            "của ban thường vụ cấp ủy trực thuộc Trung ương"
        ),
        "certificate.valid": "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng còn thời hạn",
        "application.before_history": "Đơn xin vào Đảng có trước lý lịch",
        "introducers.valid": "Người giới thiệu đúng thành phần và đủ điều kiện",
        "youth_union.required": "Người trong độ tuổi đoàn nơi có tổ chức Đoàn là đoàn viên",
        "trade_union.required": (
            "Người trong độ tuổi đoàn nơi không có tổ chức Đoàn, có công đoàn, là công đoàn viên"
        ),
        "verification.done": "Đã thẩm tra lý lịch (hoặc thuộc trường hợp không phải thẩm tra)",
        "verification.valid": "Kết quả thẩm tra lý lịch và giấy giới thiệu còn thời hạn",
        "opinions.done": "Đã có ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú",
        "branch.min_official_members": "Chi bộ có đủ số đảng viên chính thức tối thiểu",
        "vote.branch_two_thirds": "Ít nhất hai phần ba đảng viên chính thức của chi bộ đồng ý",
        "vote.committee_two_thirds": "Ít nhất hai phần ba cấp ủy viên đảng ủy cơ sở đồng ý",
        "vote.standing_majority": "Quá một nửa số thành viên ban thường vụ đồng ý",
        "decider.competent": "Cấp quyết định có thẩm quyền",
        "deadline.decision": "Quyết định kết nạp trong thời hạn (kể cả gia hạn)",
        "deadline.ceremony": "Tổ chức lễ kết nạp trong thời hạn (hoặc có ý kiến cấp trên)",
        "deadline.member_file": "Hoàn thành phiếu đảng viên trong thời hạn",
        "probation.complete": "Đủ thời gian dự bị",
        "newmember_course.done": (
            "Có giấy chứng nhận học lớp bồi dưỡng lý luận chính trị cho đảng viên mới"
        ),
        "deadline.recognition": "Chi bộ xét công nhận chính thức trong thời hạn",
        "deadline.recognition_decision": "Quyết định công nhận chính thức trong thời hạn",
        "vote.escalate_after_3": (
            "Sau ba lần biểu quyết không đạt, chi bộ báo cáo cấp ủy cấp trên quyết định"
        ),
        "readmission.wait": "Kết nạp lại: đủ thời gian từ khi ra khỏi Đảng hoặc xóa án tích",
        "readmission.once": "Kết nạp lại: chỉ được kết nạp lại một lần",
        "readmission.barred_reason": "Kết nạp lại: không thuộc trường hợp không được kết nạp lại",
        "readmission.provincial_consent": (
            "Kết nạp lại: có văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương"
        ),
    }
)


@dataclass(frozen=True, eq=False)
class RuleSet:
    """One versioned rule set: parameters, their sources and the rules' sources.

    ``valid_to`` is the last day in force (``None`` while current). ``notes`` maps a parameter
    key or rule id to a remark on how certain its source is.
    """

    id: str
    label: str
    valid_from: date
    valid_to: date | None
    documents: tuple[str, ...]
    parameters: Parameters
    parameter_sources: Mapping[str, str]
    rule_sources: Mapping[str, str]
    notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def in_force_on(self, day: date) -> bool:
        """Whether ``day`` falls within this set's period."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def rule_source(self, rule_id: str) -> str:
        """The citation of ``rule_id`` in this set (KeyError for an unknown id)."""
        return self.rule_sources[rule_id]

    def parameter_source(self, key: str) -> str:
        """The citation of parameter ``key`` in this set (KeyError for an unknown key)."""
        return self.parameter_sources[key]


class ParameterRow(NamedTuple):
    """One line of an administrator's list of parameters."""

    key: str
    value: int | str
    label: str
    source: str


@dataclass(frozen=True)
class Parameter:
    """A parameter with its citation and a note on the confidence of that citation."""

    key: str
    value: int | str
    label: str
    source: str
    note: str


class RuleRow(NamedTuple):
    """One line of an administrator's list of rules."""

    rule_id: str
    label: str
    source: str


def list_parameters(rule_set: RuleSet) -> list[ParameterRow]:
    """(key, value, label, source) for every parameter of ``rule_set``, in declaration order."""
    return [ParameterRow(p.key, p.value, p.label, p.source) for p in parameter_details(rule_set)]


def parameter_details(rule_set: RuleSet) -> list[Parameter]:
    """Every parameter of ``rule_set`` with its source and confidence note."""
    rows: list[Parameter] = []
    for f in fields(Parameters):
        value: int | str = getattr(rule_set.parameters, f.name)
        if isinstance(value, Education):
            value = value.value
        rows.append(
            Parameter(
                key=f.name,
                value=value,
                label=PARAMETER_LABELS[f.name],
                source=rule_set.parameter_sources[f.name],
                note=rule_set.notes.get(f.name, ""),
            )
        )
    return rows


def list_rules(rule_set: RuleSet) -> list[RuleRow]:
    """(rule id, label, source) for every rule of docs/workflow.md §2, in that order."""
    return [
        RuleRow(rule_id, RULE_LABELS[rule_id], rule_set.rule_sources[rule_id])
        for rule_id in RULE_IDS
    ]


# --- Citations ------------------------------------------------------------------------------
# Templates: {qd} is the Central Committee regulation implementing the Charter, {hd} the
# Secretariat guidance in force with it. Section numbers follow docs/regulations.md; QĐ 232 and
# QĐ 294 keep the section numbering of QĐ 24 where docs/regulations.md quotes them.

_PARAMETER_SOURCE_TEMPLATES: Mapping[str, str] = {
    "min_age_months": "{qd} §1.1.1",
    "over_60_months": "{qd} §1.1.2; {hd} §1.1",
    "education_minimum": "{qd} §1.2.1",
    "education_special_area_minimum": "{hd} §1.2",
    "education_elder_minimum": "{hd} §1.2",
    "certificate_valid_months": "{hd} §3",
    "introducer_cowork_months": "{qd} §3.2.1",
    "verification_valid_months": "{hd} §3.4",
    "youth_min_months": "Điều lệ Đảng Điều 4 khoản 2; Điều lệ Đoàn TNCS Hồ Chí Minh",
    "youth_max_months": "Điều lệ Đảng Điều 4 khoản 2; Điều lệ Đoàn TNCS Hồ Chí Minh",
    "branch_min_official_members": "Điều lệ Đảng Điều 21",
    "branch_vote_numerator": "Điều lệ Đảng Điều 4; {qd} §9.3.2",
    "branch_vote_denominator": "Điều lệ Đảng Điều 4; {qd} §9.3.2",
    "committee_vote_numerator": "{qd} §4.3.2(a)",
    "committee_vote_denominator": "{qd} §4.3.2(a)",
    "standing_majority_numerator": "Điều lệ Đảng Điều 9 khoản 5; {qd} §9.3",
    "standing_majority_denominator": "Điều lệ Đảng Điều 9 khoản 5; {qd} §9.3",
    "consent_min_days_before": "{hd} §1.1, §1.2; {qd} §3.5.1",
    "decision_deadline_working_days": "{qd} §4.3.1",
    "decision_max_extension_working_days": "{qd} §4.3.1",
    "ceremony_deadline_working_days": "{qd} §4.1",
    "member_file_deadline_working_days": "HD 12-HD/BTCTW (2022) §2.2",
    "probation_months": "Điều lệ Đảng Điều 5 khoản 1",
    "recognition_vote_deadline_working_days": "{qd} §4.2.1",
    "recognition_decision_deadline_working_days": "{qd} §4.3.1",
    "recognition_decision_max_extension_working_days": "{qd} §4.3.1",
    "max_failed_recognition_votes": "{qd} §4.2.3",
    "readmission_wait_months": "{qd} §3.5.1",
    "readmission_expunged_wait_months": "{qd} §3.5.1",
    "readmission_max_times": "{qd} §3.5.3",
}

_RULE_SOURCE_TEMPLATES: Mapping[str, str] = {
    "person.unique_active": "Quy tắc của hệ thống (không phải quy định của Đảng)",
    "age.minimum": "{qd} §1.1.1",
    "age.over_60_consent": "{qd} §1.1.2; {hd} §1.1",
    "education.minimum": "{qd} §1.2.1; {hd} §1.2",
    "education.elder_consent": "{hd} §1.2",
    "certificate.valid": "{hd} §3",
    "application.before_history": "{hd} §3",
    "introducers.valid": "Điều lệ Đảng Điều 4 khoản 2; {qd} §3.1, §3.2",
    "youth_union.required": "Điều lệ Đảng Điều 4 khoản 2; {qd} §3.1",
    "trade_union.required": "Điều lệ Đảng Điều 4 khoản 2; {qd} §3.1",
    "verification.done": "{hd} §3.4",
    "verification.valid": "{hd} §3.4",
    "opinions.done": "HD 12-HD/BTCTW (2022), mẫu 5-KNĐ",
    "branch.min_official_members": "Điều lệ Đảng Điều 21",
    "vote.branch_two_thirds": "Điều lệ Đảng Điều 4; {qd} §9.3.2",
    "vote.committee_two_thirds": "{qd} §4.3.2(a)",
    "vote.standing_majority": "Điều lệ Đảng Điều 9 khoản 5; {qd} §9.3",
    "decider.competent": "{qd} §4.3.2",
    "deadline.decision": "{qd} §4.3.1",
    "deadline.ceremony": "{qd} §4.1",
    "deadline.member_file": "HD 12-HD/BTCTW (2022) §2.2",
    "probation.complete": "Điều lệ Đảng Điều 5 khoản 1",
    "newmember_course.done": "{hd} §4",
    "deadline.recognition": "{qd} §4.2.1",
    "deadline.recognition_decision": "{qd} §4.3.1",
    "vote.escalate_after_3": "{qd} §4.2.3",
    "readmission.wait": "{qd} §3.5.1",
    "readmission.once": "{qd} §3.5.3",
    "readmission.barred_reason": "{qd} §3.5.2",
    "readmission.provincial_consent": "{qd} §3.5.1",
}

_COMMON_NOTES: Mapping[str, str] = {
    "over_60_months": (
        "Chưa xác nhận: 60 tuổi và vài tháng có phải là 'trên 60 tuổi' hay không; "
        "hệ thống coi quá 720 tháng là trên 60 tuổi."
    ),
    "verification_valid_months": (
        "Chưa xác nhận ở Trung ương: 12 tháng là mức địa phương thường áp dụng cho lý lịch, "
        "giấy giới thiệu và ý kiến nhận xét."
    ),
    "youth_min_months": "Độ tuổi đoàn 16–30 theo Điều lệ Đoàn; chưa xác nhận trong văn bản Đảng.",
    "youth_max_months": "Độ tuổi đoàn 16–30 theo Điều lệ Đoàn; chưa xác nhận trong văn bản Đảng.",
    "committee_vote_numerator": (
        "Xác nhận cho đảng ủy cơ sở được ủy quyền; với đảng ủy cơ sở không được ủy quyền là "
        "thông lệ, chưa xác nhận."
    ),
    "committee_vote_denominator": (
        "Xác nhận cho đảng ủy cơ sở được ủy quyền; với đảng ủy cơ sở không được ủy quyền là "
        "thông lệ, chưa xác nhận."
    ),
    "consent_min_days_before": (
        "Văn bản quy định 'trước khi' cấp có thẩm quyền quyết định; ngày được ghi theo ngày "
        "nên văn bản cùng ngày được tính (0)."
    ),
    "recognition_decision_deadline_working_days": (
        "Số liệu theo QĐ 29 §4.3.1; giữ nguyên trong các quy định sau là suy đoán."
    ),
    "recognition_decision_max_extension_working_days": (
        "Số liệu theo QĐ 29 §4.3.1; giữ nguyên trong các quy định sau là suy đoán."
    ),
}


def _build(
    *,
    id: str,
    label: str,
    valid_from: date,
    valid_to: date | None,
    documents: tuple[str, ...],
    qd: str,
    hd: str,
    parameter_overrides: Mapping[str, str] | None = None,
    rule_overrides: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> RuleSet:
    parameter_sources = {
        key: template.format(qd=qd, hd=hd) for key, template in _PARAMETER_SOURCE_TEMPLATES.items()
    }
    parameter_sources.update(parameter_overrides or {})
    rule_sources = {
        key: template.format(qd=qd, hd=hd) for key, template in _RULE_SOURCE_TEMPLATES.items()
    }
    rule_sources.update(rule_overrides or {})
    all_notes = dict(_COMMON_NOTES)
    all_notes.update(notes or {})
    rule_set = RuleSet(
        id=id,
        label=label,
        valid_from=valid_from,
        valid_to=valid_to,
        documents=documents,
        parameters=Parameters(),
        parameter_sources=MappingProxyType(parameter_sources),
        rule_sources=MappingProxyType(rule_sources),
        notes=MappingProxyType(all_notes),
    )
    _check_complete(rule_set)
    return rule_set


def _check_complete(rule_set: RuleSet) -> None:
    """Every parameter and every rule has a label and a source (fails at import otherwise)."""
    keys = {f.name for f in fields(Parameters)}
    if keys != set(rule_set.parameter_sources) or keys != set(PARAMETER_LABELS):
        raise ValueError(f"rule set {rule_set.id}: parameter labels or sources incomplete")
    if set(RULE_IDS) != set(rule_set.rule_sources) or set(RULE_IDS) != set(RULE_LABELS):
        raise ValueError(f"rule set {rule_set.id}: rule labels or sources incomplete")


_QD24 = "QĐ 24-QĐ/TW"
_QD232 = "QĐ 232-QĐ/TW"
_QD294 = "QĐ 294-QĐ/TW"
_HD01 = "HD 01-HD/TW (2021)"
_HD06 = "HD 06-HD/TW"

QD24 = _build(
    id="qd24-2021-07-30",
    label="QĐ 24-QĐ/TW, HD 01-HD/TW (từ 30/07/2021)",
    valid_from=date(2021, 7, 30),
    valid_to=date(2025, 1, 19),
    documents=(
        "Quy định 24-QĐ/TW ngày 30/07/2021 thi hành Điều lệ Đảng",
        "Hướng dẫn 01-HD/TW ngày 28/09/2021 một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    qd=_QD24,
    hd=_HD01,
    notes={
        "certificate_valid_months": (
            "Nguồn thứ cấp: hướng dẫn trước HD 06 ghi thời hạn 5 năm (60 tháng)."
        ),
    },
)

QD232 = _build(
    id="qd232-2025-01-20",
    label="QĐ 232-QĐ/TW, HD 01-HD/TW (từ 20/01/2025)",
    valid_from=date(2025, 1, 20),
    valid_to=date(2025, 6, 30),
    documents=(
        "Quy định 232-QĐ/TW ngày 20/01/2025 thi hành Điều lệ Đảng",
        "Hướng dẫn 01-HD/TW ngày 28/09/2021 một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    qd=_QD232,
    hd=_HD01,
    # docs/regulations.md R1.2 quotes QĐ 232 Điều 1 §1.1 for the age.
    parameter_overrides={"min_age_months": "QĐ 232-QĐ/TW §1.1"},
    rule_overrides={"age.minimum": "QĐ 232-QĐ/TW §1.1"},
    notes={
        "certificate_valid_months": (
            "Nguồn thứ cấp: hướng dẫn trước HD 06 ghi thời hạn 5 năm (60 tháng)."
        ),
    },
)

QD294 = _build(
    id="qd294-2025-07-01",
    label="QĐ 294-QĐ/TW, HD 06-HD/TW (từ 01/07/2025)",
    valid_from=date(2025, 7, 1),
    valid_to=None,
    documents=(
        "Quy định 294-QĐ/TW ngày 26/05/2025 thi hành Điều lệ Đảng (hiệu lực 01/07/2025)",
        "Hướng dẫn 06-HD/TW ngày 09/06/2025 một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    qd=_QD294,
    hd=_HD06,
    parameter_overrides={
        "over_60_months": "QĐ 294-QĐ/TW §1.1.2; HD 06-HD/TW (mục tuổi đời)",
        "education_special_area_minimum": "HD 06-HD/TW (mục trình độ học vấn)",
        "education_elder_minimum": "HD 06-HD/TW (mục trình độ học vấn)",
        "certificate_valid_months": "HD 06-HD/TW §5.4",
        "verification_valid_months": "HD 06-HD/TW §5.4",
        "branch_vote_numerator": "HD 06-HD/TW §3.6(b); QĐ 294-QĐ/TW §9.3.2",
        "branch_vote_denominator": "HD 06-HD/TW §3.6(b); QĐ 294-QĐ/TW §9.3.2",
        "committee_vote_numerator": "HD 06-HD/TW §3.7(a)",
        "committee_vote_denominator": "HD 06-HD/TW §3.7(a)",
        "consent_min_days_before": "HD 06-HD/TW (mục tuổi đời); QĐ 294-QĐ/TW §3.5.1",
        "recognition_vote_deadline_working_days": "QĐ 294-QĐ/TW §4.2",
    },
    rule_overrides={
        "age.over_60_consent": "QĐ 294-QĐ/TW §1.1.2; HD 06-HD/TW (mục tuổi đời)",
        "education.minimum": "QĐ 294-QĐ/TW §1.2.1; HD 06-HD/TW (mục trình độ học vấn)",
        "education.elder_consent": "HD 06-HD/TW (mục trình độ học vấn)",
        "certificate.valid": "HD 06-HD/TW §5.4",
        "verification.valid": "HD 06-HD/TW §5.4",
        "vote.branch_two_thirds": "HD 06-HD/TW §3.6(b); QĐ 294-QĐ/TW §9.3.2",
        "vote.committee_two_thirds": "HD 06-HD/TW §3.7(a)",
        "decider.competent": "QĐ 294-QĐ/TW §4.3.2",
        "newmember_course.done": "HD 06-HD/TW (mục hồ sơ, thủ tục xét công nhận)",
        "deadline.recognition": "QĐ 294-QĐ/TW §4.2",
    },
    notes={
        "over_60_months": (
            "Nội dung HD 06 về tuổi đời chưa đọc được toàn văn; giả định như HD 01 (2021) §1.1."
        ),
        "education_special_area_minimum": "Nội dung HD 06 chưa xác nhận; giả định như HD 01.",
        "education_elder_minimum": "Nội dung HD 06 chưa xác nhận; giả định như HD 01.",
        "certificate_valid_months": "Theo bộ câu hỏi nghiệp vụ 2025 (Q7) dẫn HD 06 §5.4.",
        "decision_deadline_working_days": (
            "Số liệu trong QĐ 294 chưa xác nhận, giả định như QĐ 232."
        ),
        "decision_max_extension_working_days": (
            "Số liệu trong QĐ 294 chưa xác nhận, giả định như QĐ 232."
        ),
    },
)

RULE_SETS: tuple[RuleSet, ...] = (QD24, QD232, QD294)


def ruleset_for(day: date, rule_sets: Sequence[RuleSet] = RULE_SETS) -> RuleSet | None:
    """The rule set in force on ``day``, or ``None`` before the oldest one (30/07/2021)."""
    chosen: RuleSet | None = None
    for rule_set in rule_sets:
        if rule_set.in_force_on(day) and (
            chosen is None or rule_set.valid_from > chosen.valid_from
        ):
            chosen = rule_set
    return chosen


def ruleset_by_id(rule_set_id: str, rule_sets: Sequence[RuleSet] = RULE_SETS) -> RuleSet:
    """The rule set with this id (KeyError when there is none)."""
    for rule_set in rule_sets:
        if rule_set.id == rule_set_id:
            return rule_set
    raise KeyError(rule_set_id)
