from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.core.plans import planned_admissions
from ptdv.core.review import review_sources
from ptdv.core.work import work_sources
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.surveys import selectors, services
from ptdv.surveys.models import ResponseStatus, RoundStatus, SurveyResponse

from .conftest import response_of

pytestmark = pytest.mark.django_db


def _fill(actor, response, **plan):
    return services.response_update(
        actor=actor,
        round_id=response.survey_round_id,
        response_id=response.pk,
        part=services.UnitPart(
            pool_quality="fair",
            quality_note="Nguồn còn mỏng ở thôn xa.",
            reasons="Thanh niên đi làm ăn xa.",
            difficulties="Thiếu kinh phí mở lớp.",
            plan={"train": 5, "admit": 3, "admit_women": 2, **plan},
        ),
    )


def test_open_makes_one_prefilled_response_per_grassroots_unit(tree, data, survey, admin):
    units = set(survey.responses.values_list("organisation__code", flat=True))
    # Communes and grassroots committees answer; plain cells do not.
    assert units == {"Xa", "Ga", "Xb", "Gb"}
    commune = response_of(survey, tree["commune_a"]).figures
    grassroots = response_of(survey, tree["grassroots_a"]).figures
    # The commune answers for its own village cell and its localities only.
    assert commune["members"] == 1
    assert commune["localities"] == 2
    assert commune["localities_white"] == 2
    assert grassroots["members"] == 3
    assert grassroots["members_probationary"] == 1
    assert grassroots["candidates"] == 2
    assert grassroots["stage_trained"] == 1
    assert grassroots["trained"] == 1
    assert grassroots["group_women"] == 1
    assert grassroots["group_youth"] == 2  # born 1998 (the factory) and 22 years old
    assert grassroots["yu"] == 1 and grassroots["yu_18_30"] == 1
    assert grassroots["tu"] == 1 and grassroots["tu_31_45"] == 1
    assert AuditEntry.objects.filter(object_type="surveys.surveyround", action="create").exists()


def test_only_the_roots_administrators_open_and_no_overlap(tree, data, survey, today):
    approver = user_with_role(tree["province"], Role.APPROVER)
    with pytest.raises(PermissionDenied):
        services.round_open(
            actor=approver, organisation=tree["province"].pk, year=today.year + 1, due_date=today
        )
    commune_admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    # Outside the administrator's subtree: as for an absent organisation.
    with pytest.raises(ValidationError) as err:
        services.round_open(
            actor=commune_admin,
            organisation=tree["province"].pk,
            year=today.year + 1,
            due_date=today,
        )
    assert "organisation" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.round_open(
            actor=commune_admin,
            organisation=tree["commune_a"].pk,
            year=today.year,
            due_date=today,
        )
    assert "trùng phạm vi" in err.value.message_dict["organisation"][0]
    with pytest.raises(ValidationError) as err:
        services.round_open(
            actor=commune_admin,
            organisation=tree["commune_a"].pk,
            year=today.year + 1,
            due_date=today - dt.timedelta(days=1),
        )
    assert "due_date" in err.value.message_dict


def test_fill_submit_return_resubmit_accept(
    tree, survey, unit_clerk, unit_approver, commune_approver
):
    response = response_of(survey, tree["grassroots_a"])
    with pytest.raises(ValidationError) as err:
        services.response_submit(actor=unit_clerk, round_id=survey.pk, response_id=response.pk)
    assert "pool_quality" in err.value.message_dict
    _fill(unit_clerk, response)
    submitted = services.response_submit(
        actor=unit_clerk, round_id=survey.pk, response_id=response.pk
    )
    assert submitted.status == ResponseStatus.SUBMITTED
    # No longer the unit's to change.
    with pytest.raises(ValidationError):
        _fill(unit_clerk, response)
    # A unit never reviews its own answer, whatever its role.
    with pytest.raises(PermissionDenied):
        services.response_accept(actor=unit_approver, round_id=survey.pk, response_id=response.pk)
    with pytest.raises(ValidationError) as err:
        services.response_return(
            actor=commune_approver, round_id=survey.pk, response_id=response.pk, reason=" "
        )
    assert "reason" in err.value.message_dict
    returned = services.response_return(
        actor=commune_approver,
        round_id=survey.pk,
        response_id=response.pk,
        reason="Chưa có kế hoạch cho thanh niên.",
    )
    assert returned.status == ResponseStatus.RETURNED and returned.returned_count == 1
    _fill(unit_clerk, response, admit_youth=1)
    services.response_submit(actor=unit_clerk, round_id=survey.pk, response_id=response.pk)
    accepted = services.response_accept(
        actor=commune_approver, round_id=survey.pk, response_id=response.pk
    )
    assert accepted.status == ResponseStatus.ACCEPTED
    assert accepted.plan["admit_youth"] == 1
    assert accepted.reviewed_by == commune_approver


