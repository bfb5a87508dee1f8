"""Compiled statements (ptdv.core.statements): the same rows as the queryset they wrap, one
query a call, and a query whose SQL depends on its values never cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdv.core.statements import Statement

pytestmark = pytest.mark.django_db

BY_APP = Statement(lambda app, pk: ContentType.objects.filter(app_label=app, pk__gte=pk))
PERMISSIONS = Statement(
    lambda type_id: (
        Permission.objects.select_related("content_type")
        .filter(content_type_id=type_id)
        .order_by("codename")
    )
)
CODENAMES = Statement(
    lambda type_id: (
        Permission.objects.filter(content_type_id=type_id)
        .order_by("codename")
        .values_list("codename", flat=True)
    )
)


def test_model_rows_equal_the_querysets_and_each_call_is_one_query() -> None:
    some = ContentType.objects.order_by("pk")[3]
    first = BY_APP(some.app_label, 0)
    assert BY_APP.cached()
    for pk in (0, some.pk, some.pk + 1, 10**9):
        with CaptureQueriesContext(connection) as queries:
            rows = BY_APP(some.app_label, pk)
        assert len(queries) == 1
        expected = list(ContentType.objects.filter(app_label=some.app_label, pk__gte=pk))
        assert [(r.pk, r.app_label, r.model) for r in rows] == [
            (r.pk, r.app_label, r.model) for r in expected
        ]
    assert first  # the app has types


def test_related_objects_come_with_the_row() -> None:
    type_ = ContentType.objects.get_for_model(Permission)
    rows = PERMISSIONS(type_.pk)
    assert PERMISSIONS.cached()
    with CaptureQueriesContext(connection) as queries:
        rows = PERMISSIONS(type_.pk)
        names = [(p.codename, p.content_type.model) for p in rows]
    assert len(queries) == 1  # the content type came in the same row
    assert names == [
        (p.codename, p.content_type.model)
        for p in Permission.objects.filter(content_type=type_).order_by("codename")
    ]
    assert CODENAMES(type_.pk) == [codename for codename, _model in names]
    assert CODENAMES(10**9) == []


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=-5, max_value=200))
def test_any_value_binds_to_its_place(type_id: int) -> None:
    assert CODENAMES(type_id) == list(
        Permission.objects.filter(content_type_id=type_id)
        .order_by("codename")
        .values_list("codename", flat=True)
    )


def test_a_session_row_by_key_and_time() -> None:
    live = Statement(lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now))
    now = timezone.now()
    Session.objects.create(
        session_key="k" * 32, session_data="x", expire_date=now + dt.timedelta(hours=1)
    )
    assert [s.session_key for s in live("k" * 32, now)] == ["k" * 32]
    assert live("k" * 32, now + dt.timedelta(hours=2)) == []
    assert live("other-key", now) == []


def test_a_shape_that_depends_on_its_values_is_never_cached() -> None:
    # A clock read inside: the parameter is no argument and differs between compilations.
    clock = Statement(
        lambda key: Session.objects.filter(session_key=key, expire_date__gt=timezone.now())
    )
    # A list: its length decides the SQL; no stand-in exists for it.
    listed = Statement(lambda pks: ContentType.objects.filter(pk__in=pks).order_by("pk"))
    # An empty IN: Django refuses to compile it at all.
    empty = Statement(lambda app: ContentType.objects.filter(app_label=app, pk__in=[]))
    pks = list(ContentType.objects.order_by("pk").values_list("pk", flat=True)[:3])
    for _ in range(2):
        assert clock("k" * 32) == []
        assert [c.pk for c in listed(pks)] == pks
        assert [c.pk for c in listed(pks[:1])] == pks[:1]
        assert empty("auth") == []
    assert not clock.cached()
    assert not listed.cached()
    assert not empty.cached()


def test_a_constant_stays_in_its_place() -> None:
    # "auth" is the same in every compilation and no argument: a constant of the SQL.
    auth = Statement(lambda pk: ContentType.objects.filter(app_label="auth", pk__gte=pk))
    rows = auth(0)
    assert auth.cached()
    assert {r.app_label for r in rows} == {"auth"}
    assert len(rows) == ContentType.objects.filter(app_label="auth").count()


STARTING = Statement(
    lambda prefix: ContentType.objects.filter(app_label__startswith=prefix).order_by("pk")
)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="aut_%\\hcon", max_size=5))
def test_a_prefix_binds_as_the_pattern_django_writes(prefix: str) -> None:
    """A `__startswith` on an argument: the pattern is written from each call's value, its
    LIKE wildcards (_ and %) and escape character taken literally, as the queryset does."""
    expected = list(
        ContentType.objects.filter(app_label__startswith=prefix).values_list("pk", flat=True)
    )
    assert [c.pk for c in STARTING(prefix)] == sorted(expected)
    assert STARTING.cached()


def test_a_prefix_of_a_subtree_path() -> None:
    assert {c.app_label for c in STARTING("aut")} == {"auth"}
    assert STARTING("a%") == [] and STARTING("au_h") == []
    with CaptureQueriesContext(connection) as queries:
        STARTING("contenttypes")
    assert len(queries) == 1
    # A text built from an argument in any other way is neither an argument nor a constant.
    inside = Statement(lambda part: ContentType.objects.filter(app_label__contains=part))
    assert {c.app_label for c in inside("uth")} == {"auth"}
    assert not inside.cached()


def test_a_copy_shares_the_statement() -> None:
    """An object holding a statement (a policy, named by a serializer field that DRF
    deep-copies) copies with it: the plans, which hold connections, are shared."""
    import copy

    STARTING("auth")
    assert copy.deepcopy({"statement": STARTING})["statement"] is STARTING
