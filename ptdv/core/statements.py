"""Queries of a fixed shape, compiled to SQL once per connection (issue 15 §5).

Django builds and compiles every query anew: the filters resolved against the model, the
columns listed and quoted, the SQL written — about 0.3 ms for a read by key, more for a wide
model, in every request, before the database sees anything. The queries every request makes
have the same shape each time, only their values differ (the session of the cookie, the user
of the session, the token of the header). A `Statement` wraps the function that builds such
a query:

    _SESSION = Statement(lambda key, now: Session.objects.filter(
        session_key=key, expire_date__gt=now))
    rows = _SESSION(session_key, timezone.now())     # a list, as list(queryset) gives

The first call on a connection builds and compiles the query twice, with two sets of stand-in
values, and keeps the SQL if both compile to the same text and each parameter is either one
of the arguments or the same constant in both. Every later call binds the arguments into
that SQL and runs it through Django's own machinery — the same cursor wrappers (query
counting, the request log), the same conversion of the rows and the same model instances,
related objects of `select_related` included. A query whose SQL depends on its values (a
list whose length varies, a value transformed before it reaches the database, such as a
date written as text by SQLite, or a clock read inside the function) is never cached: it is
built and evaluated as usual on every call, with the same result.

Arguments are scalars (int, str, date, datetime), never booleans or None (no stand-in can be
told apart from a real value of those). A string argument may also reach the SQL as the
pattern of a `__startswith` filter (the subtree of an organisation's path): the statement
writes that pattern from the value of each call as Django would. The statement returns every
row of the query: limit it in the function (`[:1]`), never after.
"""

from __future__ import annotations

import datetime as dt
import itertools
import weakref
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins: values a real argument hardly takes (keys near the top of a 32-bit column's
# range, dates in the year 2999); they are only compiled, never run.
_COUNTER = itertools.count(1)


def _stand_in(value: Any, round_: int, index: int) -> Any:
    serial = next(_COUNTER)
    if isinstance(value, bool) or value is None:
        raise TypeError("booleans and None cannot be stand-ins")
    if isinstance(value, int):
        # Inside a 32-bit integer column's range: Django refuses to compile a comparison
        # with a value the column cannot hold.
        return 1_900_000_000 + (serial % 10_000_000) * 2 + round_
    if isinstance(value, str):
        return f"\x1fstatement-{round_}-{index}-{serial}"
    if isinstance(value, dt.datetime):
        return dt.datetime(2999, 1 + round_, 1 + index % 28, 0, 0, serial % 60, tzinfo=value.tzinfo)
    if isinstance(value, dt.date):
        return dt.date(2999, 1 + round_, 1 + index % 28)
    raise TypeError(f"no stand-in for {type(value).__name__}")


class _Plan:
    """The compiled statement on one connection: its SQL, where each argument goes in its
    parameters, and the set-up compiler (columns, converters, related objects), which hands
    Django's iterable for the queryset the SQL with the values of the call."""

    __slots__ = ("ops", "params", "queryset", "slots")

    def __init__(
        self, queryset: QuerySet[Any], compiler: SQLCompiler, sql: str, slots: list[Any]
    ) -> None:
        # Per parameter: ("arg", i), ("prefix", i) — the pattern of a startswith on argument
        # i — or ("const", value).
        self.slots = slots
        self.ops = compiler.connection.ops
        self.params: tuple[Any, ...] = ()
        compiler.as_sql = lambda *_a, **_k: (sql, self.params)  # type: ignore[method-assign]
        queryset.query.get_compiler = (  # type: ignore[method-assign]
            lambda using=None, connection=None, elide_empty=True: compiler
        )
        self.queryset = queryset

    def run(self, args: tuple[Any, ...]) -> list[Any]:
        self.params = tuple(
            args[v] if kind == "arg" else _prefix(self.ops, args[v]) if kind == "prefix" else v
            for kind, v in self.slots
        )
        # A fresh queryset over the same query: Django's iterable for it (model instances,
        # values, values_list) asks the query for its compiler and does all the rest. (Not
        # copy.copy: a queryset's pickling state evaluates it.)
        queryset = object.__new__(type(self.queryset))
        queryset.__dict__ = self.queryset.__dict__.copy()
        return list(queryset)


_NOT_CACHEABLE = object()


class Statement:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, using: str = "default") -> None:
        self.build = build
        self.using = using
        # A plan per connection object: Django gives each thread its own, and a plan's
        # compiler is bound to the connection it was compiled for.
        self._plans: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def __call__(self, *args: Any) -> list[Any]:
        connection = connections[self.using]
        plan = self._plans.get(connection)
        if plan is None:
            plan = self._plans[connection] = self._compile(args, connection)
        if isinstance(plan, _Plan):
            return plan.run(args)
        return list(self.build(*args).using(self.using))

    def __deepcopy__(self, memo: dict[int, Any]) -> Statement:
        # Shared, never copied: its plans hold connections. An object that keeps one (a
        # policy, which a serializer field may name) is deep-copied with DRF's fields.
        return self

    def first(self, *args: Any) -> Any:
        """The first row of the call, or None (the statement limits itself to one)."""
        rows = self(*args)
        return rows[0] if rows else None

    def cached(self) -> bool:
        """Whether the statement runs from its compiled SQL on this thread's connection
        (after a first call); for the tests."""
        return isinstance(self._plans.get(connections[self.using]), _Plan)

    def _compile(self, args: tuple[Any, ...], connection: Any) -> _Plan | object:
        try:
            first = tuple(_stand_in(a, 0, i) for i, a in enumerate(args))
            second = tuple(_stand_in(a, 1, i) for i, a in enumerate(args))
        except TypeError:
            return _NOT_CACHEABLE
        compiled = []
        for values in (first, second):
            queryset = self.build(*values).using(self.using)
            compiler = queryset.query.get_compiler(connection=connection)
            try:
                sql, params = compiler.as_sql()
            except (EmptyResultSet, FullResultSet):  # no fixed shape
                return _NOT_CACHEABLE
            compiled.append((queryset, compiler, sql, tuple(params)))
        (queryset, compiler, sql, params), (_q, _c, sql2, params2) = compiled
        if sql != sql2 or len(params) != len(params2):
            return _NOT_CACHEABLE
        stand_ins = first + second
        ops = connection.ops
        prefixes = (
            [_prefix(ops, a) if isinstance(a, str) else None for a in first],
            [_prefix(ops, a) if isinstance(a, str) else None for a in second],
        )
        slots: list[Any] = []
        for p1, p2 in zip(params, params2, strict=True):
            index = next((i for i, a in enumerate(first) if _same(p1, a)), None)
            prefix = next((i for i, a in enumerate(prefixes[0]) if _same(p1, a)), None)
            if index is not None and _same(p2, second[index]):
                slots.append(("arg", index))
            elif prefix is not None and _same(p2, prefixes[1][prefix]):
                slots.append(("prefix", prefix))
            elif _same(p1, p2) and not any(_holds(p1, a) for a in stand_ins):
                slots.append(("const", p1))
            else:
                return _NOT_CACHEABLE
        return _Plan(queryset, compiler, sql, slots)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _holds(param: Any, stand_in: Any) -> bool:
    """Whether a parameter is a stand-in or a text made from one (then it is no constant)."""
    if isinstance(param, str) and isinstance(stand_in, str):
        return stand_in in param
    return _same(param, stand_in)


def _prefix(ops: Any, value: str) -> str:
    """The pattern Django binds for `field__startswith=value` (lookups.StartsWith)."""
    return f"{ops.prep_for_like_query(value)}%"
