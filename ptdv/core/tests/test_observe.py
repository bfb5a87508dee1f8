"""One JSON log line per request, the request id in the header and the error envelopes, and
the answers while the database is out of reach (issue 15 §4 and §6)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.candidacies.models import Candidacy
from ptdv.factories import user_with_role
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "ptdv.requests"]


def test_one_json_line_per_request_with_its_id_route_and_counts(tree, caplog, settings) -> None:
    settings.PTDV_SLOW_REQUEST_MS = 60_000
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client = Client()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="ptdv.requests"):
        response = client.get(f"/organisations/{tree['commune_a'].pk}/?q=Nguy%E1%BB%85n")
    assert response.status_code == 200
    (line,) = _lines(caplog)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["user_id"] == user.pk
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "organisations/<int:pk>/"
    assert line["queries"] > 0 and line["duration_ms"] > 0 and line["slow"] is False
    # Neither the query string nor the user's name is logged.
    record = caplog.records[-1].getMessage()
    assert "Nguy" not in record and user.username not in record


def test_a_proxy_request_id_is_kept_and_a_bad_one_replaced(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="ptdv.requests"):
        kept = Client().get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c1b7e4d"})
        replaced = Client().get("/healthz", headers={"X-Request-ID": "x; drop table"})
    assert kept["X-Request-ID"] == "nginx-4f2a9c1b7e4d"
    assert replaced["X-Request-ID"] != "x; drop table" and len(replaced["X-Request-ID"]) == 32
    assert [line["user_id"] for line in _lines(caplog)] == [None, None]


def test_slow_requests_are_flagged_at_warning(settings, caplog) -> None:
    settings.PTDV_SLOW_REQUEST_MS = 0
    with caplog.at_level(logging.INFO, logger="ptdv.requests"):
        Client().get("/healthz")
    record = next(r for r in caplog.records if r.name == "ptdv.requests")
    assert record.levelno == logging.WARNING and json.loads(record.getMessage())["slow"] is True


def test_client_errors_carry_the_request_id_in_the_header_only(tree) -> None:
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client = APIClient()
    client.force_authenticate(user)
    first = client.get("/api/v1/candidacies/999999/")
    second = client.get("/api/v1/candidacies/999998/")
    assert first.status_code == second.status_code == 404
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    # The same answer, body for body (outside the scope answers exactly as absent).
    assert first.json() == second.json() and "request_id" not in first.json()["error"]


@contextmanager
def database_down(when: str = "") -> Iterator[None]:
    """Every query (or, with `when`, the first query whose SQL contains it, and every one
    after) fails as when the server is gone."""
    state = {"down": not when}

    def fail(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # The test's own transaction lives on: its savepoints still work (a real outage would
        # fail them too, and Django would drop the broken connection after the request).
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            return execute(sql, params, many, context)
        if when and when in sql:
            state["down"] = True
        if state["down"]:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def test_api_answers_503_in_json_and_recovers(tree) -> None:
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client = APIClient()
    client.force_authenticate(user)
    with database_down():
        response = client.get("/api/v1/candidacies/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["code"] == "service_unavailable" and "cơ sở dữ liệu" in error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    # The database is back: the next request is served, nothing to restart.
    assert client.get("/api/v1/candidacies/").status_code == 200


def test_pages_answer_a_vietnamese_503(tree) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    with database_down():
        response = client.get(f"/organisations/{tree['commune_a'].pk}/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "tạm thời gián đoạn" in page and response["X-Request-ID"] in page
    assert client.get(f"/organisations/{tree['commune_a'].pk}/").status_code == 200


def test_a_write_cut_off_half_way_leaves_nothing(tree) -> None:
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client = APIClient()
    client.force_authenticate(user)
    body = {
        "organisation": tree["cell_a1"].pk,
        "person": {
            "family_name": "Đặng",
            "middle_name": "Văn",
            "given_name": "Mới",
            "birth_date": "2000-05-17",
            "gender": "male",
        },
        "source_channel": "other",
    }
    people, candidacies = Person.objects.count(), Candidacy.objects.count()
    # The person is written, then the database goes away before the dossier is.
    with database_down(when='INSERT INTO "candidacies_candidacy"'):
        response = client.post("/api/v1/candidacies/", body, format="json")
    assert response.status_code == 503
    assert (Person.objects.count(), Candidacy.objects.count()) == (people, candidacies)
    response = client.post("/api/v1/candidacies/", body, format="json")
    assert response.status_code == 201, response.content
    assert (Person.objects.count(), Candidacy.objects.count()) == (people + 1, candidacies + 1)
