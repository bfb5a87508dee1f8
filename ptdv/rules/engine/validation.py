"""The semantic checks of a well-typed case (the module ``case`` lists them): what each
action needs, the supported years, a rule set in force, facts that cannot hold together.

``validate_case`` raises ``ImpossibleCase`` listing every problem, in a fixed order: each
group of checks below adds its problems in turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from .case import (
    EARLIEST_DATE,
    LATEST_DATE,
    PREVIOUS_STEP_DATES,
    Case,
    FieldError,
    ImpossibleCase,
)
from .codes import EngineAction, IntroducerKind
from .rulesets import RULE_SETS, RuleSet, ruleset_for

__all__ = ["validate_case"]


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _case_dates(case: Case) -> Iterator[tuple[str, dt.date]]:
    """Every date of the case with its dotted path."""
    yield "date", case.date
    applicant = case.applicant
    if applicant.birth_date is not None:  # a case built from the database may lack it
        yield "applicant.birth_date", applicant.birth_date
    membership = applicant.previous_membership
    if membership is not None:
        yield "applicant.previous_membership.left_on", membership.left_on
        if membership.expunged_on is not None:
            yield "applicant.previous_membership.expunged_on", membership.expunged_on
    dossier = case.dossier
    if dossier is not None:
        for key in ("certificate_date", "application_date", "history_date", "opinions_date"):
            value: dt.date | None = getattr(dossier, key)
            if value is not None:
                yield f"dossier.{key}", value
        if dossier.verification is not None and dossier.verification.concluded_on is not None:
            yield "dossier.verification.concluded_on", dossier.verification.concluded_on
        for i, introducer in enumerate(dossier.introducers):
            yield f"dossier.introducers[{i}].date", introducer.date
        for i, consent in enumerate(dossier.consents):
            yield f"dossier.consents[{i}].date", consent.date
    for key in (*PREVIOUS_STEP_DATES, "newmember_course_date"):
        value = getattr(case.previous, key)
        if value is not None:
            yield f"previous.{key}", value


# What each action needs beyond ``date`` and ``applicant.birth_date`` (docs/rule-cases.md).
_NEEDS_ORGANISATION = frozenset({EngineAction.BRANCH_VOTE, EngineAction.RECOGNITION_VOTE})
_NEEDS_DOSSIER = frozenset({EngineAction.BRANCH_VOTE})
_NEEDS_VOTE = frozenset(
    {
        EngineAction.BRANCH_VOTE,
        EngineAction.COMMITTEE_VOTE,
        EngineAction.ADMISSION_DECISION,
        EngineAction.RECOGNITION_VOTE,
        EngineAction.RECOGNITION_DECISION,
    }
)
_NEEDS_BODY_SIZE = frozenset(
    {
        EngineAction.COMMITTEE_VOTE,
        EngineAction.ADMISSION_DECISION,
        EngineAction.RECOGNITION_DECISION,
    }
)
_NEEDS_DECIDER = frozenset({EngineAction.ADMISSION_DECISION, EngineAction.RECOGNITION_DECISION})
_NEEDS_PREVIOUS: Mapping[EngineAction, tuple[str, ...]] = {
    EngineAction.BRANCH_VOTE: (),
    EngineAction.COMMITTEE_VOTE: ("branch_resolution_date",),
    EngineAction.ADMISSION_DECISION: ("branch_resolution_date",),
    EngineAction.CEREMONY: ("decision_received_date",),
    EngineAction.RECOGNITION_VOTE: ("ceremony_date",),
    EngineAction.RECOGNITION_DECISION: ("ceremony_date", "recognition_resolution_date"),
}
_RECOGNITION_ACTIONS = frozenset({EngineAction.RECOGNITION_VOTE, EngineAction.RECOGNITION_DECISION})


def validate_case(case: Case, *, rule_sets: Sequence[RuleSet] = RULE_SETS) -> None:
    """Check a well-typed case against the format's semantic rules (see the module ``case``).

    Raises ``ImpossibleCase`` (a ``CaseError``) listing every problem; returns ``None`` for a
    valid case.
    """
    rule_set = ruleset_for(case.date, rule_sets)
    errors: list[FieldError] = []
    _dates(errors, case, rule_set, rule_sets)
    _needs(errors, case)
    _introducers(errors, case)
    _counts(errors, case)
    _extension(errors, case, rule_set)
    _previous_steps(errors, case)
    _vote_counts(errors, case)
    if errors:
        raise ImpossibleCase(errors)


def _missing(case: Case, path: str) -> FieldError:
    return FieldError(path, f"Thiếu trường {path} (hành động {case.action.value} cần trường này).")


def _dates(
    errors: list[FieldError],
    case: Case,
    rule_set: RuleSet | None,
    rule_sets: Sequence[RuleSet],
) -> None:
    """The birth date is there, every date lies within the supported years, and a rule set is
    in force on the case's date."""
    if case.applicant.birth_date is None:
        errors.append(_missing(case, "applicant.birth_date"))
    for path, day in _case_dates(case):
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            errors.append(
                FieldError(
                    path,
                    f"Trường {path} có ngày {_fmt(day)} nằm ngoài phạm vi hỗ trợ "
                    f"({_fmt(EARLIEST_DATE)}–{_fmt(LATEST_DATE)}).",
                )
            )
    if rule_set is None:
        oldest = min((rs.valid_from for rs in rule_sets), default=None)
        since = f" (bộ quy định cũ nhất có hiệu lực từ {_fmt(oldest)})" if oldest else ""
        errors.append(
            FieldError(
                "date",
                f"Trường date: ngày {_fmt(case.date)} không có bộ quy định nào áp dụng{since}.",
            )
        )


