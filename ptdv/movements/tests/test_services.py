"""Services and selectors of mass organisations and movements: scope, rules, audit, the
dossier's source and the yield (one grouped query per table)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.services import candidacy_register
from ptdv.core.refusals import UNPROCESSABLE
from ptdv.factories import CandidacyFactory, LocalityFactory, user_with_role
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement
from ptdv.movements.selectors import movement_yield, review_figures
from ptdv.movements.services import (
    MassOrganisationData,
    MovementData,
    mass_organisation_create,
    mass_organisation_update,
    mass_target_set,
    movement_create,
    movement_update,
)
from ptdv.people.services import PersonData

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str | None]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def test_create_mass_organisation_is_audited(clerk, tree, youth) -> None:
    assert youth.organisation == tree["commune_a"]
    assert youth.name == "Đoàn Thanh niên xã A"
    entry = AuditEntry.objects.get(object_type="movements.massorganisation", action="create")
    assert entry.actor == clerk


def test_mass_organisation_outside_scope_is_not_found(clerk, tree) -> None:
    with pytest.raises(ValidationError) as caught:
        mass_organisation_create(
            actor=clerk,
            data=MassOrganisationData(
                organisation=tree["commune_b"].pk, kind="youth_union", name="Đoàn xã B"
            ),
        )
    assert caught.value.message_dict == {"organisation": ["Không tìm thấy tổ chức."]}
    assert not MassOrganisation.objects.exists()


def test_duplicate_name_refused(clerk, tree, youth) -> None:
    with pytest.raises(ValidationError) as caught:
        mass_organisation_create(
            actor=clerk,
            data=MassOrganisationData(
                organisation=tree["commune_a"].pk, kind="trade_union", name="đoàn thanh niên xã a"
            ),
        )
    assert "name" in caught.value.message_dict


def test_update_and_target(clerk, tree, youth) -> None:
    mass_organisation_update(
        actor=clerk,
        pk=youth.pk,
        data=MassOrganisationData(organisation=None, kind="youth_union", name="Đoàn TN xã A"),
    )
    youth.refresh_from_db()
    assert youth.name == "Đoàn TN xã A"
    mass_target_set(actor=clerk, pk=youth.pk, year=2025, referrals=12)
    mass_target_set(actor=clerk, pk=youth.pk, year=2025, referrals=15)
    assert MassOrganisationTarget.objects.get(mass_organisation=youth, year=2025).referrals == 15
    mass_target_set(actor=clerk, pk=youth.pk, year=2025, referrals=None)
    assert not MassOrganisationTarget.objects.exists()


def test_viewer_may_not_change(viewer, youth) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mass_target_set(actor=viewer, pk=youth.pk, year=2025, referrals=3)


def test_outside_user_gets_404(tree, youth) -> None:
    other = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        mass_target_set(actor=other, pk=youth.pk, year=2025, referrals=3)
    assert not MassOrganisationTarget.objects.exists()


def test_movement_rules(clerk, tree, youth) -> None:
    with pytest.raises(ValidationError) as caught:
        movement_create(
            actor=clerk,
            data=MovementData(
                organiser=tree["commune_a"].pk,
                kind="forum",
                name="Diễn đàn",
                starts_on=dt.date(2025, 5, 1),
                ends_on=dt.date(2025, 4, 1),
            ),
        )
    assert _codes(caught.value) == {UNPROCESSABLE}
    village_b = LocalityFactory(organisation=tree["commune_b"])
    with pytest.raises(ValidationError) as caught:
        movement_create(
            actor=clerk,
            data=MovementData(
                organiser=tree["commune_a"].pk,
                kind="forum",
                name="Diễn đàn",
                starts_on=dt.date(2025, 5, 1),
                locality=village_b.pk,
            ),
        )
    assert caught.value.message_dict == {"locality": ["Không tìm thấy thôn, tổ dân phố."]}
    assert not Movement.objects.exists()


def test_movement_update_audited(clerk, club) -> None:
    movement_update(
        actor=clerk,
        pk=club.pk,
        data=MovementData(
            organiser=None,
            kind="club",
            name=club.name,
            starts_on=club.starts_on,
            ends_on=dt.date(2025, 12, 31),
            mass_organisation=club.mass_organisation_id,
        ),
    )
    club.refresh_from_db()
    assert club.ends_on == dt.date(2025, 12, 31)
    entry = AuditEntry.objects.get(object_type="movements.movement", action="change")
    assert entry.data["after"] == {"ends_on": "2025-12-31"}


def _person(**extra) -> PersonData:
    values = {
        "family_name": "Lê",
        "middle_name": "Văn",
        "given_name": "Tú",
        "birth_date": dt.date(2000, 1, 1),
        "gender": "male",
        "occupation": "worker",
        "national_id": "001200012345",
    }
    values.update(extra)
    return PersonData(**values)


def test_register_with_source_settles_the_channel(clerk, tree, youth, club) -> None:
    candidacy = candidacy_register(
        actor=clerk,
        organisation=tree["cell_a1"],
        person_data=_person(),
        movement=club.pk,
        referring_body=youth.pk,
    )
    assert candidacy.movement == club
    assert candidacy.referring_body == youth
    assert candidacy.source_channel == "youth_union"


def test_register_movement_only_is_channel_movement(clerk, tree, club) -> None:
    candidacy = candidacy_register(
        actor=clerk, organisation=tree["cell_a2"], person_data=_person(), movement=club.pk
    )
    assert candidacy.source_channel == "movement"


def test_register_refuses_a_channel_contradicting_the_body(clerk, tree, youth) -> None:
    with pytest.raises(ValidationError) as caught:
        candidacy_register(
            actor=clerk,
            organisation=tree["cell_a1"],
            person_data=_person(),
            referring_body=youth.pk,
            source_channel="trade_union",
        )
    assert "source_channel" in caught.value.message_dict
    assert not Candidacy.objects.exists()


def test_register_outside_scope_is_same_as_absent(clerk, tree) -> None:
    admin_b = user_with_role(tree["commune_b"], Role.CLERK)
    body_b = mass_organisation_create(
        actor=admin_b,
        data=MassOrganisationData(
            organisation=tree["commune_b"].pk, kind="womens_union", name="Hội Phụ nữ xã B"
        ),
    )
    for named in (body_b.pk, 999_999):
        with pytest.raises(ValidationError) as caught:
            candidacy_register(
                actor=clerk,
                organisation=tree["cell_a1"],
                person_data=_person(),
                referring_body=named,
            )
        assert caught.value.message_dict == {
            "referring_body": ["Không tìm thấy đoàn thể giới thiệu."]
        }
    assert not Candidacy.objects.exists()


def test_register_refuses_a_movement_off_the_cells_line(tree) -> None:
    province_clerk = user_with_role(tree["province"], Role.CLERK)
    movement_b = movement_create(
        actor=province_clerk,
        data=MovementData(
            organiser=tree["commune_b"].pk,
            kind="club",
            name="CLB xã B",
            starts_on=dt.date(2025, 1, 1),
        ),
    )
    with pytest.raises(ValidationError) as caught:
        candidacy_register(
            actor=province_clerk,
            organisation=tree["cell_a1"],
            person_data=_person(),
            movement=movement_b.pk,
        )
    assert _codes(caught.value) == {UNPROCESSABLE}


def test_yield_counts_found_trained_admitted(
    clerk, tree, youth, club, django_assert_max_num_queries
) -> None:
    year = 2025
    CandidacyFactory(
        organisation=tree["cell_a1"], movement=club, referring_body=youth,
        source_channel="youth_union", opened_on=dt.date(2025, 2, 1),
    )  # fmt: skip
    CandidacyFactory(
        organisation=tree["cell_a2"], movement=club, source_channel="movement",
        opened_on=dt.date(2024, 6, 1), certificate_date=dt.date(2025, 3, 1),
        decision_date=dt.date(2025, 9, 1),
    )  # fmt: skip
    CandidacyFactory(organisation=tree["cell_a1"], opened_on=dt.date(2025, 4, 1))
    CandidacyFactory(  # outside the year
        organisation=tree["cell_a1"], movement=club, opened_on=dt.date(2023, 4, 1)
    )
    CandidacyFactory(  # commune B: not in the subtree asked for
        organisation=tree["cell_b1"], opened_on=dt.date(2025, 4, 1)
    )
    mass_target_set(actor=clerk, pk=youth.pk, year=year, referrals=10)
    with django_assert_max_num_queries(6):
        result = movement_yield(actor=clerk, organisation=tree["commune_a"], year=year)
    assert (result.total.found, result.total.trained, result.total.admitted) == (2, 1, 1)
    channels = {r.key: (r.found, r.trained, r.admitted) for r in result.channels}
    assert channels == {"youth_union": (1, 0, 0), "movement": (0, 1, 1), "other": (1, 0, 0)}
    [row] = result.movements
    assert (row.obj, row.found, row.trained, row.admitted) == (club, 1, 1, 1)
    [body] = result.mass_organisations
    assert (body.found, body.target) == (1, 10)


def test_review_figures(clerk, tree, club) -> None:
    CandidacyFactory(organisation=tree["cell_a1"], movement=club, opened_on=dt.date(2025, 2, 1))
    figures = {
        f.label: f.value
        for f in review_figures(clerk, tree["commune_a"], dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    }
    assert figures["Số phong trào, diễn đàn, câu lạc bộ, tổ nhóm hoạt động"] == 1
    assert figures["Trong đó câu lạc bộ"] == 1
    assert figures["Trong đó phát hiện qua phong trào, câu lạc bộ"] == 1
