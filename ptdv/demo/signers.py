"""The demo's signers: one default `documents.Signer` per organisation, so that every form
prints its signing block (the collective, the title and the name) even before the step that
issues it is recorded.

The name is the one the stories sign their documents with (`histories.signer_name`), so a
form whose event names its signer finds that signer in the organisation's list. A province
signs through its deputy secretary ("T/M BAN THƯỜNG VỤ / K/T BÍ THƯ / PHÓ BÍ THƯ"), as the
standing deputy usually does; every other organisation through its secretary.
"""

from __future__ import annotations

from collections.abc import Iterable

from ptdv.demo.histories import signer_name
from ptdv.documents.models import Signer, SignerCapacity
from ptdv.organisations.models import Kind, Organisation

# The stories sign with the names drawn for seed 0 (`histories.issuers_of(cell, 0)`).
STORY_SEED = 0


def demo_signer(organisation: Organisation) -> Signer:
    """The unsaved default signer of `organisation`."""
    deputy = organisation.kind == Kind.PROVINCE
    return Signer(
        organisation=organisation,
        name=signer_name(organisation, STORY_SEED),
        title="PHÓ BÍ THƯ" if deputy else "BÍ THƯ",
        capacity=SignerCapacity.DEPUTY if deputy else SignerCapacity.ON_BEHALF,
        collective="",
        principal_title="BÍ THƯ",
        is_default=True,
        active=True,
    )


def demo_signers_create(organisations: Iterable[Organisation]) -> int:
    """Write the default signer of each organisation (a national root signs nothing)."""
    rows = [demo_signer(o) for o in organisations if o.kind != Kind.NATIONAL]
    Signer.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
