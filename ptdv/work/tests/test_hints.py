"""Every dossier action says what the regulation asks for, on its form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.candidacies.actions import SPECS
from ptdv.candidacies.models import DossierAction, Stage
from ptdv.factories import CandidacyFactory, user_with_role


@pytest.mark.parametrize("action", sorted(DossierAction.values))
def test_every_action_has_a_hint(action):
    hint = str(SPECS[DossierAction(action)].hint)
    assert 40 <= len(hint) <= 400, action


@pytest.mark.django_db
def test_the_form_shows_the_hint_and_links_the_guide(client, tree):
    candidacy = CandidacyFactory(
        organisation=tree["cell_a1"], stage=Stage.APPLIED, opened_on=dt.date(2025, 1, 1)
    )
    client.force_login(user_with_role(tree["cell_a1"], Role.CLERK))
    response = client.get(
        reverse("candidacies:action", args=[candidacy.pk, DossierAction.BRANCH_VOTE])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="action-hint"' in text and "2/3 số đảng viên" in text
    assert reverse("work:guide_section", args=["quy-trinh-ket-nap"]) in text
