"""An account's link to the person it belongs to (`user_person_set`, the user page's form):
an administrator of the user links a person of their subtrees; a person outside them answers
as an absent one and nothing is written; every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from ptdv.accounts.models import Role, User
from ptdv.audit.models import AuditEntry
from ptdv.factories import PersonFactory, user_with_role
from ptdv.people.services import USER_PERSON_NOT_FOUND, USER_PERSON_TAKEN, user_person_set

pytestmark = pytest.mark.django_db

SUMMARY = "Gắn tài khoản với người trong hồ sơ"


@pytest.fixture
def setup(tree):
    return {
        "admin": user_with_role(tree["commune_a"], Role.ADMINISTRATOR),
        "clerk": user_with_role(tree["cell_a1"], Role.CLERK),
        "person": PersonFactory(organisation=tree["cell_a1"], given_name="Khánh"),
        "outside": PersonFactory(organisation=tree["cell_b1"], given_name="Mẫn"),
        "tree": tree,
    }


def _link_entries(user):
    return AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))


def test_an_administrator_links_and_unlinks_a_person_of_the_subtree(setup):
    admin, clerk, person = setup["admin"], setup["clerk"], setup["person"]
    user_person_set(actor=admin, user=clerk, person=person.pk)  # by id, as the form sends it
    clerk.refresh_from_db()
    assert clerk.person_id == person.pk
    entry = _link_entries(clerk).get()
    assert entry.actor_id == admin.pk and entry.action == "change"
    assert entry.summary == SUMMARY and entry.person_id == person.pk
    assert entry.data == {"person": person.pk, "previous_person": None}
    # The same person again: nothing to change, nothing audited.
    user_person_set(actor=admin, user=clerk, person=person)
    assert _link_entries(clerk).count() == 1
    user_person_set(actor=admin, user=clerk, person=None)
    clerk.refresh_from_db()
    assert clerk.person_id is None
    last = _link_entries(clerk).order_by("-id").first()
    assert last.summary == "Bỏ gắn tài khoản với người trong hồ sơ"
    assert last.data == {"person": None, "previous_person": person.pk}


@pytest.mark.parametrize("named", ["outside", "absent"])
def test_a_person_outside_the_scope_answers_as_an_absent_one(setup, named):
    admin, clerk = setup["admin"], setup["clerk"]
    person = setup["outside"].pk if named == "outside" else 999_999
    with pytest.raises(ValidationError) as caught:
        user_person_set(actor=admin, user=clerk, person=person)
    assert caught.value.message_dict == {"person": [USER_PERSON_NOT_FOUND]}
    clerk.refresh_from_db()
    assert clerk.person_id is None
    assert not _link_entries(clerk).exists()


def test_a_person_belongs_to_one_account(setup):
    admin, person = setup["admin"], setup["person"]
    user_person_set(actor=admin, user=setup["clerk"], person=person)
    other = user_with_role(setup["tree"]["cell_a2"], Role.VIEWER)
    with pytest.raises(ValidationError) as caught:
        user_person_set(actor=admin, user=other, person=person)
    assert caught.value.message_dict == {"person": [USER_PERSON_TAKEN]}
    assert User.objects.get(pk=other.pk).person_id is None


def test_the_account_policies_decide_who_may_link(setup):
    tree, person = setup["tree"], setup["person"]
    # A user outside the administrator's subtrees: 404; below administrator: 403; one's own
    # account: 403. Nothing is written.
    clerk_b = user_with_role(tree["cell_b1"], Role.CLERK)
    with pytest.raises(Http404):
        user_person_set(actor=setup["admin"], user=clerk_b, person=person)
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    with pytest.raises(PermissionDenied):
        user_person_set(actor=approver, user=setup["clerk"], person=person)
    with pytest.raises(PermissionDenied):
        user_person_set(actor=setup["admin"], user=setup["admin"], person=person)
    assert not User.objects.filter(person__isnull=False).exists()
    assert not AuditEntry.objects.filter(summary=SUMMARY).exists()


def test_the_user_page_links_a_person(setup, client):
    admin, clerk, person = setup["admin"], setup["clerk"], setup["person"]
    client.force_login(admin)
    page = reverse("accounts:user_detail", args=[clerk.pk])
    text = client.get(page).content.decode()
    assert 'id="user-person"' in text and "Chưa gắn với người nào trong hồ sơ" in text
    url = reverse("user_person", args=[clerk.pk])
    answer = client.post(url, {"person": str(setup["outside"].pk)})
    assert answer.status_code == 200
    assert USER_PERSON_NOT_FOUND in answer.content.decode()
    assert User.objects.get(pk=clerk.pk).person_id is None
    answer = client.post(url, {"person": "abc"})
    assert "Mã công dân phải là một số." in answer.content.decode()
    answer = client.post(url, {"person": str(person.pk)})
    assert answer.status_code == 302 and answer["Location"] == page
    assert User.objects.get(pk=clerk.pk).person_id == person.pk
    text = client.get(page).content.decode()
    assert person.full_name in text and person.get_absolute_url() in text
    # Blank unlinks.
    assert client.post(url, {"person": ""}).status_code == 302
    assert User.objects.get(pk=clerk.pk).person_id is None


def test_the_user_page_does_not_name_a_person_outside_the_scope(setup, client):
    """A link made by a wider administrator to a person the page's reader cannot see: the
    page says a link exists, never whom."""
    tree, clerk = setup["tree"], setup["clerk"]
    wide = user_with_role(tree["province"], Role.ADMINISTRATOR)
    user_person_set(actor=wide, user=clerk, person=setup["outside"])
    client.force_login(setup["admin"])
    text = client.get(reverse("accounts:user_detail", args=[clerk.pk])).content.decode()
    assert "ngoài phạm vi bạn quản trị" in text
    assert setup["outside"].full_name not in text


def test_only_administrators_post_the_form(setup, client):
    client.force_login(user_with_role(setup["tree"]["commune_a"], Role.APPROVER))
    url = reverse("user_person", args=[setup["clerk"].pk])
    assert client.post(url, {"person": str(setup["person"].pk)}).status_code == 403
    assert User.objects.get(pk=setup["clerk"].pk).person_id is None
