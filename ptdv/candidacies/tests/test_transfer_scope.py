"""A transfer names a target cell in its body: it is resolved through the actor's scope and
never leaves the dossier's commune-level unit (issue 10 §1). There is no console command for
dossier actions; the web form and the API are the two doors."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.selectors import candidacy_transfer_choices
from ptdv.candidacies.workflow import candidacy_act
from ptdv.core.tests.state import db_state
from ptdv.factories import CandidacyFactory, OrganisationFactory, PersonFactory, user_with_role
from ptdv.organisations.models import Kind

pytestmark = pytest.mark.django_db

NOT_FOUND = "Không tìm thấy chi bộ đang hoạt động để chuyển đến."


@pytest.fixture
def dossier(tree):
    cell = tree["cell_a1"]
    return CandidacyFactory(person=PersonFactory(organisation=cell), organisation=cell)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def transfer_api(user, dossier, organisation):
    return api(user).post(
        f"/api/v1/candidacies/{dossier.pk}/actions/transfer/",
        {"organisation": organisation, "reason": "Chuyển nơi cư trú", "version": 1},
        format="json",
    )


def test_a_clerk_cannot_move_a_dossier_into_another_commune_by_the_api(tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = db_state()
    response = transfer_api(clerk, dossier, tree["cell_b1"].pk)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["fields"] == {"organisation": [NOT_FOUND]}
    # Stage, organisation, counters, events, search entry, audit: all unchanged.
    assert db_state() == before


def test_outside_the_scope_answers_exactly_like_an_absent_cell(tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = db_state()
    outside = transfer_api(clerk, dossier, tree["cell_b1"].pk).json()
    absent = transfer_api(clerk, dossier, 987654).json()
    assert outside == absent
    assert db_state() == before


def test_a_role_too_low_at_the_target_is_not_a_lawful_target(tree, dossier):
    """A clerk of cell A1 who is only a viewer of cell A2 cannot move dossiers into A2."""
    clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    from ptdv.accounts.models import Assignment

    Assignment.objects.create(user=clerk, organisation=tree["cell_a2"], role=Role.VIEWER)
    assert list(candidacy_transfer_choices(actor=clerk, candidacy=dossier)) == []
    before = db_state()
    response = transfer_api(clerk, dossier, tree["cell_a2"].pk)
    assert response.json()["error"]["fields"] == {"organisation": [NOT_FOUND]}
    assert db_state() == before


def test_a_provincial_administrator_cannot_move_a_dossier_to_another_commune(tree, dossier):
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    before = db_state()
    response = transfer_api(admin, dossier, tree["cell_b1"].pk)
    # The cell is one the administrator may name; the rule refuses the move (422).
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unprocessable"
    [message] = response.json()["error"]["fields"]["organisation"]
    assert message.startswith("Không thể chuyển hồ sơ sang chi bộ thuộc Đảng bộ xã B")
    assert "chỉ được chuyển trong Đảng bộ xã A" in message
    assert db_state() == before
    # The service says the same to any caller.
    with pytest.raises(ValidationError) as info:
        candidacy_act(
            actor=admin,
            candidacy_id=dossier.pk,
            action="transfer",
            data={"organisation": tree["cell_b1"].pk, "reason": "Chuyển"},
        )
    assert info.value.message_dict["organisation"] == [message]
    assert db_state() == before


def test_a_bloc_is_another_commune_level_unit(tree, dossier):
    bloc = OrganisationFactory(parent=tree["province"], kind=Kind.BLOC, name="Đảng bộ Khối")
    bloc_cell = OrganisationFactory(parent=bloc, name="Chi bộ Sở")
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    assert bloc_cell not in candidacy_transfer_choices(actor=admin, candidacy=dossier)
    response = transfer_api(admin, dossier, bloc_cell.pk)
    assert "thuộc Đảng bộ Khối" in response.json()["error"]["fields"]["organisation"][0]


def test_inside_the_commune_the_transfer_answers_200_and_moves_the_dossier(tree, dossier):
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    # The lawful targets are exactly the other active cells of commune A.
    assert list(candidacy_transfer_choices(actor=admin, candidacy=dossier)) == [tree["cell_a2"]]
    response = transfer_api(admin, dossier, tree["cell_a2"].pk)
    assert response.status_code == 200, response.content
    assert response.json()["organisation"]["id"] == tree["cell_a2"].pk
    dossier.refresh_from_db()
    assert dossier.organisation == tree["cell_a2"]


def test_the_web_form_offers_and_accepts_only_lawful_targets(client, tree, dossier):
    admin = user_with_role(tree["province"], Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("candidacies:action", args=[dossier.pk, "transfer"])
    form = client.get(url).context["form"]
    assert list(form.fields["organisation"].queryset) == [tree["cell_a2"]]
    before = db_state()
    response = client.post(
        url, {"version": "1", "organisation": str(tree["cell_b1"].pk), "reason": "Chuyển"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == ["Lựa chọn không hợp lệ."]
    assert db_state() == before


def test_a_clerk_posting_another_communes_cell_in_the_form_changes_nothing(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    url = reverse("candidacies:action", args=[dossier.pk, "transfer"])
    before = db_state()
    response = client.post(
        url, {"version": "1", "organisation": str(tree["cell_b1"].pk), "reason": "Chuyển"}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert db_state() == before
