"""The explicit transition table of a candidacy (workflow.md §1).

Each action names the stages it may start from, the stage it leads to (None: the stage does
not change — a dossier action), the policy action the user's role must allow, the rule
engine action that judges it (if any) and the rule ids it answers to. A stage is never
written anywhere else: `ptdv.candidacies.workflow.candidacy_act` reads this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.models import POOL_STAGES, Stage
from ptdv.core.policies import Action

PRE_VOTE = (Stage.SOURCE, Stage.TRAINED, Stage.APPLIED)
AFTER_BRANCH = (Stage.BRANCH_RESOLVED, Stage.COMMITTEE_RESOLVED)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[Stage, ...]
    target: Stage | None
    permission: Action
    engine_action: str | None = None
    rules: tuple[str, ...] = ()
    closes: str = ""  # the ClosedReason when the action closes the dossier
    is_vote: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "record_certificate",
            str(_("Ghi nhận giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng")),
            (Stage.SOURCE, Stage.TRAINED, Stage.APPLIED),
            Stage.TRAINED,
            Action.CHANGE,
        ),
        Transition(
            "record_application",
            str(_("Ghi nhận đơn xin vào Đảng và lý lịch")),
            (Stage.TRAINED, Stage.APPLIED),
            Stage.APPLIED,
            Action.CHANGE,
            rules=("application.before_history",),
        ),
        Transition(
            "record_verification",
            str(_("Ghi nhận kết quả thẩm tra lý lịch")),
            (Stage.TRAINED, Stage.APPLIED),
            None,
            Action.CHANGE,
        ),
        Transition(
            "record_introduction",
            str(_("Ghi nhận người giới thiệu")),
            (Stage.TRAINED, Stage.APPLIED),
            None,
            Action.CHANGE,
        ),
        Transition(
            "record_opinions",
            str(_("Ghi nhận ý kiến của đoàn thể và chi ủy nơi cư trú")),
            (Stage.TRAINED, Stage.APPLIED),
            None,
            Action.CHANGE,
        ),
        Transition(
            "branch_vote",
            str(_("Chi bộ biểu quyết đề nghị kết nạp")),
            (Stage.APPLIED,),
            Stage.BRANCH_RESOLVED,
            Action.CHANGE,
            engine_action="branch_vote",
            rules=(
                "age.minimum",
                "education.minimum",
                "certificate.valid",
                "application.before_history",
                "introducers.valid",
                "youth_union.required",
                "trade_union.required",
                "verification.done",
                "verification.valid",
                "opinions.done",
                "branch.min_official_members",
                "readmission.wait",
                "readmission.once",
                "readmission.barred_reason",
                "vote.branch_two_thirds",
            ),
            is_vote=True,
        ),
        Transition(
            "committee_vote",
            str(_("Đảng ủy cơ sở biểu quyết đề nghị kết nạp")),
            (Stage.BRANCH_RESOLVED,),
            Stage.COMMITTEE_RESOLVED,
            Action.CHANGE,
            engine_action="committee_vote",
            rules=("vote.committee_two_thirds",),
            is_vote=True,
        ),
        Transition(
            "record_consent",
            str(_("Ghi nhận văn bản đồng ý của cấp ủy cấp trên")),
            (*PRE_VOTE, *AFTER_BRANCH, Stage.DECIDED),
            None,
            Action.CHANGE,
        ),
        Transition(
            "request_extension",
            str(_("Gia hạn thời hạn xem xét quyết định kết nạp")),
            AFTER_BRANCH,
            None,
            Action.APPROVE,
        ),
        Transition(
            "admission_decision",
            str(_("Quyết định kết nạp đảng viên")),
            AFTER_BRANCH,
            Stage.DECIDED,
            Action.APPROVE,
            engine_action="admission_decision",
            rules=(
                "decider.competent",
                "age.over_60_consent",
                "education.elder_consent",
                "readmission.provincial_consent",
                "vote.standing_majority",
                "vote.committee_two_thirds",
                "deadline.decision",
            ),
            is_vote=True,
        ),
        Transition(
            "ceremony",
            str(_("Tổ chức lễ kết nạp")),
            (Stage.DECIDED,),
            Stage.PROBATIONARY,
            Action.CHANGE,
            engine_action="ceremony",
            rules=("deadline.ceremony",),
        ),
        Transition(
            "record_member_file",
            str(_("Hoàn thành hồ sơ đảng viên")),
            (Stage.PROBATIONARY,),
            None,
            Action.CHANGE,
            rules=("deadline.member_file",),
        ),
        Transition(
            "record_newmember_course",
            str(_("Ghi nhận chứng nhận lớp bồi dưỡng đảng viên mới")),
            (Stage.DECIDED, Stage.PROBATIONARY),
            None,
            Action.CHANGE,
        ),
        Transition(
            "recognition_vote",
            str(_("Chi bộ biểu quyết đề nghị công nhận đảng viên chính thức")),
            (Stage.PROBATIONARY,),
            None,
            Action.CHANGE,
            engine_action="recognition_vote",
            rules=(
                "probation.complete",
                "newmember_course.done",
                "vote.escalate_after_3",
                "vote.branch_two_thirds",
                "deadline.recognition",
            ),
            is_vote=True,
        ),
        Transition(
            "recognition_decision",
            str(_("Quyết định công nhận đảng viên chính thức")),
            (Stage.PROBATIONARY,),
            Stage.OFFICIAL,
            Action.APPROVE,
            engine_action="recognition_decision",
            rules=(
                "decider.competent",
                "probation.complete",
                "newmember_course.done",
                "vote.standing_majority",
                "vote.committee_two_thirds",
                "deadline.recognition_decision",
            ),
            is_vote=True,
        ),
        Transition(
            "withdraw",
            str(_("Rút hồ sơ")),
            POOL_STAGES,
            Stage.CLOSED,
            Action.CHANGE,
            closes="withdrawn",
        ),
        Transition(
            "reject",
            str(_("Không kết nạp (cấp có thẩm quyền từ chối)")),
            AFTER_BRANCH,
            Stage.CLOSED,
            Action.APPROVE,
            closes="rejected",
        ),
        Transition(
            "lapse",
            str(_("Hồ sơ hết hiệu lực")),
            POOL_STAGES,
            Stage.CLOSED,
            Action.CHANGE,
            closes="lapsed",
        ),
        Transition(
            "remove",
            str(_("Xóa tên khỏi danh sách đảng viên dự bị")),
            (Stage.PROBATIONARY,),
            Stage.CLOSED,
            Action.APPROVE,
            closes="removed",
        ),
        Transition(
            "transfer",
            str(_("Chuyển hồ sơ sang tổ chức đảng khác")),
            POOL_STAGES,
            None,
            Action.CHANGE,
        ),
        Transition(
            "amend",
            str(_("Đính chính thông tin đã ghi")),
            (*POOL_STAGES, Stage.PROBATIONARY, Stage.OFFICIAL, Stage.CLOSED),
            None,
            Action.CHANGE,
        ),
    )
}


def transition_for(action: str) -> Transition | None:
    return TRANSITIONS.get(action)
