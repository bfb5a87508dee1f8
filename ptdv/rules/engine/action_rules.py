"""The rule ids the engine judges for each of its actions, in the order of workflow.md §2.

Minimal table (issue 11): the dossier's action specs (ptdv.candidacies.actions) take their
engine rule lists from `rules_for`, so the list is written once, here.
"""

from __future__ import annotations

from .codes import Action

ACTION_RULES: dict[Action, tuple[str, ...]] = {
    Action.BRANCH_VOTE: (
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
    Action.COMMITTEE_VOTE: ("vote.committee_two_thirds",),
    Action.ADMISSION_DECISION: (
        "decider.competent",
        "age.over_60_consent",
        "education.elder_consent",
        "readmission.provincial_consent",
        "vote.standing_majority",
        "vote.committee_two_thirds",
        "deadline.decision",
    ),
    Action.CEREMONY: ("deadline.ceremony",),
    Action.RECOGNITION_VOTE: (
        "probation.complete",
        "newmember_course.done",
        "vote.escalate_after_3",
        "vote.branch_two_thirds",
        "deadline.recognition",
    ),
    Action.RECOGNITION_DECISION: (
        "decider.competent",
        "probation.complete",
        "newmember_course.done",
        "vote.standing_majority",
        "vote.committee_two_thirds",
        "deadline.recognition_decision",
    ),
}


def rules_for(action: Action | str) -> tuple[str, ...]:
    """The rule ids the engine judges for `action`, in workflow order."""
    return ACTION_RULES[Action(action)]
