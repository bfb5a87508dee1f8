"""What an action spec is: the enum of the dossier's actions, the spec, and the effect.

An effect is pure with respect to the database: it reads the candidacy *instance* (saved or
not), the validated facts, the verdict's outcome, the rule set's parameters and the objects
the service resolved (the introducer's membership, the transfer's target), and answers what
changes. The live path (`ptdv.candidacies.workflow.candidacy_act`) persists it row by row;
the replay (`ptdv.candidacies.actions.replay`) persists many with bulk_create.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ptdv.candidacies.facts import ActionFacts
from ptdv.candidacies.models import (
    Candidacy,
    CandidacyEvent,
    Consent,
    DossierAction,
    Introducer,
    Stage,
)

__all__ = [
    "ActionSpec",
    "DossierAction",
    "Effect",
    "EffectFn",
    "EffectInput",
    "Label",
    "MembershipChange",
    "MembershipOp",
    "finding",
    "no_effect",
]
from ptdv.core.policies import Action
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person
from ptdv.rules import engine

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Label
else:
    Label = str  # a label is a str or a lazy translation; only the type checker tells them apart


class MembershipChange(StrEnum):
    """What an action does to the person's membership (ptdv.members.services applies it)."""

    ADMIT = "admit"  # the ceremony: a probationary membership
    RECOGNISE = "recognise"  # probationary → official, from `values["official_date"]`
    REMOVE = "remove"  # probationary → removed on `values["exit_date"]`
    AMEND = "amend"  # correct dates (`values`: admission_decision_date / ceremony_date)


@dataclass(frozen=True)
class MembershipOp:
    change: MembershipChange
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EffectInput:
    """What an effect reads. `candidacy` is the instance as it stands before the action."""

    candidacy: Candidacy
    facts: Mapping[str, Any]
    on: dt.date
    passed: bool
    parameters: engine.Parameters
    # The working calendar, or the service's way to read it: the live path hands the reader,
    # as only a deadline one effect computes needs it (`working_calendar`).
    calendar: engine.WorkingCalendar | Callable[[], engine.WorkingCalendar]
    membership: PartyMembership | None = None  # the introducer's, resolved by the caller
    target: Organisation | None = None  # the transfer's, resolved by the caller
    introducers: tuple[engine.Introducer, ...] | None = None  # as a past step declares them
    helper: PartyMembership | None = None  # the helper named in the facts, resolved
    leader: Person | None = None  # the responsible leader named in the facts, resolved
    amended: CandidacyEvent | None = None  # the event an amendment corrects, resolved
    introducer: Introducer | None = None  # the introduction an amendment corrects, resolved
    grassroots_authorised: bool = False  # the grassroots committee above decides admissions

    def working_calendar(self) -> engine.WorkingCalendar:
        if isinstance(self.calendar, engine.WorkingCalendar):
            return self.calendar
        return self.calendar()


@dataclass
class Effect:
    """What an action changes. `violations`: the spec's own rules broken (the live path
    refuses, a replay keeps and flags); `refusals`: facts refused by field (422)."""

    changes: dict[str, Any] = field(default_factory=dict)
    person_changes: dict[str, Any] = field(default_factory=dict)
    introducers: list[Introducer] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    membership: list[MembershipOp] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)
    refusals: dict[str, list[str]] = field(default_factory=dict)
    # One more official member changes what the cell's other dossiers can do.
    cell_stale: bool = False
    # An amendment of what an earlier event recorded (`amended`): its columns (`vote` as a
    # whole, `document_*`), and of the introduction it wrote (the Introducer's fields).
    event_changes: dict[str, Any] = field(default_factory=dict)
    introducer_changes: dict[str, Any] = field(default_factory=dict)


EffectFn = Callable[[EffectInput], Effect]


def no_effect(state: EffectInput) -> Effect:
    return Effect()


def finding(rule: str, message: str, on: dt.date) -> dict[str, str]:
    """A finding of the rule set in force on `on`, with its source."""
    rule_set = engine.ruleset_for(on)
    source = rule_set.rule_sources.get(rule, "") if rule_set else ""
    return {"rule": rule, "message": message, "source": source}


@dataclass(frozen=True)
class ActionSpec:
    """One dossier action, declared once: everything the workflow, the forms, the API, the
    importer and the demo need to know about it."""

    action: DossierAction
    sources: tuple[Stage, ...]
    target: Stage | None
    permission: Action
    facts: type[ActionFacts]
    effect: EffectFn = no_effect
    engine_action: engine.EngineAction | None = None
    own_rules: tuple[str, ...] = ()  # the rule ids the spec itself checks (not the engine)
    labels: Mapping[str, Label] = field(default_factory=dict)
    help: Mapping[str, Label] = field(default_factory=dict)
    closes: str = ""  # the ClosedReason when the action closes the dossier
    is_vote: bool = False
    forms: tuple[str, ...] = ()  # official form codes (ptdv.documents FORMS keys) it issues
    # The stages from which the action moves the dossier to `target` (None: every source).
    moves_from: tuple[Stage, ...] | None = None
    # What the regulation asks for, in a sentence or two with its source: shown at the top
    # of the action's form.
    hint: Label = ""

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule ids the action answers to: the engine's for its engine action, then the
        spec's own."""
        engine_rules = engine.rules_for(self.engine_action) if self.engine_action else ()
        return (*engine_rules, *(r for r in self.own_rules if r not in engine_rules))

    def stage_after(self, stage_before: Stage, passed: bool) -> Stage:
        """The stage the dossier is in after the action."""
        if self.target is None or not passed:
            return stage_before
        if self.moves_from is not None and stage_before not in self.moves_from:
            return stage_before
        return self.target
