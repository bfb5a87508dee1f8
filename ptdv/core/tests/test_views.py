import pytest
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


def test_anonymous_is_sent_to_login(client):
    for url in ("/", "/organisations/", "/candidacies/", "/candidacies/new/", "/accounts/users/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đăng nhập" in text and "Tên đăng nhập" in text and "Mật khẩu" in text
    assert "PTĐV — Phát triển đảng viên" in text
    assert "/static/vendor/bootstrap/dist/css/bootstrap.min.css" in text
    assert "cdn" not in text.lower()


def test_login_and_logout(client, tree):
    user = user_with_role(tree["commune_a"], Role.VIEWER)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    # Signing out is POST only, with the CSRF token.
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_wrong_password_gives_a_vietnamese_error(client, tree):
    user = user_with_role(tree["commune_a"], Role.VIEWER)
    response = client.post(reverse("login"), {"username": user.username, "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_locked_user_cannot_sign_in(client, tree):
    user = user_with_role(tree["commune_a"], Role.VIEWER, is_active=False)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_home_lists_the_users_roots_with_counts_and_links(client, tree):
    from ptdv.factories import CandidacyFactory, MembershipFactory, PersonFactory

    cell = tree["cell_a1"]
    MembershipFactory(person=PersonFactory(organisation=cell), organisation=cell)
    CandidacyFactory(person=PersonFactory(organisation=cell), organisation=cell)
    user = user_with_role(tree["commune_a"], Role.VIEWER)
    client.force_login(user)
    response = client.get(reverse("home"))
    text = response.content.decode()
    assert response.context["roots"] == [tree["commune_a"]]
    assert response.context["roots"][0].member_count == 1
    assert response.context["roots"][0].candidate_count == 1
    assert "Đảng bộ xã A" in text and "Đảng bộ xã B" not in text
    assert tree["commune_a"].get_absolute_url() in text
    assert f"{reverse('candidacies:list')}?organisation={tree['commune_a'].pk}" in text


def test_home_without_assignment_says_so(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert "chưa được phân quyền" in response.content.decode()


def test_admin_link_only_for_staff(client, tree):
    user = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    client.force_login(user)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    staff = user_with_role(tree["commune_a"], Role.VIEWER, is_staff=True)
    client.force_login(staff)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_navigation_follows_roles(client, tree):
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    client.force_login(viewer)
    text = client.get("/").content.decode()
    assert reverse("candidacies:register") not in text
    assert reverse("accounts:user_list") not in text
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    client.force_login(admin)
    text = client.get("/").content.decode()
    assert reverse("candidacies:register") in text
    assert reverse("accounts:user_list") in text


def test_every_post_form_carries_a_csrf_token(client, tree):
    client.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    for url in ("/", reverse("candidacies:register"), reverse("accounts:user_create")):
        text = client.get(url).content.decode()
        assert text.count('method="post"') <= text.count("csrfmiddlewaretoken")


def test_csrf_is_enforced_on_posts(tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = user_with_role(tree["commune_a"], Role.VIEWER)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
