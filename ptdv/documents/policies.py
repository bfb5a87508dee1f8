"""Every policy of the documents app: who sees the attachments, relatives, signers and numbers
of a subtree, and who may take a number from a register or attach a scan to a dossier.

Attachments follow their dossier's organisation, relatives their person's, signers and
register entries the organisation they belong to (see `ptdv.core.policies`)."""

from __future__ import annotations

from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.core.policies import Action, Actor, Policy
from ptdv.documents.models import Attachment, DocumentNumber, Relative, Signer
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

attachment_policy = Policy(Attachment, "candidacy__organisation__path")
relative_policy = Policy(Relative, "person__organisation__path")
signer_policy = Policy(Signer, "organisation__path")
document_number_policy = Policy(DocumentNumber, "organisation__path")


def can_take_number(actor: Actor, organisation: Organisation) -> bool:
    """Whether generating a form may take the next number of `organisation`'s register: the
    actor must be able to change things there (a viewer gets the form with the space for the
    number left empty)."""
    return organisation_policy.can(actor, Action.CHANGE, organisation)


def can_attach(actor: Actor, candidacy: Candidacy) -> bool:
    """Whether the actor may attach a signed scan to the dossier (they may change it)."""
    return candidacy_policy.can(actor, Action.CHANGE, candidacy)
