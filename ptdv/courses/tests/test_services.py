"""The course services: scope, roles, refusals, concurrent changes; the warnings and the
yearly figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.core.work import work_sources
from ptdv.courses.models import Course, CourseKind, Enrolment, Result
from ptdv.courses.selectors import (
    certificate_valid_months,
    certificates_expiring,
    course_figures,
    course_list,
)
from ptdv.courses.services import (
    StaleCourse,
    certificates_expiring_notify,
    course_update,
    courses_starting_notify,
    enrolments_add,
    results_record,
)
from ptdv.courses.tests.conftest import make_course
from ptdv.factories import CandidacyFactory, user_with_role
from ptdv.notifications.models import Notification
from ptdv.rules import engine


@pytest.mark.django_db
def test_enrolment_outside_the_scope_is_not_found_and_writes_nothing(
    clerk, course, pool, tree, today
):
    outside = CandidacyFactory(organisation=tree["cell_b1"])
    entries = AuditEntry.objects.count()
    with pytest.raises(Http404):
        enrolments_add(
            actor=clerk,
            course_id=course.pk,
            candidacy_ids=[pool[0].pk, outside.pk],
            today=today,
        )
    assert not Enrolment.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_course_outside_the_scope_is_not_found(course, pool, tree, today):
    other = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        enrolments_add(actor=other, course_id=course.pk, candidacy_ids=[pool[0].pk], today=today)
    assert not course_list(actor=other).exists()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_a_viewer_may_see_but_not_enrol(viewer, course, pool, today):
    assert list(course_list(actor=viewer)) == [course]
    with pytest.raises(PermissionDenied):
        enrolments_add(actor=viewer, course_id=course.pk, candidacy_ids=[pool[0].pk], today=today)


@pytest.mark.django_db
def test_a_cell_clerk_enrols_only_the_cells_candidates_in_its_own_course(tree, pool, today):
    cell_clerk = user_with_role(tree["cell_a1"], Role.CLERK)
    commune_course = make_course(user_with_role(tree["commune_a"]), tree["commune_a"], today)
    with pytest.raises(Http404):  # the commune's course is not the cell's to manage
        enrolments_add(
            actor=cell_clerk, course_id=commune_course.pk, candidacy_ids=[pool[0].pk], today=today
        )
    own = make_course(cell_clerk, tree["cell_a1"], today)
    with pytest.raises(Http404):  # a candidate of the sibling cell
        enrolments_add(actor=cell_clerk, course_id=own.pk, candidacy_ids=[pool[1].pk], today=today)
    added = enrolments_add(
        actor=cell_clerk, course_id=own.pk, candidacy_ids=[pool[0].pk], today=today
    )
    assert [e.candidacy_id for e in added] == [pool[0].pk]


@pytest.mark.django_db
def test_enrolment_refusals(clerk, course, pool, tree, today):
    enrolments_add(actor=clerk, course_id=course.pk, candidacy_ids=[pool[0].pk], today=today)
    with pytest.raises(ValidationError) as twice:
        enrolments_add(actor=clerk, course_id=course.pk, candidacy_ids=[pool[0].pk], today=today)
    assert "đã có trong lớp" in str(twice.value)
    Candidacy.objects.filter(pk=pool[1].pk).update(stage=Stage.PROBATIONARY)
    with pytest.raises(ValidationError) as stage:
        enrolments_add(actor=clerk, course_id=course.pk, candidacy_ids=[pool[1].pk], today=today)
    assert "không học lớp này" in str(stage.value)
    small = make_course(clerk, tree["commune_a"], today, capacity=2)
    with pytest.raises(ValidationError) as full:
        enrolments_add(
            actor=clerk, course_id=small.pk, candidacy_ids=[c.pk for c in pool[2:5]], today=today
        )
    assert "còn 2 chỗ" in str(full.value)
    assert Enrolment.objects.count() == 1


@pytest.mark.django_db
def test_new_member_programme_takes_admitted_members(clerk, tree, pool, today):
    course = make_course(clerk, tree["commune_a"], today, kind=CourseKind.NEW_MEMBER)
    Candidacy.objects.filter(pk=pool[0].pk).update(stage=Stage.PROBATIONARY)
    with pytest.raises(ValidationError):
        enrolments_add(actor=clerk, course_id=course.pk, candidacy_ids=[pool[1].pk], today=today)
    added = enrolments_add(
        actor=clerk, course_id=course.pk, candidacy_ids=[pool[0].pk], today=today
    )
    assert len(added) == 1


@pytest.mark.django_db
def test_a_stale_version_changes_nothing(clerk, course, pool, today):
    enrolment = enrolments_add(
        actor=clerk, course_id=course.pk, candidacy_ids=[pool[0].pk], today=today
    )[0]
    seen = Course.objects.get(pk=course.pk).version
    results_record(
        actor=clerk, course_id=course.pk, results={enrolment.pk: Result.PASSED}, version=seen
    )
    with pytest.raises(StaleCourse):
        results_record(
            actor=clerk, course_id=course.pk, results={enrolment.pk: Result.FAILED}, version=seen
        )
    assert Enrolment.objects.get(pk=enrolment.pk).result == Result.PASSED


@pytest.mark.django_db
def test_course_dates_and_capacity(clerk, course, pool, today, tree):
    from ptdv.courses.services import CourseData

    with pytest.raises(ValidationError):
        make_course(clerk, tree["commune_a"], today, ends_on=today - dt.timedelta(days=50))
    enrolments_add(
        actor=clerk, course_id=course.pk, candidacy_ids=[c.pk for c in pool[:3]], today=today
    )
    data = CourseData(
        organiser=None,
        kind="awareness",
        format="online",
        name="Lớp đổi tên",
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        capacity=2,
    )
    with pytest.raises(ValidationError):
        course_update(actor=clerk, course_id=course.pk, data=data)
    changed = course_update(
        actor=clerk, course_id=course.pk, data=CourseData(**{**data.__dict__, "capacity": 3})
    )
    assert changed.name == "Lớp đổi tên" and changed.format == "online"


@pytest.mark.django_db
def test_organiser_outside_the_scope_is_refused_as_absent(clerk, tree, today):
    with pytest.raises(ValidationError) as refused:
        make_course(clerk, tree["commune_b"], today)
    assert "organiser" in refused.value.message_dict
    assert not Course.objects.exists()


# --- Warnings --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_certificates_expiring_follow_the_rule_sets_validity(clerk, tree, today):
    months = certificate_valid_months(today)
    assert months == engine.ruleset_for(today).parameters.certificate_valid_months
    expiring_on = today + dt.timedelta(days=30)
    soon = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.TRAINED)
    later = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.TRAINED)
    voted = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.BRANCH_RESOLVED)
    elsewhere = CandidacyFactory(organisation=tree["cell_b1"], stage=Stage.TRAINED)
    Candidacy.objects.filter(pk__in=[soon.pk, voted.pk, elsewhere.pk]).update(
        certificate_date=engine.add_months(expiring_on, -months)
    )
    Candidacy.objects.filter(pk=later.pk).update(
        certificate_date=engine.add_months(today + dt.timedelta(days=120), -months)
    )
    found = certificates_expiring(actor=clerk, today=today)
    assert [e.candidacy_id for e in found] == [soon.pk]
    assert abs((found[0].expires_on - expiring_on).days) <= 3
    items = list(work_sources()["certificate_expiring"](clerk, today))
    assert [i.object_key.split(":")[1] for i in items] == [str(soon.pk)]

    told = certificates_expiring_notify(today=today)
    assert told >= 1
    assert Notification.objects.filter(user=clerk, kind="certificate_expiring").count() == 1
    assert certificates_expiring_notify(today=today) == 0  # once per certificate


@pytest.mark.django_db
def test_candidates_without_course_and_courses_starting(clerk, tree, pool, today):
    upcoming = make_course(
        clerk,
        tree["commune_a"],
        today,
        starts_on=today + dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=20),
    )
    enrolments_add(
        actor=clerk, course_id=upcoming.pk, candidacy_ids=[c.pk for c in pool[:10]], today=today
    )
    items = list(work_sources()["candidate_without_course"](clerk, today))
    assert sum(int(i.title.split(": ")[1].split()[0]) for i in items) == 20
    starting = list(work_sources()["course_starting"](clerk, today))
    assert [i.object_key for i in starting] == [f"course:{upcoming.pk}"]
    assert starting[0].due == upcoming.starts_on
    other = user_with_role(tree["commune_b"], Role.CLERK)
    assert list(work_sources()["course_starting"](other, today)) == []
    assert list(work_sources()["candidate_without_course"](other, today)) == []
    assert courses_starting_notify(today=today) == 1
    assert Notification.objects.get(kind="course_starting").user == clerk


# --- Figures ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_figures_per_organisation_and_year(clerk, tree, pool, today):
    from ptdv.courses.models import CourseFormat

    online = make_course(clerk, tree["commune_a"], today, format=CourseFormat.ONLINE)
    daytime = make_course(clerk, tree["commune_a"], today, format=CourseFormat.IN_PERSON)
    a = enrolments_add(
        actor=clerk, course_id=online.pk, candidacy_ids=[c.pk for c in pool[:4]], today=today
    )
    b = enrolments_add(
        actor=clerk, course_id=daytime.pk, candidacy_ids=[c.pk for c in pool[4:6]], today=today
    )
    results_record(
        actor=clerk,
        course_id=online.pk,
        results={e.pk: "passed" for e in a[:3]} | {a[3].pk: "failed"},
    )
    results_record(actor=clerk, course_id=daytime.pk, results={e.pk: "passed" for e in b})
    certified = online.ends_on + dt.timedelta(days=1)
    Enrolment.objects.filter(result="passed").update(certificate_date=certified)
    Candidacy.objects.filter(pk=pool[0].pk).update(
        application_date=certified + dt.timedelta(days=10)
    )
    Candidacy.objects.filter(pk=pool[1].pk).update(
        application_date=certified + dt.timedelta(days=30)
    )
    Candidacy.objects.filter(pk__in=[pool[0].pk, pool[4].pk]).update(decision_date=online.ends_on)
    total, children = course_figures(
        actor=clerk, organisation=tree["commune_a"], year=online.ends_on.year
    )
    assert (total.trained, total.passed) == (6, 5)
    assert total.median_days == 20
    assert (total.admitted, total.admitted_flexible) == (2, 1)
    assert total.flexible_share == 0.5
    assert [c.organisation.pk for c in children] == [tree["grassroots_a"].pk]
    assert children[0].trained == 6


@pytest.mark.django_db
def test_remind_command(clerk, tree, today):
    import io

    from django.core.management import call_command

    make_course(
        clerk,
        tree["commune_a"],
        today,
        starts_on=today + dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=10),
    )
    out = io.StringIO()
    call_command("courses", "remind", "--today", today.strftime("%d/%m/%Y"), stdout=out)
    assert "1 về lớp sắp khai giảng" in out.getvalue()