def test_plan_groups_cannot_exceed_totals(tree, survey, unit_clerk):
    response = response_of(survey, tree["grassroots_a"])
    with pytest.raises(ValidationError) as err:
        _fill(unit_clerk, response, admit_women=9)
    assert "vượt tổng số" in err.value.message_dict["plan"][0]
    with pytest.raises(ValidationError):
        _fill(unit_clerk, response, admit=-1)
    with pytest.raises(ValidationError):
        _fill(unit_clerk, response, bogus=1)


def test_out_of_scope_is_absent_and_viewer_is_refused(tree, survey):
    response = response_of(survey, tree["grassroots_a"])
    other = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        _fill(other, response)
    viewer = user_with_role(tree["grassroots_a"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        _fill(viewer, response)
    assert selectors.round_list(actor=other).filter(pk=survey.pk).exists()
    # A commune B user sees the province round (their own responses are in it), but not A's.
    assert (
        not selectors.response_list(actor=other, survey_round=survey)
        .filter(organisation=tree["grassroots_a"])
        .exists()
    )


def test_refresh_reads_the_data_again(tree, survey, unit_clerk):
    response = response_of(survey, tree["grassroots_a"])
    CandidacyFactory(organisation=tree["cell_a2"])
    refreshed = services.response_refresh(
        actor=unit_clerk, round_id=survey.pk, response_id=response.pk
    )
    assert refreshed.figures["candidates"] == 3
    with pytest.raises(services.StaleResponse):
        services.response_refresh(
            actor=unit_clerk, round_id=survey.pk, response_id=response.pk, version=1
        )


def test_rollup_counts_accepted_responses_per_level(
    tree, survey, unit_clerk, commune_approver, admin
):
    response = response_of(survey, tree["grassroots_a"])
    _fill(unit_clerk, response)
    services.response_submit(actor=unit_clerk, round_id=survey.pk, response_id=response.pk)
    rows = selectors.rollup(actor=admin, survey_round=survey)
    assert rows[0].units == 4 and rows[0].submitted == 1 and rows[0].accepted == 0
    services.response_accept(actor=commune_approver, round_id=survey.pk, response_id=response.pk)
    rows = selectors.rollup(actor=admin, survey_round=survey)
    by_name = {row.organisation.pk: row for row in rows}
    assert rows[0].accepted == 1 and rows[0].figures["members"] == 3
    assert by_name[tree["commune_a"].pk].plan["admit"] == 3
    assert by_name[tree["commune_b"].pk].accepted == 0
    board = selectors.status_board(actor=admin, survey_round=survey, today=survey.due_date)
    assert board.total == 4 and board.not_submitted == 3 and board.overdue == 0
    late = selectors.status_board(
        actor=admin, survey_round=survey, today=survey.due_date + dt.timedelta(days=1)
    )
    assert late.overdue == 3


def test_accepted_plans_feed_next_years_targets(tree, survey, unit_clerk, commune_approver):
    response = response_of(survey, tree["grassroots_a"])
    _fill(unit_clerk, response)
    services.response_submit(actor=unit_clerk, round_id=survey.pk, response_id=response.pk)
    ids = [tree["province"].pk, tree["commune_a"].pk, tree["commune_b"].pk]
    assert planned_admissions(ids, survey.year + 1) == {}
    services.response_accept(actor=commune_approver, round_id=survey.pk, response_id=response.pk)
    planned = planned_admissions(ids, survey.year + 1)
    assert planned == {tree["province"].pk: 3, tree["commune_a"].pk: 3}
    assert planned_admissions(ids, survey.year) == {}


def test_work_items_and_review_figures(tree, survey, unit_clerk, commune_approver, today):
    fill = list(work_sources()["survey_fill"](unit_clerk, today))
    assert [item.organisation_id for item in fill] == [tree["grassroots_a"].pk]
    response = response_of(survey, tree["grassroots_a"])
    _fill(unit_clerk, response)
    services.response_submit(actor=unit_clerk, round_id=survey.pk, response_id=response.pk)
    assert list(work_sources()["survey_fill"](unit_clerk, today)) == []
    review = list(work_sources()["survey_review"](commune_approver, today))
    assert [item.url for item in review] == [response.get_absolute_url()]
    services.response_accept(actor=commune_approver, round_id=survey.pk, response_id=response.pk)
    source = dict(review_sources()[4])["surveys"]
    figures = source(commune_approver, tree["commune_a"], today.replace(month=1, day=1), today)
    values = {f.label: f.value for f in figures}
    assert values["Số tổ chức cơ sở đảng được khảo sát"] == 2
    assert values["Kế hoạch kết nạp đảng viên"] == 3


def test_close_freezes_the_round(tree, survey, admin, unit_clerk):
    services.round_close(actor=admin, round_id=survey.pk)
    survey.refresh_from_db()
    assert survey.status == RoundStatus.CLOSED
    response = response_of(survey, tree["grassroots_a"])
    with pytest.raises(ValidationError):
        _fill(unit_clerk, response)
    commune_clerk = user_with_role(tree["commune_a"], Role.APPROVER)
    with pytest.raises(PermissionDenied):
        services.round_close(actor=commune_clerk, round_id=survey.pk)
    assert SurveyResponse.objects.filter(survey_round=survey).count() == 4
