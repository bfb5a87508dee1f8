"""The transition table of a candidacy (docs/workflow.md §1), derived from the action specs.

Every action is declared once, in ptdv/candidacies/actions/; these are read-only views of
`SPECS` for the callers that read a table: the transitions by action name and the facts
serializer of each action.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ptdv.candidacies.actions import SPECS, ActionSpec, spec_for
from ptdv.candidacies.facts import ActionFacts

Transition = ActionSpec

TRANSITIONS: Mapping[str, ActionSpec] = MappingProxyType(
    {str(action): spec for action, spec in SPECS.items()}
)
FACTS: Mapping[str, type[ActionFacts]] = MappingProxyType(
    {str(action): spec.facts for action, spec in SPECS.items()}
)


def transition_for(action: str) -> ActionSpec | None:
    return spec_for(action)
