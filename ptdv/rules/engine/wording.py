"""How the rules word their findings: dates, labels of codes, fractions (Vietnamese)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from .codes import ConsentKind, Education, IntroducerKind, LeavingReason

__all__ = [
    "CERTIFICATE",
    "CONSENT_LABELS",
    "EDUCATION_LABELS",
    "INTRODUCER_LABELS",
    "NEWMEMBER_CERTIFICATE",
    "REASON_LABELS",
    "at_least",
    "dmy",
    "fraction",
    "more_than",
]

EDUCATION_LABELS: Mapping[Education, str] = MappingProxyType(
    {
        Education.NONE: "chưa biết đọc, biết viết",
        Education.LITERATE: "biết đọc, biết viết chữ quốc ngữ",
        Education.PRIMARY: "tiểu học",
        Education.LOWER_SECONDARY: "trung học cơ sở",
        Education.UPPER_SECONDARY: "trung học phổ thông",
        Education.VOCATIONAL: "trung cấp",
        Education.COLLEGE: "cao đẳng",
        Education.UNIVERSITY: "đại học",
        Education.POSTGRADUATE: "sau đại học",
    }
)

REASON_LABELS: Mapping[LeavingReason, str] = MappingProxyType(
    {
        LeavingReason.REMOVED: "bị xóa tên",
        LeavingReason.ABANDONED_ACTIVITIES: "tự bỏ sinh hoạt đảng",
        LeavingReason.RESIGNED: "xin ra khỏi Đảng",
        LeavingReason.RESIGNED_FAMILY_HARDSHIP: (
            "xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"
        ),
        LeavingReason.EXPELLED_DISUNITY: "gây mất đoàn kết nội bộ nghiêm trọng",
        LeavingReason.CORRUPTION_CONVICTION: "bị kết án về tội tham nhũng",
        LeavingReason.SERIOUS_CRIME_CONVICTION: "bị kết án về tội phạm nghiêm trọng trở lên",
        LeavingReason.LESS_SERIOUS_CRIME_CONVICTION: "bị kết án về tội phạm ít nghiêm trọng",
        LeavingReason.OTHER: "lý do khác",
    }
)

INTRODUCER_LABELS: Mapping[IntroducerKind, str] = MappingProxyType(
    {
        IntroducerKind.MEMBER: "đảng viên",
        IntroducerKind.YOUTH_UNION_COMMITTEE: "Ban Chấp hành Đoàn cơ sở",
        IntroducerKind.TRADE_UNION_COMMITTEE: "Ban Chấp hành công đoàn cơ sở",
    }
)

CONSENT_LABELS: Mapping[ConsentKind, str] = MappingProxyType(
    {
        ConsentKind.PROVINCIAL_OVER_60: (
            "văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương (người trên 60 tuổi)"
        ),
        ConsentKind.PROVINCIAL_EDUCATION: (
            "văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương (trình độ học vấn)"
        ),
        ConsentKind.PROVINCIAL_READMISSION: (
            "văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương (kết nạp lại)"
        ),
        ConsentKind.HIGHER_COMMITTEE_LATE_CEREMONY: (
            "ý kiến đồng ý của cấp ủy cấp trên trực tiếp (tổ chức lễ kết nạp quá hạn)"
        ),
    }
)

CERTIFICATE = "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"
NEWMEMBER_CERTIFICATE = "giấy chứng nhận học lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới"


def dmy(day: dt.date) -> str:
    """A date as Vietnamese documents write it: dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def fraction(numerator: int, denominator: int) -> str:
    """A vote threshold in words (``hai phần ba``, ``một nửa``) or as ``n/d``."""
    if (numerator, denominator) == (2, 3):
        return "hai phần ba"
    if (numerator, denominator) == (1, 2):
        return "một nửa"
    return f"{numerator}/{denominator}"


def at_least(voters: int, numerator: int, denominator: int) -> int:
    """The fewest votes with ``agree * denominator >= voters * numerator``."""
    return -(-voters * numerator // denominator)


def more_than(voters: int, numerator: int, denominator: int) -> int:
    """The fewest votes with ``agree * denominator > voters * numerator``."""
    return voters * numerator // denominator + 1