def _needs(errors: list[FieldError], case: Case) -> None:
    """The fields the action needs (docs/rule-cases.md "What each action needs")."""
    action = case.action
    organisation = case.organisation
    if action in _NEEDS_ORGANISATION:
        if organisation is None:
            errors.append(_missing(case, "organisation"))
        elif organisation.official_members is None:
            errors.append(_missing(case, "organisation.official_members"))
    if action in _NEEDS_DOSSIER and case.dossier is None:
        errors.append(_missing(case, "dossier"))
    if action in _NEEDS_DECIDER and case.decider is None:
        errors.append(_missing(case, "decider"))
    vote = case.vote
    if action in _NEEDS_VOTE:
        if vote is None:
            errors.append(_missing(case, "vote"))
        else:
            if vote.agree is None:
                errors.append(_missing(case, "vote.agree"))
            if action in _NEEDS_BODY_SIZE and vote.body_size is None:
                errors.append(_missing(case, "vote.body_size"))
    for key in _NEEDS_PREVIOUS[action]:
        if getattr(case.previous, key) is None:
            errors.append(_missing(case, f"previous.{key}"))


def _introducers(errors: list[FieldError], case: Case) -> None:
    """A member introducer says whether they are official and how long they knew the
    applicant."""
    if case.dossier is None:
        return
    for i, introducer in enumerate(case.dossier.introducers):
        if introducer.kind is not IntroducerKind.MEMBER:
            continue
        path = f"dossier.introducers[{i}]"
        if introducer.official is None:
            errors.append(
                FieldError(
                    f"{path}.official",
                    f"Thiếu trường {path}.official (người giới thiệu là đảng viên).",
                )
            )
        if introducer.months_together is None:
            errors.append(
                FieldError(
                    f"{path}.months_together",
                    f"Thiếu trường {path}.months_together (người giới thiệu là đảng viên).",
                )
            )
        elif introducer.months_together < 0:
            errors.append(
                FieldError(
                    f"{path}.months_together", f"Trường {path}.months_together không được âm."
                )
            )


