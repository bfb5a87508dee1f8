"""Two-factor sign-in (TOTP and recovery codes): enrolment, the second step on the web, the
API and the Django admin, the requirement for administrators and approvers, reset by an
administrator. The requirement is on here (`required` fixture), as outside the demo."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _no_guessing_delay(settings):
    # django-otp doubles a wait after each wrong code; the tests send a right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def required(settings):
    settings.PTDV_2FA_REQUIRED = True


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows, computed from the device's key (RFC 6238)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def recovery(user, *codes: str) -> None:
    device = StaticDevice.objects.create(user=user, name="Mã khôi phục", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


# Enrolment -----------------------------------------------------------------------------------


def test_an_administrator_without_a_device_can_do_nothing_but_enrol(required, tree) -> None:
    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, username="qtv-a")
    client = sign_in("qtv-a")

    for url in ["/", reverse("accounts:user_list"), "/people/", reverse("accounts:security")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP + "?next=")
    api = client.get("/api/v1/organisations/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "otp_required"
    htmx = client.get("/", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx["HX-Redirect"].startswith(SETUP)

    page = client.get(SETUP + "?next=/people/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert "<svg" in html and "otpauth://totp/" in html

    wrong = client.post(SETUP, {"otp": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()

    done = client.post(SETUP, {"otp": code_for(device), "next": "/people/"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=admin).count() == 10

    # The session is verified: everything opens.
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:user_list")).status_code == 200
    assert client.get("/api/v1/organisations/").status_code == 200
    summaries = set(AuditEntry.objects.filter(actor=admin).values_list("summary", flat=True))
    assert {"Bật xác thực hai bước", "Tạo mã khôi phục đăng nhập"} <= summaries


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ADMINISTRATOR])
def test_approvers_and_administrators_must_enrol(required, tree, role) -> None:
    user_with_role(tree["cell_a1"], role, username="phai-bat")
    assert sign_in("phai-bat").get("/")["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CLERK])
def test_viewers_and_clerks_may_enrol_but_need_not(required, tree, role) -> None:
    user_with_role(tree["province"], role, username="tuy-chon")
    client = sign_in("tuy-chon")
    assert client.get("/").status_code == 200
    assert client.get(SETUP).status_code == 200


def test_staff_must_enrol_for_the_django_admin(required, tree) -> None:
    user_with_role(tree["province"], Role.VIEWER, username="ht", is_staff=True)
    client = Client()
    assert client.post("/admin/login/", {"username": "ht", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_optional_when_not_required_as_in_the_demo(settings, tree) -> None:
    settings.PTDV_2FA_REQUIRED = False
    user_with_role(tree["province"], Role.ADMINISTRATOR, username="qtv", is_staff=True)
    client = sign_in("qtv")
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_demo_default_is_optional_and_elsewhere_required() -> None:
    import importlib
    import os

    from config.settings import base

    saved = {name: os.environ.get(name) for name in ("PTDV_DEMO", "PTDV_2FA_REQUIRED")}
    try:
        os.environ.pop("PTDV_2FA_REQUIRED", None)
        os.environ["PTDV_DEMO"] = "1"
        assert importlib.reload(base).PTDV_2FA_REQUIRED is False
        os.environ["PTDV_DEMO"] = "0"
        assert importlib.reload(base).PTDV_2FA_REQUIRED is True
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        importlib.reload(base)


# The second step at sign-in ------------------------------------------------------------------


def test_a_user_with_a_device_gives_a_code_after_the_password(tree) -> None:
    # Not even required (a clerk who chose it): a device always means two steps.
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    client = sign_in("thu-a1")

    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"] == VERIFY + "?next=%2Fpeople%2F"
    assert client.get("/api/v1/people/").json()["error"]["code"] == "otp_required"

    wrong = client.post(VERIFY, {"otp": "12345", "next": "/people/"})
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng hoặc đã được dùng." in wrong.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)
    failure = AuditEntry.objects.get(summary="Đăng nhập không thành công")
    assert failure.data == {"door": "web-otp", "username": "thu-a1"}

    right = client.post(VERIFY, {"otp": code_for(device), "next": "/people/"})
    assert right.status_code == 302 and right["Location"] == "/people/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(actor=user, summary="Xác thực hai bước").count() == 1


def test_a_code_is_good_once(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    code = code_for(device)
    assert sign_in("thu-a1").post(VERIFY, {"otp": code}).status_code == 302

    replay = sign_in("thu-a1").post(VERIFY, {"otp": code})
    assert replay.status_code == 200  # refused: a code seen once is spent


def test_the_verify_page_sends_elsewhere_only_to_this_site(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    response = sign_in("thu-a1").post(
        VERIFY, {"otp": code_for(device), "next": "https://ke-xau.example/"}
    )
    assert response["Location"] == "/"


def test_a_recovery_code_signs_in_once(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.APPROVER, username="duyet")
    enrolled(user)
    recovery(user, "abcd2345", "efgh6789")

    client = sign_in("duyet")
    assert client.post(VERIFY, {"otp": "ABCD 2345"}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(summary="Đăng nhập bằng mã khôi phục").count() == 1

    again = sign_in("duyet")
    assert again.post(VERIFY, {"otp": "abcd2345"}).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 1


def test_wrong_codes_lock_the_account_like_wrong_passwords(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    client = sign_in("thu-a1")
    wrong = "000000" if code_for(device) != "000000" else "111111"

    for _ in range(9):
        assert client.post(VERIFY, {"otp": wrong}).status_code == 200
    tenth = client.post(VERIFY, {"otp": wrong})
    assert tenth.status_code == 429
    assert "Tài khoản đã bị tạm khóa" in tenth.content.decode()
    # Signed out, and the password alone no longer opens the account.
    assert client.get("/")["Location"].startswith("/accounts/login/")
    again = Client().post("/accounts/login/", {"username": "thu-a1", "password": PASSWORD})
    assert again.status_code == 429


def test_a_password_success_does_not_clear_failed_codes(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(5):
        sign_in("thu-a1").post(VERIFY, {"otp": wrong})
    client = sign_in("thu-a1")  # the password is right, the count goes on
    for _ in range(4):
        client.post(VERIFY, {"otp": wrong})
    assert client.post(VERIFY, {"otp": wrong}).status_code == 429


# The Django admin ----------------------------------------------------------------------------


def test_the_django_admin_needs_the_second_step(tree) -> None:
    user = user_with_role(tree["province"], Role.ADMINISTRATOR, username="qtv", is_staff=True)
    device = enrolled(user)
    client = Client()
    assert (
        client.post("/admin/login/", {"username": "qtv", "password": PASSWORD}).status_code == 302
    )

    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=%2Fadmin%2Faccounts%2Fuser%2F")
    assert client.post(VERIFY, {"otp": code_for(device)}).status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 200


def test_the_django_admin_does_not_show_devices(tree, required) -> None:
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


# The API token endpoint ----------------------------------------------------------------------


def token_request(username: str, **extra: str):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json"
    )


def test_the_token_endpoint_asks_a_code_of_an_enrolled_user(tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.APPROVER, username="duyet")
    device = enrolled(user)
    recovery(user, "khoiphuc2")

    missing = token_request("duyet")
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {
        "otp": [
            "Tài khoản này đăng nhập hai bước: nhập mã xác thực 6 chữ số từ ứng dụng "
            "(hoặc một mã khôi phục)."
        ]
    }
    wrong = token_request("duyet", otp="99999")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"] == {"otp": ["Mã xác thực không đúng hoặc đã được dùng."]}
    assert AuditEntry.objects.filter(
        summary="Đăng nhập không thành công", data__door="api-otp"
    ).exists()

    assert token_request("duyet", otp=code_for(device)).status_code == 200
    assert token_request("duyet", otp="khoiphuc2").status_code == 200
    assert token_request("duyet", otp="khoiphuc2").status_code == 400


def test_the_token_endpoint_refuses_who_must_enrol_first(required, tree) -> None:
    user_with_role(tree["cell_a1"], Role.APPROVER, username="duyet")

    response = token_request("duyet")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "otp_setup_required"
    assert "phải bật xác thực hai bước" in error["message"]


# Managing it ---------------------------------------------------------------------------------


def test_an_administrator_resets_two_factor_within_the_subtree(required, client, tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.APPROVER, username="duyet")
    enrolled(user)
    recovery(user, "abcd2345")
    url = reverse("accounts:user_two_factor_reset", args=[user.pk])

    outsider = user_with_role(tree["commune_b"], Role.ADMINISTRATOR)
    enrolled(outsider)
    client.force_login(outsider)
    session = client.session
    # A verified session (as after the second step) for the administrators of this test.
    device = TOTPDevice.objects.get(user=outsider)
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=user).exists()

    admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = enrolled(admin).persistent_id
    session.save()
    page = client.get(reverse("accounts:user_detail", args=[user.pk]))
    assert "Đặt lại xác thực hai bước" in page.content.decode()
    assert client.post(url).status_code == 302

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(summary="Đặt lại xác thực hai bước")
    assert entry.actor == admin and entry.object_id == str(user.pk)
    # At the next sign-in the approver enrols again.
    assert sign_in("duyet").get("/")["Location"].startswith(SETUP)


def test_a_user_turns_optional_two_factor_off_but_not_a_required_one(
    client, tree, settings
) -> None:
    clerk = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(clerk)
    client.force_login(clerk)
    assert client.post(VERIFY, {"otp": code_for(device)}).status_code == 302

    assert client.post(reverse("accounts:two_factor_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert client.get("/").status_code == 200

    settings.PTDV_2FA_REQUIRED = True
    approver = user_with_role(tree["cell_a1"], Role.APPROVER, username="duyet")
    device = enrolled(approver)
    client.force_login(approver)
    assert client.post(VERIFY, {"otp": code_for(device)}).status_code == 302
    assert client.post(reverse("accounts:two_factor_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=approver).exists()


def test_new_recovery_codes_replace_the_old_ones(client, tree) -> None:
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    recovery(user, "cu000001")
    client.force_login(user)
    client.post(VERIFY, {"otp": code_for(device)})

    response = client.post(reverse("accounts:two_factor_recovery_codes"))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    codes = response.context["codes"]
    assert len(codes) == 10
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(codes)
    assert token_request("thu-a1", otp="cu000001").status_code == 400


def test_after_a_wrong_code_the_next_one_waits(tree, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = user_with_role(tree["cell_a1"], Role.CLERK, username="thu-a1")
    device = enrolled(user)
    client = sign_in("thu-a1")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    client.post(VERIFY, {"otp": wrong})

    response = client.post(VERIFY, {"otp": code_for(device)})

    assert response.status_code == 200
    assert "hãy đợi" in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)
    api = token_request("thu-a1", otp=code_for(device))
    assert api.status_code == 400 and "hãy đợi" in api.json()["error"]["fields"]["otp"][0]
