import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

USERS = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")
PASSWORD = "mat-khau-thu-nghiem"


def url(name, user, *extra):
    return reverse(f"accounts:{name}", args=[user.pk, *extra])


@pytest.fixture
def admin_a(tree, client):
    user = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    client.force_login(user)
    return user


@pytest.fixture
def clerk_a1(tree):
    return user_with_role(tree["cell_a1"], Role.CLERK, full_name="Trần Văn Thư")


@pytest.fixture
def clerk_b(tree):
    return user_with_role(tree["commune_b"], Role.CLERK)


# Who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CLERK, Role.APPROVER, None])
def test_non_administrators_get_403_everywhere(client, tree, clerk_a1, role):
    user = user_with_role(tree["province"], role) if role else UserFactory()
    client.force_login(user)
    assert client.get(USERS).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {}).status_code == 403
    assert client.get(url("user_detail", clerk_a1)).status_code == 403
    assert client.post(url("user_deactivate", clerk_a1)).status_code == 403
    assert client.post(url("user_password", clerk_a1)).status_code == 403
    assert client.post(url("assignment_add", clerk_a1)).status_code == 403
    clerk_a1.refresh_from_db()
    assert clerk_a1.is_active


def test_list_shows_only_users_inside_the_admins_subtrees(client, admin_a, clerk_a1, clerk_b):
    response = client.get(USERS)
    assert response.status_code == 200
    listed = {u.username for u in response.context["page"].object_list}
    assert listed == {admin_a.username, clerk_a1.username}
    text = response.content.decode()
    assert "Trần Văn Thư" in text and "Nhập liệu" in text and "Chi bộ thôn A1" in text


def test_list_query_count_does_not_grow_with_users(
    client, tree, admin_a, django_assert_num_queries
):
    for _ in range(5):
        user_with_role(tree["cell_a1"], Role.CLERK)
    # session, user, assignments, count, page rows, their assignments
    with django_assert_num_queries(6):
        client.get(USERS)
    for _ in range(30):
        user_with_role(tree["cell_a2"], Role.VIEWER)
    with django_assert_num_queries(6):
        client.get(USERS)


def test_list_search(client, admin_a, clerk_a1):
    response = client.get(USERS, {"q": "trần văn"})
    assert [u.pk for u in response.context["page"].object_list] == [clerk_a1.pk]


@pytest.mark.parametrize(
    "name", ["user_detail", "user_deactivate", "user_reactivate", "user_password", "assignment_add"]
)
def test_user_outside_the_subtree_is_404(client, admin_a, clerk_b, name):
    method = client.get if name in ("user_detail", "user_password") else client.post
    assert method(url(name, clerk_b)).status_code == 404
    assert method(reverse(f"accounts:{name}", args=[999999])).status_code == 404
    clerk_b.refresh_from_db()
    assert clerk_b.is_active


# Create --------------------------------------------------------------------------------------


