"""The dossier's actions, each declared once as a spec (one module per family).

`SPECS` maps every `DossierAction` to its `ActionSpec`: the stages it starts from and leads
to, the role it needs, the rule ids it answers to, its facts serializer with their labels,
its effect on the dossier, whether it closes the dossier or is a vote, and the official forms
it issues. The workflow (`candidacy_act`), the web forms, the API schema, the transition
table shown to users, the importer and the demo all read them.
"""

from __future__ import annotations

from ptdv.candidacies.actions import (
    changes,
    closing,
    decision,
    intake,
    people,
    probation,
    votes,
)
from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectFn,
    EffectInput,
    Label,
    MembershipChange,
    MembershipOp,
    finding,
)
from ptdv.candidacies.actions.labels import COMMON_HELP, COMMON_LABELS, DEFAULT_DATE_HELP

SPECS: dict[DossierAction, ActionSpec] = {
    spec.action: spec
    for spec in sorted(
        (
            *intake.SPECS,
            *votes.SPECS,
            *decision.SPECS,
            *probation.SPECS,
            *closing.SPECS,
            *changes.SPECS,
            *people.SPECS,
        ),
        key=lambda s: list(DossierAction).index(s.action),
    )
}


def spec_for(action: str) -> ActionSpec | None:
    """The spec of `action` (a DossierAction or its value); None for an unknown name."""
    if action not in DossierAction.values:
        return None
    return SPECS[DossierAction(action)]


def field_label(action: str, name: str) -> Label:
    """The label of a facts field in the form of `action`."""
    spec = spec_for(action)
    own = spec.labels.get(name) if spec is not None else None
    return own or COMMON_LABELS.get(name, name)


def field_help(action: str, name: str) -> Label:
    spec = spec_for(action)
    own = spec.help.get(name) if spec is not None else None
    if own:
        return own
    if name == "date":
        return DEFAULT_DATE_HELP
    return COMMON_HELP.get(name, "")


__all__ = [
    "COMMON_HELP",
    "COMMON_LABELS",
    "SPECS",
    "ActionSpec",
    "DossierAction",
    "Effect",
    "EffectFn",
    "EffectInput",
    "Label",
    "MembershipChange",
    "MembershipOp",
    "field_help",
    "field_label",
    "finding",
    "spec_for",
]
