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
    due = state.calendar.add_working_days(ceremony, days)
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
        effect=certificate_effect,
        forms=("cn-ntvd",),
    ),
    ActionSpec(
        DossierAction.RECORD_APPLICATION,
        sources=INTAKE,
        target=Stage.APPLIED,
        permission=Action.CHANGE,
        facts=ApplicationFacts,
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
        effect=verification_effect,
    ),
    ActionSpec(
        DossierAction.RECORD_INTRODUCTION,
        sources=INTAKE,
        target=None,
        permission=Action.CHANGE,
        facts=IntroductionFacts,
        effect=introduction_effect,
        forms=("3-knd", "3a-knd", "4-knd", "4a-knd"),
    ),
    ActionSpec(
        DossierAction.RECORD_OPINIONS,
        sources=INTAKE,
        target=None,
        permission=Action.CHANGE,
        facts=OpinionsFacts,
        effect=opinions_effect,
        forms=("5-knd",),
    ),
    ActionSpec(
        DossierAction.RECORD_CONSENT,
        sources=(*PRE_VOTE, *AFTER_BRANCH, Stage.DECIDED),
        target=None,
        permission=Action.CHANGE,
        facts=ConsentFacts,
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
    ),
    ActionSpec(
        DossierAction.RECORD_NEWMEMBER_COURSE,
        sources=(Stage.DECIDED, Stage.PROBATIONARY),
        target=None,
        permission=Action.CHANGE,
        facts=DateOnlyFacts,
        effect=newmember_course_effect,
        labels={"date": _lazy("Ngày cấp giấy chứng nhận")},
    ),
)
