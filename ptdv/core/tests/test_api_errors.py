"""Under /api/ every error is the JSON envelope (a 500 with a reference that is in the log);
outside it the Vietnamese HTML pages stay."""

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

import config.urls


def plain_view_that_fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("hỏng ở view Django thường")


def plain_post_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


class ApiViewThatFails(APIView):
    def get(self, request):
        raise ZeroDivisionError("hỏng trong DRF")


class FailingMiddlewareView(APIView):
    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("api/v1/_test/plain-fails/", plain_view_that_fails),
    path("api/v1/_test/plain-post/", plain_post_view),
    path("api/v1/_test/drf-fails/", ApiViewThatFails.as_view()),
    path("_test/page-fails/", plain_view_that_fails),
    path("", include(config.urls.urlpatterns)),
]
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def assert_envelope(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["fields"] == {}
    return error


@pytest.fixture
def signed_in(tree):
    from ptdv.factories import user_with_role

    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(tree["commune_a"]))
    return client


def test_unknown_api_path_is_a_json_404():
    response = Client().get("/api/v1/khong-co/")
    error = assert_envelope(response, 404, "not_found")
    assert "reference" not in error


def test_unknown_api_path_is_json_even_with_debug_pages(settings):
    # `make run` has DEBUG on, where Django answers an unmatched path with its HTML page.
    settings.DEBUG = True
    assert_envelope(Client().get("/api/v1/khong-co/"), 404, "not_found")


def test_wrong_method_is_a_json_405(signed_in):
    response = signed_in.delete("/api/v1/people/")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("url", ["/api/v1/_test/plain-fails/", "/api/v1/_test/drf-fails/"])
def test_server_error_is_json_with_a_reference_that_is_logged(signed_in, caplog, url):
    with caplog.at_level(logging.ERROR, logger="ptdv.errors"):
        response = signed_in.get(url + "?search=Nguy%E1%BB%85n")
    error = assert_envelope(response, 500, "server_error")
    reference = error["reference"]
    assert len(reference) == 32 and int(reference, 16) >= 0
    records = [r for r in caplog.records if r.name == "ptdv.errors"]
    assert len(records) == 1
    assert reference in records[0].getMessage()
    assert records[0].exc_info is not None  # the traceback is in the log
    # The query string (a searched name) never reaches the log.
    assert "Nguy" not in records[0].getMessage()


def test_server_error_is_json_with_debug_on(signed_in, settings, caplog):
    settings.DEBUG = True
    with caplog.at_level(logging.ERROR, logger="ptdv.errors"):
        response = signed_in.get("/api/v1/_test/plain-fails/")
    error = assert_envelope(response, 500, "server_error")
    assert any(error["reference"] in r.getMessage() for r in caplog.records)


def test_error_in_a_middleware_is_json(signed_in, caplog, monkeypatch):
    from ptdv.core import middleware

    def broken(self, request):
        raise RuntimeError("hỏng trong middleware")

    monkeypatch.setattr(middleware.LoginRequiredMiddleware, "__call__", broken)
    with caplog.at_level(logging.ERROR, logger="ptdv.errors"):
        response = Client(raise_request_exception=False).get("/api/v1/people/")
    error = assert_envelope(response, 500, "server_error")
    assert any(error["reference"] in r.getMessage() for r in caplog.records)


def test_csrf_failure_under_api_is_json(signed_in):
    signed_in.handler.enforce_csrf_checks = True
    response = signed_in.post("/api/v1/_test/plain-post/")
    error = assert_envelope(response, 403, "permission_denied")
    assert "CSRF" in error["message"]


def test_csrf_failure_of_a_drf_view_with_a_session_is_json(signed_in):
    signed_in.handler.enforce_csrf_checks = True
    response = signed_in.post("/api/v1/document-numbers/", {}, content_type="application/json")
    assert_envelope(response, 403, "permission_denied")


def test_pages_outside_api_keep_the_html_error_pages(signed_in):
    response = signed_in.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Không tìm thấy" in response.content.decode()
    response = signed_in.get("/_test/page-fails/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