def test_create_user_with_a_generated_password_shown_once(client, tree, admin_a):
    form = client.get(CREATE).context["form"]
    choices = list(form.fields["organisation"].queryset)
    assert tree["commune_a"] in choices and tree["cell_a1"] in choices
    assert tree["commune_b"] not in choices and tree["province"] not in choices

    response = client.post(
        CREATE,
        {
            "username": "thuky-a1",
            "full_name": "Lê Thị Thư Ký",
            "organisation": tree["cell_a1"].pk,
            "role": Role.CLERK,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    user = User.objects.get(username="thuky-a1")
    assert user.check_password(password) and user.full_name == "Lê Thị Thư Ký"
    assert Assignment.objects.get(user=user).organisation == tree["cell_a1"]
    entry = AuditEntry.objects.get(object_type="accounts.user", action="create")
    assert entry.actor == admin_a and password not in str(entry.data) + entry.summary
    # Through the sign-in page: django-axes checks every sign-in against its request.
    signed_in = Client().post("/accounts/login/", {"username": "thuky-a1", "password": password})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def test_create_user_with_a_typed_password(client, tree, admin_a):
    response = client.post(
        CREATE,
        {
            "username": "xem-a",
            "full_name": "Phạm Văn Xem",
            "organisation": tree["commune_a"].pk,
            "role": Role.VIEWER,
            "password1": "Hoa-sen-nở-2026",
            "password2": "Hoa-sen-nở-2026",
        },
    )
    user = User.objects.get(username="xem-a")
    assert response.status_code == 302 and response["Location"] == url("user_detail", user)
    assert user.check_password("Hoa-sen-nở-2026")


GOOD = "Hoa-sen-nở-2026"
BAD_USERNAME = "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _"
NUMERIC = "Mật khẩu này hoàn toàn là số."
COMMON = "Mật khẩu này quá phổ biến."
MISMATCH = "Hai lần nhập mật khẩu không khớp."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "123", "password2": "123"}, "password1", NUMERIC),
        ({"password1": "password", "password2": "password"}, "password1", COMMON),
        ({"password1": GOOD, "password2": "khác"}, "password2", MISMATCH),
        ({"username": "có dấu cách"}, "username", BAD_USERNAME),
        ({"organisation": "outside"}, "organisation", "Lựa chọn không hợp lệ."),
        ({"full_name": ""}, "full_name", "Nhập họ và tên."),
    ],
)
def test_create_user_errors(client, tree, admin_a, overrides, field, message):
    data = {
        "username": "moi",
        "full_name": "Người Mới",
        "organisation": tree["cell_a1"].pk,
        "role": Role.CLERK,
        **overrides,
    }
    if data["organisation"] == "outside":
        data["organisation"] = tree["cell_b1"].pk
    before = (User.objects.count(), AuditEntry.objects.count())
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert (User.objects.count(), AuditEntry.objects.count()) == before


def test_create_user_duplicate_username(client, tree, admin_a, clerk_a1):
    response = client.post(
        CREATE,
        {
            "username": clerk_a1.username.upper(),
            "full_name": "Trùng Tên",
            "organisation": tree["cell_a1"].pk,
            "role": Role.CLERK,
        },
    )
    assert "Tên đăng nhập đã được sử dụng." in response.context["form"].errors["username"]


# Lock, unlock, password ----------------------------------------------------------------------


def test_deactivate_and_reactivate(client, tree, admin_a, clerk_a1):
    other = Client()
    other.force_login(clerk_a1)
    assert other.get("/").status_code == 200
    response = client.post(url("user_deactivate", clerk_a1))
    assert response.status_code == 302
    clerk_a1.refresh_from_db()
    assert not clerk_a1.is_active
    assert other.get("/").status_code == 302  # the open session stops working
    assert client.get(url("user_deactivate", clerk_a1)).status_code == 405
    client.post(url("user_reactivate", clerk_a1))
    clerk_a1.refresh_from_db()
    assert clerk_a1.is_active
    summaries = list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(clerk_a1.pk))
        .exclude(action="login")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries == ["Khóa tài khoản", "Mở khóa tài khoản"]


def test_reset_password_generated_is_shown_once(client, admin_a, clerk_a1):
    other = Client()
    other.force_login(clerk_a1)
    response = client.post(url("user_password", clerk_a1), {})
    assert response.status_code == 200
    password = response.context["password"]
    clerk_a1.refresh_from_db()
    assert clerk_a1.check_password(password) and not clerk_a1.check_password(PASSWORD)
    assert "no-store" in response["Cache-Control"]
    assert SESSION_KEY not in other.session or other.get("/").status_code == 302
    entry = AuditEntry.objects.get(summary="Đặt lại mật khẩu")
    assert entry.actor == admin_a and password not in str(entry.data)
    # Shown once: the user page never shows it again.
    assert password not in client.get(url("user_detail", clerk_a1)).content.decode()


def test_reset_password_typed_is_validated(client, admin_a, clerk_a1):
    numeric = {"password1": "12345678", "password2": "12345678"}
    response = client.post(url("user_password", clerk_a1), numeric)
    assert "Mật khẩu này hoàn toàn là số." in response.context["form"].errors["password1"]
    clerk_a1.refresh_from_db()
    assert clerk_a1.check_password(PASSWORD)
    good = {"password1": "Trăng-rằm-2026", "password2": "Trăng-rằm-2026"}
    response = client.post(url("user_password", clerk_a1), good)
    assert response.status_code == 302
    clerk_a1.refresh_from_db()
    assert clerk_a1.check_password("Trăng-rằm-2026")


