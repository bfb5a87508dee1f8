from __future__ import annotations

import datetime as dt

import pytest

from ptdv.candidacies.models import Candidacy
from ptdv.demo.movements import movements_demo_load
from ptdv.factories import CandidacyFactory
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement
from ptdv.organisations.models import Kind, Organisation


@pytest.mark.django_db
def test_demo_links_dossiers_consistently(tree) -> None:
    Organisation.objects.filter(pk__in=[tree["commune_a"].pk, tree["commune_b"].pk]).update(
        kind=Kind.COMMUNE, sector="rural_commune"
    )
    today = dt.date(2026, 10, 1)
    for index in range(40):
        CandidacyFactory(
            organisation=tree["cell_a1"] if index % 2 else tree["cell_b1"],
            source_channel=("youth_union", "movement", "womens_union", "school")[index % 4],
            opened_on=dt.date(2025 + index % 2, 1 + index % 12, 10),
        )

    summary = movements_demo_load(root=tree["province"], today=today, seed=3)

    assert summary.startswith("Phong trào và đoàn thể: 8 đoàn thể")
    assert Movement.objects.exists()
    assert MassOrganisationTarget.objects.count() == 16
    linked = Candidacy.objects.exclude(movement=None, referring_body=None)
    assert linked.count() >= 10
    for c in linked.select_related("movement__organiser", "referring_body__organisation"):
        if c.referring_body is not None:
            assert c.referring_body.kind == c.source_channel
            assert c.organisation.path.startswith(c.referring_body.organisation.path)
        else:
            assert c.source_channel == "movement"
        if c.movement is not None:
            assert c.organisation.path.startswith(c.movement.organiser.path)
            assert c.movement.starts_on <= c.opened_on
    assert (
        not Candidacy.objects.filter(source_channel="school")
        .exclude(movement=None, referring_body=None)
        .exists()
    )
    assert MassOrganisation.objects.filter(name="Hội Nông dân xã A").exists()
