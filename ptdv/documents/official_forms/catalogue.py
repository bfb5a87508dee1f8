"""The catalogue of the official forms of the admission dossier (docs/workflow.md §3).

Each form is a `FormSpec`: its slug and code, when it becomes available, which body issues
it and under which number kind, the step whose event feeds it (`steps.FORM_STEPS`) and its
builder (`builders`), which returns the complete `OfficialDocument`. Numbering follows
HD 09-HD/BTCTW (2017) as carried into HD 12-HD/BTCTW (2022), Appendix 2 (docs/regulations.md
§3.2). The forms a person writes (1-KNĐ, 2-KNĐ, 3-KNĐ, 10-KNĐ, 11-KNĐ) come as pre-filled
drafts for them to complete and sign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ptdv.candidacies.models import CandidacyEvent, IntroducerKind, Stage
from ptdv.documents.dossier import Dossier
from ptdv.documents.layout import OfficialDocument
from ptdv.documents.models import DocumentKind
from ptdv.documents.official_forms.builders.certificate import build_certificate
from ptdv.documents.official_forms.builders.decisions import build_decision
from ptdv.documents.official_forms.builders.introductions import build_introduction, build_union
from ptdv.documents.official_forms.builders.opinions import (
    build_opinions,
    build_probationary_opinions,
)
from ptdv.documents.official_forms.builders.personal import (
    build_application,
    build_helper_review,
    build_history,
    build_self_review,
)
from ptdv.documents.official_forms.builders.resolutions import (
    build_appraisal,
    build_cell_resolution,
    build_committee_resolution,
)
from ptdv.documents.official_forms.spec import FormSpec
from ptdv.documents.official_forms.steps import recognition_committee_date, step_event


def _after(stage: Stage) -> Callable[[Dossier], bool]:
    order = [s.value for s in Stage]

    def check(d: Dossier) -> bool:
        current = d.candidacy.stage
        if current == Stage.CLOSED:
            return False
        return order.index(current) >= order.index(stage)

    return check


def _event(slug: str) -> Callable[[Dossier], CandidacyEvent | None]:
    def event(d: Dossier) -> CandidacyEvent | None:
        return step_event(d, slug)

    return event


def _today_or(day: dt.date | None, d: Dossier) -> dt.date:
    return day or d.today


def _union_date(d: Dossier, kind: str) -> dt.date | None:
    introducer = d.union_introducer(kind)
    return introducer.date if introducer else None


FORMS: dict[str, FormSpec] = {
    spec.slug: spec
    for spec in (
        FormSpec(
            "cn-ntvd", "CN-NTVĐ", "GIẤY CHỨNG NHẬN",
            "học lớp bồi dưỡng nhận thức về Đảng",
            "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng", False, DocumentKind.CERTIFICATE,
            available=lambda d: d.candidacy.certificate_date is not None,
            issuer=lambda d: d.decider_on(d.candidacy.certificate_date),
            date=lambda d: d.candidacy.certificate_date,
            event=_event("cn-ntvd"),
            build=build_certificate,
        ),
        FormSpec(
            "1-knd", "1-KNĐ", "ĐƠN XIN VÀO ĐẢNG", "", "Đơn xin vào Đảng (bản điền sẵn)", True,
            None,
            available=_after(Stage.TRAINED),
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.application_date, d),
            event=_event("1-knd"),
            build=build_application,
        ),
        FormSpec(
            "2-knd", "2-KNĐ", "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG", "",
            "Lý lịch của người xin vào Đảng (bản điền sẵn)", True, None,
            available=_after(Stage.TRAINED),
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.history_date, d),
            event=_event("2-knd"),
            build=build_history,
        ),
        FormSpec(
            "3-knd", "3-KNĐ", "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG", "",
            "Giấy giới thiệu người vào Đảng (một đảng viên)", True, None,
            available=lambda d: len(d.member_introducers()) >= 1,
            issuer=lambda d: None,
            date=lambda d: d.member_introducers()[0].date if d.member_introducers() else None,
            event=_event("3-knd"),
            build=build_introduction,
        ),
        FormSpec(
            "3a-knd", "3A-KNĐ", "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG", "",
            "Giấy giới thiệu người vào Đảng (hai đảng viên)", True, None,
            available=lambda d: len(d.member_introducers()) >= 2,
            issuer=lambda d: None,
            date=lambda d: max((i.date for i in d.member_introducers()[:2]), default=None),
            event=_event("3a-knd"),
            build=build_introduction,
        ),
        FormSpec(
            "4-knd", "4-KNĐ", "NGHỊ QUYẾT", "giới thiệu đoàn viên ưu tú vào Đảng",
            "Nghị quyết của Đoàn giới thiệu đoàn viên ưu tú vào Đảng", False, None,
            available=lambda d: d.union_introducer(IntroducerKind.YOUTH_UNION_COMMITTEE)
            is not None,
            issuer=lambda d: None,
            date=lambda d: _union_date(d, IntroducerKind.YOUTH_UNION_COMMITTEE),
            event=_event("4-knd"),
            build=build_union,
        ),
        FormSpec(
            "4a-knd", "4A-KNĐ", "NGHỊ QUYẾT", "giới thiệu công đoàn viên ưu tú vào Đảng",
            "Nghị quyết của Công đoàn giới thiệu công đoàn viên vào Đảng", False, None,
            available=lambda d: d.union_introducer(IntroducerKind.TRADE_UNION_COMMITTEE)
            is not None,
            issuer=lambda d: None,
            date=lambda d: _union_date(d, IntroducerKind.TRADE_UNION_COMMITTEE),
            event=_event("4a-knd"),
            build=build_union,
        ),
        FormSpec(
            "5-knd", "5-KNĐ", "TỔNG HỢP Ý KIẾN NHẬN XÉT",
            "của đoàn thể chính trị - xã hội và chi ủy nơi cư trú đối với người xin vào Đảng",
            "Tổng hợp ý kiến nhận xét đối với người xin vào Đảng", False, None,
            available=lambda d: d.candidacy.opinions_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: d.candidacy.opinions_date,
            event=_event("5-knd"),
            build=build_opinions,
        ),
        FormSpec(
            "6-knd", "6-KNĐ", "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên",
            "Nghị quyết chi bộ đề nghị kết nạp đảng viên", False, DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.branch_resolution_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: d.candidacy.branch_resolution_date,
            event=_event("6-knd"),
            build=build_cell_resolution,
        ),
        FormSpec(
            "7-knd", "7-KNĐ", "BÁO CÁO", "thẩm định hồ sơ đề nghị kết nạp đảng viên",
            "Báo cáo thẩm định của đảng ủy bộ phận", False, DocumentKind.REPORT,
            available=lambda d: d.partial is not None
            and d.candidacy.branch_resolution_date is not None,
            issuer=lambda d: d.partial,
            date=lambda d: d.candidacy.committee_resolution_date
            or d.candidacy.decision_date
            or d.today,
            event=_event("7-knd"),
            build=build_appraisal,
        ),
        FormSpec(
            "8-knd", "8-KNĐ", "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên",
            "Nghị quyết đảng ủy cơ sở đề nghị kết nạp đảng viên", False, DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.committee_resolution_date is not None,
            issuer=lambda d: d.grassroots_on(d.candidacy.committee_resolution_date),
            date=lambda d: d.candidacy.committee_resolution_date,
            event=_event("8-knd"),
            build=build_committee_resolution,
        ),
        FormSpec(
            "9-knd", "9-KNĐ", "QUYẾT ĐỊNH", "kết nạp đảng viên",
            "Quyết định kết nạp đảng viên", False, DocumentKind.DECISION,
            available=lambda d: d.candidacy.decision_date is not None,
            issuer=lambda d: d.decider_on(d.candidacy.decision_date),
            date=lambda d: d.candidacy.decision_date,
            event=_event("9-knd"),
            build=build_decision,
        ),
        FormSpec(
            "10-knd", "10-KNĐ", "BẢN TỰ KIỂM ĐIỂM", "của đảng viên dự bị",
            "Bản tự kiểm điểm của đảng viên dự bị (bản điền sẵn)", True, None,
            available=lambda d: d.candidacy.ceremony_date is not None,
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.recognition_resolution_date, d),
            event=_event("10-knd"),
            build=build_self_review,
        ),
        FormSpec(
            "11-knd", "11-KNĐ", "BẢN NHẬN XÉT",
            "đảng viên dự bị của đảng viên được phân công giúp đỡ",
            "Bản nhận xét của đảng viên giúp đỡ (bản điền sẵn)", True, None,
            available=lambda d: d.candidacy.ceremony_date is not None,
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.recognition_resolution_date, d),
            event=_event("11-knd"),
            build=build_helper_review,
        ),
        FormSpec(
            "12-knd", "12-KNĐ", "TỔNG HỢP Ý KIẾN NHẬN XÉT",
            "của đoàn thể chính trị - xã hội và chi ủy nơi cư trú đối với đảng viên dự bị",
            "Tổng hợp ý kiến nhận xét đối với đảng viên dự bị", False, None,
            available=lambda d: d.candidacy.ceremony_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: _today_or(d.candidacy.recognition_resolution_date, d),
            event=_event("12-knd"),
            build=build_probationary_opinions,
        ),
        FormSpec(
            "13-knd", "13-KNĐ", "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức",
            "Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức", False,
            DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.recognition_resolution_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: d.candidacy.recognition_resolution_date,
            event=_event("13-knd"),
            build=build_cell_resolution,
        ),
        FormSpec(
            "15-knd", "15-KNĐ", "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức",
            "Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức", False,
            DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.recognition_resolution_date is not None
            and d.committee_step_on(recognition_committee_date(d)),
            issuer=lambda d: d.grassroots_on(recognition_committee_date(d)),
            date=recognition_committee_date,
            event=_event("15-knd"),
            build=build_committee_resolution,
        ),
        FormSpec(
            "recognition-decision", "", "QUYẾT ĐỊNH", "công nhận đảng viên chính thức",
            "Quyết định công nhận đảng viên chính thức", False, DocumentKind.DECISION,
            available=lambda d: d.candidacy.recognition_decision_date is not None,
            issuer=lambda d: d.decider_on(d.candidacy.recognition_decision_date),
            date=lambda d: d.candidacy.recognition_decision_date,
            event=_event("recognition-decision"),
            build=build_decision,
        ),
    )
}  # fmt: skip


def form_document(d: Dossier, slug: str) -> OfficialDocument:
    spec = FORMS[slug]
    d.on = spec.date(d)  # the bodies of the step's own day
    return spec.build(d, spec)
