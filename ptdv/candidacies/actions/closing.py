"""Closing a dossier: withdrawn, rejected, lapsed, or the probationary member removed, dead
or transferred out of the organisation (their membership ends with the dossier)."""

from __future__ import annotations

from ptdv.candidacies.actions.base import (
    ActionSpec,
    DossierAction,
    Effect,
    EffectFn,
    EffectInput,
    MembershipChange,
    MembershipOp,
)
from ptdv.candidacies.actions.intake import AFTER_BRANCH
from ptdv.candidacies.facts import ReasonFacts
from ptdv.candidacies.models import POOL_STAGES, ClosedReason, Stage
from ptdv.core.policies import Action
from ptdv.members.models import ExitReason, MembershipStatus

# The dossier closes with the probationary membership: its status and exit reason.
_EXITS = {
    ClosedReason.REMOVED: (MembershipStatus.REMOVED, ExitReason.REMOVED),
    ClosedReason.DECEASED: (MembershipStatus.DECEASED, ExitReason.DEATH),
    ClosedReason.TRANSFERRED_OUT: (MembershipStatus.TRANSFERRED_OUT, ExitReason.TRANSFER),
}


def closing(reason: ClosedReason) -> EffectFn:
    def effect(state: EffectInput) -> Effect:
        result = Effect(
            changes={"closed_reason": str(reason), "closed_on": state.on, "is_open": False}
        )
        if reason in _EXITS:
            status, exit_reason = _EXITS[reason]
            result.membership.append(
                MembershipOp(
                    MembershipChange.REMOVE,
                    {"exit_date": state.on, "exit_reason": exit_reason, "status": status},
                )
            )
        return result

    effect.__name__ = f"close_{reason}"
    return effect


def _spec(
    action: DossierAction, sources: tuple[Stage, ...], permission: Action, reason: ClosedReason
) -> ActionSpec:
    return ActionSpec(
        action,
        sources=sources,
        target=Stage.CLOSED,
        permission=permission,
        facts=ReasonFacts,
        effect=closing(reason),
        closes=str(reason),
    )


SPECS = (
    _spec(DossierAction.WITHDRAW, POOL_STAGES, Action.CHANGE, ClosedReason.WITHDRAWN),
    _spec(DossierAction.REJECT, AFTER_BRANCH, Action.APPROVE, ClosedReason.REJECTED),
    _spec(DossierAction.LAPSE, POOL_STAGES, Action.CHANGE, ClosedReason.LAPSED),
    _spec(DossierAction.REMOVE, (Stage.PROBATIONARY,), Action.APPROVE, ClosedReason.REMOVED),
    # Recorded by the cell's clerk from the death certificate or the transfer letter; the
    # reason field carries the document or the destination.
    _spec(DossierAction.DEATH, (Stage.PROBATIONARY,), Action.CHANGE, ClosedReason.DECEASED),
    _spec(
        DossierAction.TRANSFER_OUT,
        (Stage.PROBATIONARY,),
        Action.CHANGE,
        ClosedReason.TRANSFERRED_OUT,
    ),
)