def _non_negative(errors: list[FieldError], path: str, value: int | None) -> None:
    if value is not None and value < 0:
        errors.append(FieldError(path, f"Trường {path} không được âm ({value})."))


def _counts(errors: list[FieldError], case: Case) -> None:
    """No negative count, a voting body of at least one member."""
    organisation = case.organisation
    if organisation is not None:
        _non_negative(errors, "organisation.official_members", organisation.official_members)
        _non_negative(
            errors,
            "organisation.temporarily_attached_elsewhere",
            organisation.temporarily_attached_elsewhere,
        )
        _non_negative(errors, "organisation.exempted_absent", organisation.exempted_absent)
    vote = case.vote
    if vote is not None:
        _non_negative(errors, "vote.agree", vote.agree)
        if vote.body_size is not None and vote.body_size < 1:
            errors.append(
                FieldError(
                    "vote.body_size", f"Trường vote.body_size phải từ 1 trở lên ({vote.body_size})."
                )
            )
    _non_negative(
        errors, "previous.failed_recognition_votes", case.previous.failed_recognition_votes
    )


def _extension(errors: list[FieldError], case: Case, rule_set: RuleSet | None) -> None:
    """The extension is within the rule set's maximum."""
    extension = case.previous.extension_working_days
    if rule_set is not None:
        params = rule_set.parameters
        maximum = (
            params.recognition_decision_max_extension_working_days
            if case.action in _RECOGNITION_ACTIONS
            else params.decision_max_extension_working_days
        )
    else:
        maximum = 30
    if extension < 0 or extension > maximum:
        errors.append(
            FieldError(
                "previous.extension_working_days",
                f"Trường previous.extension_working_days: gia hạn {extension} ngày làm việc không "
                f"hợp lệ (từ 0 đến {maximum} ngày làm việc).",
            )
        )


def _previous_steps(errors: list[FieldError], case: Case) -> None:
    """No earlier step dated after the action."""
    for key in PREVIOUS_STEP_DATES:
        value: dt.date | None = getattr(case.previous, key)
        if value is not None and value > case.date:
            errors.append(
                FieldError(
                    f"previous.{key}",
                    f"Trường previous.{key}: ngày {_fmt(value)} sau ngày của hành động "
                    f"({_fmt(case.date)}); bước trước không thể diễn ra sau hành động đang xét.",
                )
            )


def _vote_counts(errors: list[FieldError], case: Case) -> None:
    """Impossible vote counts: no rule can answer them, so they are not guessed."""
    organisation, vote, action = case.organisation, case.vote, case.action
    if (
        organisation is not None
        and organisation.official_members is not None
        and organisation.official_members >= 0
    ):
        excluded = organisation.temporarily_attached_elsewhere + organisation.exempted_absent
        if excluded > organisation.official_members:
            errors.append(
                FieldError(
                    "organisation.exempted_absent",
                    "Trường organisation.temporarily_attached_elsewhere và "
                    f"organisation.exempted_absent: tổng {excluded} đảng viên được trừ lớn hơn số "
                    f"đảng viên chính thức ({organisation.official_members}).",
                )
            )
        elif (
            action in _NEEDS_ORGANISATION
            and vote is not None
            and vote.agree is not None
            and vote.agree > organisation.official_members - excluded
        ):
            errors.append(
                FieldError(
                    "vote.agree",
                    f"Trường vote.agree: {vote.agree} đảng viên đồng ý nhiều hơn số đảng viên "
                    f"chính thức được tính ({organisation.official_members - excluded}).",
                )
            )
    if (
        action in _NEEDS_BODY_SIZE
        and vote is not None
        and vote.agree is not None
        and vote.body_size is not None
        and vote.body_size >= 1
        and vote.agree > vote.body_size
    ):
        errors.append(
            FieldError(
                "vote.agree",
                f"Trường vote.agree: {vote.agree} người đồng ý nhiều hơn số thành viên của cơ quan "
                f"biểu quyết (vote.body_size = {vote.body_size}).",
            )
        )