def test_account_changes_refused_for_users_with_access_elsewhere(client, tree, admin_a, clerk_a1):
    # Also a clerk of commune B: locking them would cut access the admin does not manage.
    Assignment.objects.create(user=clerk_a1, organisation=tree["commune_b"], role=Role.CLERK)
    assert client.get(url("user_detail", clerk_a1)).status_code == 200
    assert client.post(url("user_deactivate", clerk_a1)).status_code == 403
    assert client.post(url("user_password", clerk_a1), {}).status_code == 403
    clerk_a1.refresh_from_db()
    assert clerk_a1.is_active and clerk_a1.check_password(PASSWORD)


def test_account_changes_refused_for_self_and_staff(client, tree, admin_a):
    assert client.post(url("user_deactivate", admin_a)).status_code == 403
    staff = user_with_role(tree["cell_a1"], Role.VIEWER, is_staff=True)
    assert client.post(url("user_password", staff), {}).status_code == 403
    assert client.post(url("user_deactivate", staff)).status_code == 403


# Assignments ---------------------------------------------------------------------------------


def test_add_and_remove_assignments(client, tree, admin_a, clerk_a1):
    response = client.post(
        url("assignment_add", clerk_a1), {"organisation": tree["cell_a2"].pk, "role": Role.VIEWER}
    )
    assert response.status_code == 302
    added = Assignment.objects.get(user=clerk_a1, organisation=tree["cell_a2"])
    assert added.role == Role.VIEWER
    again = client.post(
        url("assignment_add", clerk_a1), {"organisation": tree["cell_a2"].pk, "role": Role.CLERK}
    )
    assert "Người dùng đã được phân quyền tại tổ chức này." in again.content.decode()
    outside = client.post(
        url("assignment_add", clerk_a1), {"organisation": tree["cell_b1"].pk, "role": Role.CLERK}
    )
    assert outside.status_code == 200
    assert not Assignment.objects.filter(user=clerk_a1, organisation=tree["cell_b1"]).exists()

    response = client.post(url("assignment_remove", clerk_a1, added.pk))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=added.pk).exists()
    assert AuditEntry.objects.filter(summary="Phân quyền người dùng").count() == 1
    assert AuditEntry.objects.filter(summary="Xóa phân quyền người dùng").count() == 1


def test_last_assignment_is_kept(client, admin_a, clerk_a1):
    only = Assignment.objects.get(user=clerk_a1)
    response = client.post(url("assignment_remove", clerk_a1, only.pk), follow=True)
    assert "Không thể xóa phân quyền cuối cùng" in response.content.decode()
    assert Assignment.objects.filter(pk=only.pk).exists()


def test_assignment_outside_the_subtree_cannot_be_removed(client, tree, admin_a, clerk_a1):
    elsewhere = Assignment.objects.create(
        user=clerk_a1, organisation=tree["commune_b"], role=Role.CLERK
    )
    assert client.post(url("assignment_remove", clerk_a1, elsewhere.pk)).status_code == 404
    assert Assignment.objects.filter(pk=elsewhere.pk).exists()


def test_cell_administrator_cannot_manage_the_commune(client, tree):
    cell_admin = user_with_role(tree["cell_a1"], Role.ADMINISTRATOR)
    commune_clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(cell_admin)
    assert client.get(url("user_detail", commune_clerk)).status_code == 404
    response = client.post(
        CREATE,
        {"username": "x", "full_name": "X", "organisation": tree["commune_a"].pk, "role": "viewer"},
    )
    assert "Lựa chọn không hợp lệ." in response.context["form"].errors["organisation"]


@pytest.mark.django_db
def test_login_is_audited(client, tree):
    from ptdv.audit.models import AuditEntry
    from ptdv.factories import user_with_role

    user = user_with_role(tree["commune_a"])
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "mat-khau-thu-nghiem"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(actor=user, action="login").exists()
