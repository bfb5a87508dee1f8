"""API pagination: exact counts up to COUNT_CAP, "10000+" beyond (make bench, issue 4 §9)."""

from __future__ import annotations

from unittest import mock

from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from ptdv.core import api
from ptdv.core.api import CappedCountPaginator, Pagination


def page_of(rows: list[int], query: str = "") -> dict[str, object]:
    request = Request(APIRequestFactory().get("/api/v1/things/" + query))
    pagination = Pagination()
    results = pagination.paginate_queryset(rows, request)
    return dict(pagination.get_paginated_response(results).data)


def test_exact_count_up_to_the_cap() -> None:
    with mock.patch.object(api, "COUNT_CAP", 100):
        body = page_of(list(range(100)))
    assert body["count"] == 100
    assert set(body) == {"count", "next", "previous", "results"}


def test_beyond_the_cap_the_count_says_so_and_pages_stop_after_it() -> None:
    with mock.patch.object(api, "COUNT_CAP", 100):
        body = page_of(list(range(1000)))
        assert body["count"] == "100+"
        assert len(body["results"]) == 50  # type: ignore[arg-type]
        # The page holding the 101st row is the last one; it ends with that row.
        last = page_of(list(range(1000)), "?page=3")
        assert last["results"] == [100]
        assert last["next"] is None
        assert CappedCountPaginator(list(range(1000)), 50).count == 101


def test_page_without_a_number_is_404_and_page_size_must_be_a_number(db):
    from rest_framework.test import APIClient

    from ptdv.accounts.models import Role
    from ptdv.factories import make_tree, user_with_role

    client = APIClient()
    client.force_authenticate(user_with_role(make_tree()["commune_a"], Role.VIEWER))
    assert client.get("/api/v1/organisations/?page=").status_code == 404
    response = client.get("/api/v1/organisations/?page_size=many")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"page_size": ["Cần một số nguyên hợp lệ."]}
    assert client.get("/api/v1/organisations/?page_size=9999").status_code == 200
