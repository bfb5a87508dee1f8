"""Who stands by the candidate: the member assigned to help them (đảng viên giúp đỡ) and the
person responsible for nurturing them (người chịu trách nhiệm bồi dưỡng)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ptdv.candidacies.actions.base import ActionSpec, DossierAction, Effect, EffectInput
from ptdv.candidacies.facts import AssignHelperFacts
from ptdv.candidacies.models import POOL_STAGES, Stage
from ptdv.core.policies import Action
from ptdv.members.models import MembershipStatus, PartyMembership


def helper_refusals(
    helper: PartyMembership, organisation_id: int, person_id: int
) -> dict[str, list[str]]:
    """Why `helper` may not help a candidate of the cell `organisation_id` (the rule the
    registration applies): an official member of that very cell, not the candidate."""
    if helper.person_id == person_id:
        return {"helper": [_("Người vào Đảng không thể tự giúp đỡ mình.")]}
    if helper.status != MembershipStatus.OFFICIAL:
        return {"helper": [_("Đảng viên giúp đỡ phải là đảng viên chính thức.")]}
    if helper.organisation_id != organisation_id:
        return {"helper": [_("Đảng viên giúp đỡ phải sinh hoạt tại chi bộ của hồ sơ.")]}
    return {}


def helper_change(
    state: EffectInput, organisation_id: int
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(changes, refusals) for the helper the facts name (resolved in `state.helper` by the
    live path; a replayed step names it by id)."""
    named = state.facts.get("helper")
    if named is None:
        return {"helper_id": None}, {}
    if state.helper is None:
        return {"helper_id": named}, {}
    refusals = helper_refusals(state.helper, organisation_id, state.candidacy.person_id)
    return ({}, refusals) if refusals else ({"helper_id": state.helper.pk}, {})


def names_of(state: EffectInput) -> dict[str, str]:
    """The names the timeline shows for the people an action names (the ids stay in the
    facts)."""
    names = {}
    if state.facts.get("helper") and state.helper is not None:
        names["helper_name"] = state.helper.person.full_name
    if state.facts.get("responsible_leader") and state.leader is not None:
        names["leader_name"] = state.leader.full_name
    return names


def assign_helper_effect(state: EffectInput) -> Effect:
    candidacy = state.candidacy
    effect = Effect()
    if "helper" in state.facts:
        changes, refusals = helper_change(state, candidacy.organisation_id)
        effect.changes.update(changes)
        effect.refusals.update(refusals)
    if "responsible_leader" in state.facts:
        named = state.facts["responsible_leader"]
        leader = state.leader
        if leader is not None and leader.pk == candidacy.person_id:
            effect.refusals["responsible_leader"] = [
                _("Người vào Đảng không thể tự chịu trách nhiệm bồi dưỡng mình.")
            ]
        else:
            effect.changes["responsible_leader_id"] = leader.pk if leader is not None else named
    effect.extra.update(names_of(state))
    return effect


SPECS = (
    ActionSpec(
        DossierAction.ASSIGN_HELPER,
        sources=(*POOL_STAGES, Stage.PROBATIONARY),
        target=None,
        permission=Action.CHANGE,
        facts=AssignHelperFacts,
        effect=assign_helper_effect,
        labels={
            "helper": _lazy("Đảng viên được phân công giúp đỡ"),
            "responsible_leader": _lazy("Người chịu trách nhiệm bồi dưỡng"),
        },
        help={
            "date": _lazy("Ngày phân công (theo nghị quyết, thông báo của chi bộ)."),
            "helper": _lazy("Đảng viên chính thức của chi bộ; để trống để bỏ phân công."),
        },
        hint=_lazy(
            "Chi bộ phân công đảng viên chính thức giúp đỡ quần chúng ưu tú phấn đấu vào Đảng "
            "và người chịu trách nhiệm bồi dưỡng (bước đầu của quy trình kết nạp)."
        ),
    ),
)
