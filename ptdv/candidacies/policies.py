"""Who may see and act on dossiers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ptdv.candidacies.models import Candidacy
from ptdv.core.policies import Actor, Policy, user_scopes
from ptdv.core.roles import ROLE_RANK, Role

candidacy_policy = Policy(Candidacy, "organisation__path")


def require_clerk_somewhere(user: Actor | None) -> None:
    """Registration needs the clerk role on at least one subtree (403 otherwise)."""
    if not any(rank >= ROLE_RANK[Role.CLERK] for _path, rank in user_scopes(user)):
        raise PermissionDenied
