"""Who may import what."""

from __future__ import annotations

from ptdv.core.policies import Actor, user_scopes
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.exchange.models import ImportKind

# The role an import kind needs somewhere (each row is then checked against its own
# organisation): structure and accounts are administrators' work, people are clerks'.
REQUIRED_RANK = {
    ImportKind.ORGANISATIONS: ROLE_RANK[Role.ADMINISTRATOR],
    ImportKind.LOCALITIES: ROLE_RANK[Role.ADMINISTRATOR],
    ImportKind.USERS: ROLE_RANK[Role.ADMINISTRATOR],
    ImportKind.MEMBERS: ROLE_RANK[Role.CLERK],
    ImportKind.CANDIDATES: ROLE_RANK[Role.CLERK],
    ImportKind.DOSSIERS: ROLE_RANK[Role.CLERK],
    ImportKind.PEOPLE: ROLE_RANK[Role.CLERK],
    ImportKind.ORGANISATION_CHANGES: ROLE_RANK[Role.ADMINISTRATOR],
    ImportKind.ENROLMENTS: ROLE_RANK[Role.CLERK],
}


def import_allowed(actor: Actor | None, kind: str) -> bool:
    needed = REQUIRED_RANK[ImportKind(kind)]
    return any(rank >= needed for _path, rank in user_scopes(actor))
