"""The records of the dossier before and around the votes: certificate, application,
verification, introducers, opinions, consents, member file, new-member course."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectInput,
    finding,
)
from ptdv.candidacies.facts import (
    ApplicationFacts,
    CertificateFacts,
    ConsentFacts,
    DateOnlyFacts,
    IntroductionFacts,
    OpinionsFacts,
    VerificationFacts,
)
from ptdv.candidacies.models import Consent, Introducer, Stage
from ptdv.core.policies import Action
from ptdv.rules import engine

PRE_VOTE = (Stage.SOURCE, Stage.TRAINED, Stage.APPLIED)
AFTER_BRANCH = (Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED)
INTAKE = (Stage.TRAINED, Stage.APPLIED)


def certificate_effect(state: EffectInput) -> Effect:
    return Effect(changes={"certificate_date": state.facts["certificate_date"]})


def application_effect(state: EffectInput) -> Effect:
    facts = state.facts
    effect = Effect(
        changes={
            "application_date": facts["application_date"],
            "history_date": facts["history_date"],
        }
    )
    if facts["application_date"] > facts["history_date"]:
        effect.violations.append(
            finding(
                "application.before_history",
                _("Đơn xin vào Đảng (ngày %(a)s) phải có trước lý lịch (ngày %(h)s).")
                % {
                    "a": facts["application_date"].strftime("%d/%m/%Y"),
                    "h": facts["history_date"].strftime("%d/%m/%Y"),
                },
                state.on,
            )
        )
    return effect


def verification_effect(state: EffectInput) -> Effect:
    return Effect(
        changes={
            "verification_concluded_on": state.facts.get("concluded_on"),
            "verification_waived": state.facts.get("waived", False),
        }
    )


def introduction_effect(state: EffectInput) -> Effect:
    """One introducer from the facts (its membership resolved by the caller), or those a
    past step declares (an import: standing as declared on paper, not linked to a record)."""
    candidacy = state.candidacy
    if state.introducers is not None:
        return Effect(
            introducers=[
                Introducer(
                    candidacy=candidacy,
                    kind=str(i.kind),
                    declared_official=i.official
                    if i.kind == engine.IntroducerKind.MEMBER
                    else None,
                    months_together=i.months_together,
                    replacement=i.replacement,
                    date=i.date,
                )
                for i in state.introducers
            ]
        )
    facts = state.facts
    membership = state.membership
    if membership is not None and membership.person_id == candidacy.person_id:
        return Effect(refusals={"membership": [_("Người vào Đảng không thể tự giới thiệu mình.")]})
    return Effect(
        introducers=[
            Introducer(
                candidacy=candidacy,
                kind=facts["kind"],
                membership=membership,
                # A replayed step names the member by id (the live path resolves it first).
                membership_id=membership.pk if membership is not None else facts.get("membership"),
                months_together=facts.get("months_together"),
                replacement=facts.get("replacement", False),
                date=facts["introduced_on"],
            )
        ]
    )


def opinions_effect(state: EffectInput) -> Effect:
    return Effect(changes={"opinions_date": state.facts["opinions_date"]})


def consent_effect(state: EffectInput) -> Effect:
    facts = state.facts
    return Effect(
        consents=[
            Consent(
                candidacy=state.candidacy,
                kind=facts["kind"],
                date=facts["consent_date"],
                ref=facts.get("ref", ""),
            )
        ]
    )


def member_file_effect(state: EffectInput) -> Effect:
    effect = Effect(changes={"member_file_date": state.on})
    ceremony = state.candidacy.ceremony_date
    if ceremony is None:
        return effect
    days = state.parameters.member_file_deadline_working_days
    due = state.working_calendar().add_working_days(ceremony, days)
    if state.on > due:
        effect.warnings.append(
            finding(
                "deadline.member_file",
                _(
                    "Hồ sơ đảng viên hoàn thành ngày %(on)s, quá hạn %(n)s ngày làm việc "
                    "kể từ lễ kết nạp (hạn %(due)s)."
                )
                % {"on": state.on.strftime("%d/%m/%Y"), "n": days, "due": due.strftime("%d/%m/%Y")},
                state.on,
            )
        )
    return effect


def newmember_course_effect(state: EffectInput) -> Effect:
    return Effect(changes={"newmember_course_date": state.on})


SPECS = (
    ActionSpec(
        DossierAction.RECORD_CERTIFICATE,
        sources=PRE_VOTE,
        target=Stage.TRAINED,
        moves_from=(Stage.SOURCE,),
        permission=Action.CHANGE,
        facts=CertificateFacts,
        hint=_lazy(
            "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (CN-NTVĐ) có giá trị 60 tháng: "
            "khi chi bộ biểu quyết đề nghị kết nạp, giấy phải còn hạn (HD 06-HD/TW §5.4)."
        ),
        effect=certificate_effect,
        forms=("cn-ntvd",),
    ),
    ActionSpec(
        DossierAction.RECORD_APPLICATION,
        sources=INTAKE,
        target=Stage.APPLIED,
        permission=Action.CHANGE,
        facts=ApplicationFacts,
        hint=_lazy(
            "Người vào Đảng tự viết đơn xin vào Đảng (mẫu 1-KNĐ) và khai lý lịch (mẫu 2-KNĐ); "
            "đơn đề ngày trước hoặc cùng ngày với lý lịch (HD 06-HD/TW §3)."
        ),
        effect=application_effect,
        own_rules=("application.before_history",),
        forms=("1-knd", "2-knd"),
    ),
    ActionSpec(
        DossierAction.RECORD_VERIFICATION,
        sources=INTAKE,
        target=None,
        permission=Action.CHANGE,
        facts=VerificationFacts,
        hint=_lazy(
            "Chi ủy thẩm tra lý lịch người vào Đảng và người thân; được miễn khi cha, mẹ, anh "
            "chị em ruột hoặc con là đảng viên và lý lịch đã khai đầy đủ. Kết quả dùng được "
            "12 tháng tính đến ngày chi bộ biểu quyết (HD 01-HD/TW §3.4)."
        ),
        effect=verification_effect,
    ),
    ActionSpec(
        DossierAction.RECORD_INTRODUCTION,
        sources=INTAKE,
        target=None,
        permission=Action.CHANGE,
        facts=IntroductionFacts,
        hint=_lazy(
            "Hai đảng viên chính thức cùng công tác, học tập hoặc cư trú với người vào Đảng ít "
            "nhất 12 tháng; đoàn viên: ban chấp hành đoàn cơ sở và một đảng viên chính thức; nơi "
            "không có đoàn mà có công đoàn: ban chấp hành công đoàn cơ sở và một đảng viên chính "
            "thức (Điều lệ Đảng Điều 4; QĐ 294 §3.2.1). Giới thiệu có giá trị 12 tháng."
        ),
        effect=introduction_effect,
        forms=("3-knd", "3a-knd", "4-knd", "4a-knd"),
    ),
    ActionSpec(
        DossierAction.RECORD_OPINIONS,
        sources=INTAKE,
        target=None,
        permission=Action.CHANGE,
        facts=OpinionsFacts,
        hint=_lazy(
            "Chi ủy tổng hợp nhận xét của đoàn thể chính trị - xã hội nơi làm việc và chi ủy "
            "nơi cư trú về người vào Đảng (mẫu 5-KNĐ) trước khi chi bộ xét."
        ),
        effect=opinions_effect,
        forms=("5-knd",),
    ),
    ActionSpec(
        DossierAction.RECORD_CONSENT,
        sources=(*PRE_VOTE, *AFTER_BRANCH, Stage.DECIDED),
        target=None,
        permission=Action.CHANGE,
        facts=ConsentFacts,
        hint=_lazy(
            "Văn bản đồng ý của ban thường vụ tỉnh ủy: người trên 60 tuổi, người chỉ biết đọc, "
            "viết chữ quốc ngữ (già làng, trưởng bản, người có uy tín), người xin kết nạp lại; "
            "phải có trước ngày quyết định kết nạp (QĐ 24 §1.1.2, §1.2.1; QĐ 294 §3.5)."
        ),
        effect=consent_effect,
        labels={"kind": _lazy("Loại văn bản đồng ý")},
    ),
    ActionSpec(
        DossierAction.RECORD_MEMBER_FILE,
        sources=(Stage.PROBATIONARY,),
        target=None,
        permission=Action.CHANGE,
        facts=DateOnlyFacts,
        effect=member_file_effect,
        own_rules=("deadline.member_file",),
        labels={"date": _lazy("Ngày hoàn thành hồ sơ đảng viên")},
        hint=_lazy(
            "Hồ sơ đảng viên hoàn thành trong 30 ngày làm việc kể từ ngày lễ kết nạp; chậm hơn "
            "được ghi nhận kèm cảnh báo."
        ),
    ),
    ActionSpec(
        DossierAction.RECORD_NEWMEMBER_COURSE,
        sources=(Stage.DECIDED, Stage.PROBATIONARY),
        target=None,
        permission=Action.CHANGE,
        facts=DateOnlyFacts,
        effect=newmember_course_effect,
        labels={"date": _lazy("Ngày cấp giấy chứng nhận")},
        hint=_lazy(
            "Đảng viên dự bị học lớp bồi dưỡng đảng viên mới; giấy chứng nhận là điều kiện để "
            "chi bộ xét công nhận đảng viên chính thức."
        ),
    ),
)
