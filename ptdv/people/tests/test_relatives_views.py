import pytest
from django.urls import reverse
from django.utils import timezone

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.documents.models import Relation, Relative
from ptdv.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_a(tree, client):
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(user)
    return user


@pytest.fixture
def person(tree):
    return PersonFactory(organisation=tree["cell_a1"])


@pytest.fixture
def relative(person):
    return Relative.objects.create(
        person=person,
        relation=Relation.FATHER,
        full_name="Nguyễn Văn Cha",
        birth_year=1960,
        occupation="Nông dân",
        residence="Thôn Đông",
        political_history="Tham gia dân quân 1979-1985.",
        party_member=True,
    )


def _form(**overrides):
    data = {
        "relation": Relation.MOTHER,
        "full_name": "Trần Thị Mẹ",
        "birth_year": "1965",
        "occupation": "Giáo viên",
        "residence": "Thôn Tây",
        "political_history": "Không tham gia tổ chức chính trị nào khác.",
        "party_member": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _relative_audit():
    return AuditEntry.objects.filter(object_type="documents.relative")


def _new_url(person):
    return reverse("people:relative_create", args=[person.pk])


def _edit_url(relative):
    return reverse("people:relative_update", args=[relative.pk])


def _delete_url(relative):
    return reverse("people:relative_delete", args=[relative.pk])


# --- The person page -------------------------------------------------------------------------


def test_person_page_lists_relatives_with_actions_for_a_clerk(client, clerk_a, person, relative):
    Relative.objects.create(person=person, relation=Relation.CHILD, full_name="Nguyễn Thị Con")
    text = client.get(person.get_absolute_url()).content.decode()
    assert "Quan hệ gia đình" in text
    assert "Cha đẻ" in text and "Nguyễn Văn Cha" in text and "1960" in text
    assert "Nông dân" in text and "Thôn Đông" in text and "Tham gia dân quân 1979-1985." in text
    # Listed in the order of form 2-KNĐ: the father before the child.
    assert text.index("Nguyễn Văn Cha") < text.index("Nguyễn Thị Con")
    assert _new_url(person) in text
    assert _edit_url(relative) in text and _delete_url(relative) in text


def test_person_page_shows_relatives_without_actions_to_a_viewer(client, tree, person, relative):
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    text = client.get(person.get_absolute_url()).content.decode()
    assert "Nguyễn Văn Cha" in text
    assert _new_url(person) not in text
    assert _edit_url(relative) not in text and _delete_url(relative) not in text


# --- Add -------------------------------------------------------------------------------------


def test_add_relative(client, clerk_a, person):
    page = client.get(_new_url(person))
    assert page.status_code == 200
    assert "Quan hệ với người khai" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = client.post(_new_url(person), _form(), follow=True)
    assert response.redirect_chain[-1][0] == person.get_absolute_url() + "#relatives"
    relative = Relative.objects.get(person=person)
    assert relative.relation == Relation.MOTHER
    assert relative.full_name == "Trần Thị Mẹ"
    assert relative.birth_year == 1965
    assert relative.occupation == "Giáo viên" and relative.residence == "Thôn Tây"
    assert relative.party_member is True
    text = response.content.decode()
    assert "Đã thêm người thân." in text and "Trần Thị Mẹ" in text
    entry = _relative_audit().get(action="create", person=person)
    assert entry.actor == clerk_a and entry.summary == "Khai người thân"


@pytest.mark.parametrize("year", ["1899", str(timezone.localdate().year + 1)])
def test_birth_year_out_of_range_is_refused_with_a_message(client, clerk_a, person, year):
    response = client.post(_new_url(person), _form(birth_year=year))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Năm sinh phải từ 1900 đến {timezone.localdate().year}." in text
    assert "is-invalid" in text
    assert not Relative.objects.exists()
    assert not _relative_audit().filter(action="create").exists()


def test_birth_year_not_a_number_and_missing_name(client, clerk_a, person):
    response = client.post(_new_url(person), _form(birth_year="năm 65", full_name=""))
    text = response.content.decode()
    assert "Nhập năm sinh bằng số, ví dụ 1965." in text
    assert "Nhập họ và tên người thân." in text
    assert not Relative.objects.exists()


def test_birth_year_is_optional(client, clerk_a, person):
    client.post(_new_url(person), _form(birth_year=""))
    assert Relative.objects.get(person=person).birth_year is None


def test_service_error_lands_on_its_field_and_nothing_is_written(client, clerk_a, person, relative):
    response = client.post(_new_url(person), _form(relation=Relation.FATHER))
    assert response.status_code == 200
    assert "Đã khai người thân với quan hệ này" in response.content.decode()
    assert response.context["form"].errors["relation"]
    assert Relative.objects.filter(person=person).count() == 1
    assert not _relative_audit().filter(action="create").exists()


# --- Edit ------------------------------------------------------------------------------------


def test_edit_relative(client, clerk_a, person, relative):
    page = client.get(_edit_url(relative))
    assert page.status_code == 200
    assert "Nguyễn Văn Cha" in page.content.decode()

    response = client.post(
        _edit_url(relative),
        _form(
            relation=Relation.FATHER,
            full_name="Nguyễn Văn Cha",
            birth_year="1961",
            party_member=None,
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == person.get_absolute_url() + "#relatives"
    assert "Đã lưu thông tin người thân." in response.content.decode()
    relative.refresh_from_db()
    assert relative.birth_year == 1961
    assert relative.party_member is False
    assert relative.occupation == "Giáo viên"
    entry = _relative_audit().get(action="change", person=person)
    assert entry.actor == clerk_a and "birth_year" in entry.data["fields"]


def test_bad_edit_writes_nothing(client, clerk_a, person, relative):
    response = client.post(_edit_url(relative), _form(relation="uncle", birth_year="1800"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["relation"] and form.errors["birth_year"]
    relative.refresh_from_db()
    assert relative.relation == Relation.FATHER and relative.birth_year == 1960
    assert not _relative_audit().filter(action="change").exists()


# --- Delete ----------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes(client, clerk_a, person, relative):
    page = client.get(_delete_url(relative))
    assert page.status_code == 200
    assert "Xác nhận xóa" in page.content.decode()
    assert Relative.objects.filter(pk=relative.pk).exists()

    response = client.post(_delete_url(relative), follow=True)
    assert response.redirect_chain[-1][0] == person.get_absolute_url() + "#relatives"
    assert "Đã xóa người thân." in response.content.decode()
    assert not Relative.objects.filter(pk=relative.pk).exists()
    entry = _relative_audit().get(action="delete", person=person)
    assert entry.actor == clerk_a and entry.object_id == str(relative.pk)


def test_delete_needs_the_csrf_token(tree, person, relative):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    assert strict.post(_delete_url(relative)).status_code == 403
    assert Relative.objects.filter(pk=relative.pk).exists()


# --- Access ----------------------------------------------------------------------------------


def test_clerk_of_commune_b_gets_404(client, tree, person, relative):
    client.force_login(user_with_role(tree["commune_b"], Role.CLERK))
    assert client.get(_new_url(person)).status_code == 404
    assert client.post(_new_url(person), _form()).status_code == 404
    assert client.get(_edit_url(relative)).status_code == 404
    assert client.post(_edit_url(relative), _form(relation=Relation.FATHER)).status_code == 404
    assert client.get(_delete_url(relative)).status_code == 404
    assert client.post(_delete_url(relative)).status_code == 404
    assert client.get(reverse("people:relative_update", args=[999999])).status_code == 404
    relative.refresh_from_db()
    assert relative.birth_year == 1960
    assert Relative.objects.filter(person=person).count() == 1
    assert not _relative_audit().exists()


def test_viewer_gets_403(client, tree, person, relative):
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    assert client.get(_new_url(person)).status_code == 403
    assert client.post(_new_url(person), _form()).status_code == 403
    assert client.get(_edit_url(relative)).status_code == 403
    assert client.post(_edit_url(relative), _form(relation=Relation.FATHER)).status_code == 403
    assert client.get(_delete_url(relative)).status_code == 403
    assert client.post(_delete_url(relative)).status_code == 403
    relative.refresh_from_db()
    assert relative.full_name == "Nguyễn Văn Cha"
    assert Relative.objects.filter(person=person).count() == 1
    assert not _relative_audit().exists()
