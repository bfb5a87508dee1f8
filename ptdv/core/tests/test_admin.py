"""The Django admin follows the access policies: commune A's administrator never sees or
changes commune B, and what the services own is never editable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.audit.services import audit_record
from ptdv.candidacies.models import Candidacy, CandidacySearch
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)
from ptdv.organisations.models import Locality, Organisation
from ptdv.organisations.services import locality_save
from ptdv.people.models import Person
from ptdv.people.services import PersonData, person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(tree):
    return user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def browser(admin_a) -> Client:
    client = Client()
    client.force_login(admin_a)
    return client


@pytest.fixture
def world(tree, admin_a):
    """One object of each model in each commune."""
    objects = {}
    for key in ("a", "b"):
        cell = tree[f"cell_{key}1"]
        person = person_create(
            data=PersonData(
                family_name="Nguyễn",
                middle_name="Văn",
                given_name=f"Dân {key.upper()}",
                birth_date=dt.date(1999, 9, 9),
                gender="male",
                national_id=f"00109900012{1 if key == 'a' else 2}",
            ),
            organisation=cell,
            actor=None,
        )
        objects[f"person_{key}"] = person
        objects[f"candidacy_{key}"] = CandidacyFactory(person=person, organisation=cell)
        objects[f"membership_{key}"] = MembershipFactory(
            organisation=cell, person__organisation=cell
        )
        objects[f"locality_{key}"] = locality_save(
            Locality(
                code=f"L{key}",
                name=f"Thôn {key.upper()}",
                kind="village",
                organisation=tree[f"commune_{key}"],
            )
        )
        objects[f"organisation_{key}"] = cell
        objects[f"user_{key}"] = user_with_role(
            tree[f"commune_{key}"], Role.CLERK, username=f"nv-{key}"
        )
        objects[f"audit_{key}"] = audit_record(
            actor=None, action="view", obj=person, person=person, summary=f"Xem {key}"
        )
    objects["audit_own"] = audit_record(actor=admin_a, action="login", summary="Đăng nhập")
    return objects


MODELS = [
    ("organisations", "organisation"),
    ("organisations", "locality"),
    ("people", "person"),
    ("members", "partymembership"),
    ("candidacies", "candidacy"),
    ("audit", "auditentry"),
    ("accounts", "user"),
]
KEYS = {
    "organisation": "organisation",
    "locality": "locality",
    "person": "person",
    "partymembership": "membership",
    "candidacy": "candidacy",
    "auditentry": "audit",
    "user": "user",
}


def changelist_ids(client: Client, app: str, model: str) -> set[int]:
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200, response.content[:500]
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_shows_commune_a_and_not_commune_b(browser, world, app, model) -> None:
    ids = changelist_ids(browser, app, model)

    key = KEYS[model]
    assert world[f"{key}_a"].pk in ids
    assert world[f"{key}_b"].pk not in ids


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_change_page_of_commune_b_is_not_found(browser, world, app, model) -> None:
    obj_b = world[f"{KEYS[model]}_b"]
    url = reverse(f"admin:{app}_{model}_change", args=[obj_b.pk])

    response = browser.get(url)

    # Django's admin answers an object outside get_queryset like an absent one.
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")
    # A read-only admin refuses every POST before looking the object up (same for absent).
    assert browser.post(url, {}).status_code in (302, 403, 404)
    history = browser.get(reverse(f"admin:{app}_{model}_history", args=[obj_b.pk]))
    assert history.status_code in (302, 404)


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_change_page_of_commune_a_opens(browser, world, app, model) -> None:
    obj_a = world[f"{KEYS[model]}_a"]

    response = browser.get(reverse(f"admin:{app}_{model}_change", args=[obj_a.pk]))

    assert response.status_code == 200


def test_own_audit_entries_are_listed(browser, world) -> None:
    assert world["audit_own"].pk in changelist_ids(browser, "audit", "auditentry")


def test_audit_log_is_read_only(browser, world) -> None:
    entry = world["audit_a"]
    assert browser.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        browser.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    )
    response = browser.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"summary": "sửa"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "Xem a"


def test_person_page_masks_the_national_id_and_is_audited(browser, admin_a, world) -> None:
    person = world["person_a"]

    response = browser.get(reverse("admin:people_person_change", args=[person.pk]))

    html = response.content.decode()
    assert "001099000121" not in html
    assert "•••••••••121" in html
    assert "national_id_encrypted" not in html and person.national_id_encrypted not in html
    assert AuditEntry.objects.filter(actor=admin_a, action="view", person=person).count() == 1
    listing = browser.get(reverse("admin:people_person_changelist")).content.decode()
    assert "001099000121" not in listing


def test_person_change_keeps_name_keys_and_is_audited(browser, admin_a, world) -> None:
    person = world["person_a"]
    url = reverse("admin:people_person_change", args=[person.pk])
    form = browser.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(given_name="Đông", target_groups="[]", roles="[]", change_reason="Sửa chính tả")
    data = {k: v for k, v in data.items() if v is not False}

    response = browser.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.given_name == "Đông"
    assert " dong" in person.search_text
    # The candidate search reads the name from the candidacy's search entry.
    entry = CandidacySearch.objects.get(candidacy=world["candidacy_a"])
    assert (entry.search_text, entry.sort_key) == (person.search_text, person.sort_key)
    assert person.organisation == world["organisation_a"]
    entry = AuditEntry.objects.get(actor=admin_a, action="change", person=person)
    assert "given_name" in entry.data["fields"]
    for field in ("national_id_hash", "national_id_encrypted", "organisation", "sort_key"):
        assert field not in form.fields


def test_service_owned_fields_are_not_editable(browser, world) -> None:
    pages = {
        ("candidacies", "candidacy"): {"stage", "is_open", "version", "person", "organisation"},
        ("organisations", "organisation"): {
            "path",
            "depth",
            "member_count",
            "candidate_count",
            "parent",
        },
        ("members", "partymembership"): {"status", "organisation", "person"},
    }
    for (app, model), owned in pages.items():
        obj = world[f"{KEYS[model]}_a"]
        form = (
            browser.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
            .context["adminform"]
            .form
        )
        assert not owned & set(form.fields), model


def test_candidacy_stage_cannot_be_posted(browser, world) -> None:
    candidacy = world["candidacy_a"]
    url = reverse("admin:candidacies_candidacy_change", args=[candidacy.pk])

    response = browser.post(url, {"source_channel": "school", "stage": "official", "version": 9})

    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.stage == "source"
    assert candidacy.source_channel == "school"
    assert candidacy.version == 2


def test_no_additions_or_deletions_around_the_services(browser, world) -> None:
    for app, model in (
        ("people", "person"),
        ("candidacies", "candidacy"),
        ("members", "partymembership"),
    ):
        assert browser.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
        obj = world[f"{KEYS[model]}_a"]
        assert (
            browser.post(reverse(f"admin:{app}_{model}_delete", args=[obj.pk])).status_code == 403
        )
    assert Candidacy.objects.count() == 2


def test_organisation_added_through_the_service_under_own_subtree(browser, tree) -> None:
    url = reverse("admin:organisations_organisation_add")
    data = {
        "code": "Ca3",
        "name": "Chi bộ thôn A3",
        "kind": "cell",
        "sector": "rural_commune",
        "area_flags": "[]",
        "parent": tree["grassroots_a"].pk,
    }

    assert browser.post(url, data).status_code == 302
    created = Organisation.objects.get(code="Ca3")
    assert created.path.startswith(tree["grassroots_a"].path)
    assert created.depth == tree["grassroots_a"].depth + 1

    response = browser.post(url, {**data, "code": "Cb3", "parent": tree["grassroots_b"].pk})
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(code="Cb3").exists()


def test_viewer_above_sees_but_cannot_change_the_other_commune(tree, world) -> None:
    user = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)
    Assignment.objects.create(user=user, organisation=tree["province"], role=Role.VIEWER)
    client = Client()
    client.force_login(user)
    locality_b = world["locality_b"]
    url = reverse("admin:organisations_locality_change", args=[locality_b.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Đổi tên", "code": "Lb", "kind": "village"})

    assert response.status_code == 403
    locality_b.refresh_from_db()
    assert locality_b.name == "Thôn B"


def test_superuser_without_assignment_sees_nothing(tree, world) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for app, model in MODELS:
        if model == "user":
            continue
        response = client.get(reverse(f"admin:{app}_{model}_changelist"))
        assert response.status_code == 403, model
    person_b = world["person_b"]
    assert client.get(reverse("admin:people_person_change", args=[person_b.pk])).status_code in (
        302,
        403,
        404,
    )


def test_non_staff_user_is_sent_to_the_admin_login(tree, world) -> None:
    client = Client()
    client.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))

    response = client.get(reverse("admin:people_person_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_user_added_with_an_assignment_in_own_subtree(browser, tree) -> None:
    url = reverse("admin:accounts_user_add")
    data = {
        "username": "moi",
        "full_name": "Người mới",
        "usable_password": "true",
        "password1": "Mat-khau-rat-dai-2025",
        "password2": "Mat-khau-rat-dai-2025",
        "assignments-TOTAL_FORMS": "1",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "1",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-organisation": tree["cell_b1"].pk,
        "assignments-0-role": "clerk",
    }

    refused = browser.post(url, data)
    assert refused.status_code == 200
    assert not User.objects.filter(username="moi").exists()

    data["assignments-0-organisation"] = tree["cell_a1"].pk
    assert browser.post(url, data).status_code == 302
    user = User.objects.get(username="moi")
    assert list(user.assignments.values_list("organisation__code", "role")) == [("Ca1", "clerk")]
    assert not user.is_staff


def test_admin_cannot_grant_superuser(browser, world) -> None:
    form = (
        browser.get(reverse("admin:accounts_user_change", args=[world["user_a"].pk]))
        .context["adminform"]
        .form
    )
    assert not {"is_superuser", "is_staff", "user_permissions", "groups"} & set(form.fields)


def test_people_admin_search_ignores_accents(browser, tree) -> None:
    PersonFactory(
        family_name="Đặng", middle_name="Thị", given_name="Hoa", organisation=tree["cell_a1"]
    )
    PersonFactory(
        family_name="Đặng", middle_name="Thị", given_name="Hoa", organisation=tree["cell_b1"]
    )

    response = browser.get(reverse("admin:people_person_changelist"), {"q": "dang hoa"})

    assert [p.full_name for p in response.context["cl"].result_list] == ["Đặng Thị Hoa"]
    assert Person.objects.count() == 2


def test_index_lists_the_models_in_vietnamese(browser, world) -> None:
    html = browser.get(reverse("admin:index")).content.decode()

    for label in ("Tổ chức đảng", "Công dân", "Hồ sơ phát triển đảng viên", "Nhật ký"):
        assert label in html
    assert "Quản trị PTĐV" in html
    assert "Token" not in html
