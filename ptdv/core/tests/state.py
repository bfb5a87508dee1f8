"""What "nothing was written" means in a test: every row of the tables a write could touch."""

from __future__ import annotations

from typing import Any

from django.apps import apps

# Every table a refused write of a dossier, a person, a document, a target, an import or an
# account could touch: a refusal must leave each exactly as it was.
WRITE_TABLES = (
    "audit.AuditEntry",
    "accounts.Assignment",
    "accounts.User",
    "candidacies.AdmissionTally",
    "candidacies.Candidacy",
    "candidacies.CandidacyEvent",
    "candidacies.CandidacySearch",
    "candidacies.Consent",
    "candidacies.Introducer",
    "candidacies.PipelineTally",
    "documents.Attachment",
    "documents.DocumentCounter",
    "documents.DocumentNumber",
    "documents.Relative",
    "documents.Signer",
    "exchange.ImportJob",
    "members.PartyMembership",
    "organisations.Locality",
    "organisations.Organisation",
    "people.Person",
    "targets.PlanAssignment",
    "targets.ProgrammeTarget",
    "targets.Target",
    "targets.TargetAmendment",
    "targets.Term",
)


def db_state(*labels: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of each model (all of `WRITE_TABLES` by default), ordered by key; the
    counters and timestamps are compared too."""
    state = {}
    for label in labels or WRITE_TABLES:
        model = apps.get_model(label)
        state[label] = list(model._default_manager.order_by("pk").values())
    return state
