"""Changes to the dossier itself: moving it to another cell, correcting a recorded date."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectInput,
    MembershipChange,
    MembershipOp,
)
from ptdv.candidacies.facts import AmendFacts, TransferFacts
from ptdv.candidacies.models import POOL_STAGES, Stage
from ptdv.core.policies import Action

# The membership's copy of a dossier date, kept in step when the date is corrected.
_MEMBERSHIP_DATES = {"ceremony_date": "ceremony_date", "decision_date": "admission_decision_date"}


def transfer_effect(state: EffectInput) -> Effect:
    """The target cell was resolved through the actor's scope by the caller."""
    target = state.target
    if target is None:
        return Effect(refusals={"organisation": [_("Không tìm thấy chi bộ đang hoạt động.")]})
    return Effect(
        changes={"organisation": target, "helper": None},
        person_changes={"organisation": target},
        extra={"from": state.candidacy.organisation.code, "to": target.code},
    )


def amend_effect(state: EffectInput) -> Effect:
    name, value = state.facts["field"], state.facts["value"]
    effect = Effect(
        changes={name: value},
        extra={"field": name, "before": getattr(state.candidacy, name), "after": value},
    )
    if name in _MEMBERSHIP_DATES and value is not None:
        effect.membership.append(
            MembershipOp(MembershipChange.AMEND, {_MEMBERSHIP_DATES[name]: value})
        )
    return effect


SPECS = (
    ActionSpec(
        DossierAction.TRANSFER,
        sources=POOL_STAGES,
        target=None,
        permission=Action.CHANGE,
        facts=TransferFacts,
        effect=transfer_effect,
    ),
    ActionSpec(
        DossierAction.AMEND,
        sources=(*POOL_STAGES, Stage.PROBATIONARY, Stage.OFFICIAL, Stage.CLOSED),
        target=None,
        permission=Action.CHANGE,
        facts=AmendFacts,
        effect=amend_effect,
    ),
)
