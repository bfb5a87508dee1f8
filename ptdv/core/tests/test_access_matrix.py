"""The access matrix walks every door of PTĐV as every role at every level (issue 10 §2).

Every URL pattern of the project (enumerated from the root resolver) and every console
command taking `--as` (enumerated from the command parsers) must have a row in
`ptdv.core.tests.access_matrix`; the coverage tests fail otherwise. Each row is then walked
as 12 users (viewer, clerk, approver, administrator at the province, commune A and cell A1)
for an object in their own subtree, in a sibling subtree and at the parent:

- reads: 200 inside when the role may read, 403 when it may not, 404 outside; the body of
  every page, JSON answer and workbook read must name nothing outside the user's subtree;
- writes: refused outside (404) and with a role too low (403), and then the database is
  exactly as before (every table's rows, compared by checksum); inside with the role, the
  request is answered without a server error.

Lists are also read filtered by an object at each position (outside: as for an absent one),
and JSON lists' counts are checked against a count made here without the policies.

The world is built once per module; every request runs in a savepoint rolled back after it.
Size (December 2026): 212 URL patterns, 6,328 cells (pattern or variant × user × position),
about 8,660 requests, and 9 `--as` commands run 236 times; 2–3.5 minutes on either database.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from ptdv.core.tests.access_matrix import (
    ADMIN_APP_INDEX,
    ADMIN_MODELS,
    COMMANDS,
    DOORS,
    PUBLIC,
    Door,
    admin_doors,
    allowed,
)
from ptdv.core.tests.access_world import INSIDE, LEVELS, POSITIONS, ROLES, World, build_world

FORMAT_SUFFIX = r"\.(?P<format>[a-z0-9]+)/?$"
SKIP_TABLES = {"django_session"}
WRITE_OK = {200, 201, 204, 302, 400, 409, 422}
OWN_KINDS = {"job": "own_jobs", "token": "own_tokens"}


# --- Enumeration ---------------------------------------------------------------------------


def project_routes() -> list[str]:
    """Every URL pattern of the project, as its full route string."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return list(walk(get_resolver(), ""))


def format_twin(route: str) -> str | None:
    """The route a DRF format-suffix pattern (`….json`) doubles, else None."""
    if route.endswith(FORMAT_SUFFIX):
        return route[: -len(FORMAT_SUFFIX)] + "/$"
    return None


def all_doors() -> dict[str, Door]:
    doors = {door.route: door for door in DOORS}
    for model in admin.site._registry:
        label = model._meta.label_lower
        spec = ADMIN_MODELS.get(label)
        if spec is None:
            continue  # reported by the coverage test
        prefix = f"{model._meta.app_label}/{model._meta.model_name}"
        for door in admin_doors(label, prefix, spec):
            doors[door.route] = door
    for route in project_routes():
        if route.startswith(ADMIN_APP_INDEX.route):
            # The admin's app index lists the registered apps in its pattern: one door.
            doors[route] = Door(**{**ADMIN_APP_INDEX.__dict__, "route": route})
    for route in project_routes():
        base = format_twin(route)
        if base is not None and base in doors:
            doors[route] = as_format_twin(doors[base], route)
    return doors


def as_format_twin(door: Door, route: str) -> Door:
    """The same door reached with a `.json` suffix."""
    base_url = door.url

    def url(world: World, obj: Any, user: Any, **extra: Any) -> str:
        return base_url(world, obj, user, **extra).rstrip("/") + ".json"

    return Door(**{**door.__dict__, "route": route, "url": url})


def as_commands() -> dict[str, str]:
    """Every management command (and subcommand) whose parser has `--as`: key -> app."""
    found: dict[str, str] = {}

    def visit(parser: Any, key: str, app: str) -> None:
        for action in parser._actions:
            if "--as" in action.option_strings:
                found[key] = app
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    if hasattr(sub, "_actions"):
                        visit(sub, f"{key} {name}", app)

    for name, app in get_commands().items():
        command = load_command_class(app, name)
        visit(command.create_parser("ptdv", name), name, app)
    return found


def test_every_url_pattern_has_a_row() -> None:
    routes = set(project_routes())
    doors = all_doors()
    missing = sorted(routes - set(doors))
    stale = sorted(set(doors) - routes)
    unregistered = sorted({m._meta.label_lower for m in admin.site._registry} - set(ADMIN_MODELS))
    assert not unregistered, f"Model admins without a row in ADMIN_MODELS: {unregistered}"
    assert not missing, f"URL patterns without a row in access_matrix.DOORS: {missing}"
    assert not stale, f"Rows naming no URL pattern: {stale}"


def test_every_as_command_has_a_row() -> None:
    found = set(as_commands())
    assert found, "no command with --as found: the discovery is broken"
    # A key "command#variant" is one more row of the same command (e.g. an import mode).
    rows = {key.split("#", 1)[0] for key in COMMANDS}
    assert not found - rows, f"--as commands without a row: {sorted(found - rows)}"
    assert not rows - found, f"rows naming no --as command: {sorted(rows - found)}"


# --- The world -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("matrix-private")
    with override_settings(PRIVATE_MEDIA_ROOT=root), django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            for user in built.users.values():
                client = Client()
                client.force_login(user)
                built.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
            transaction.set_rollback(True)


def fingerprint() -> dict[str, str]:
    """A checksum of every table's rows (the session table aside)."""
    sums = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in SKIP_TABLES:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            sums[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return sums


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def outside_markers(world: World, level: str) -> list[str]:
    return [m for site, names in world.markers.items() if site not in INSIDE[level] for m in names]


def docx_text(content: bytes) -> str:
    """The paragraphs and table cells of a DOCX (a report in the party layout)."""
    import docx

    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def body_text(response: Any) -> str | None:
    """The text of a response to search for names (None when it is not searchable)."""
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "wordprocessingml" in content_type:
        return docx_text(content)
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if content_type.startswith(("text/", "application/json")):
        text = content.decode("utf-8", "replace")
        if "json" in content_type:
            # \\uXXXX escapes would hide a name from the search.
            text = json.dumps(json.loads(text), ensure_ascii=False) if text.strip() else text
        return text
    return None


# --- Walking a door ------------------------------------------------------------------------


def _client(world: World, user: Any) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[user.pk]
    return client


def _send(client: Client, method: str, url: str, door: Door, data: dict[str, Any] | None) -> Any:
    data = dict(data or {})
    if door.body == "json":
        return client.generic(
            method, url, json.dumps(data), content_type="application/json", HTTP_ACCEPT="*/*"
        )
    if door.body == "multipart":
        for key, value in list(data.items()):
            if isinstance(value, io.BytesIO):
                data[key] = SimpleUploadedFile("ban-quet.pdf", value.getvalue(), "application/pdf")
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url, json.dumps(data), content_type="application/json")


def _body(door: Door, world: World, site: str, user: Any, variant: dict[str, Any]) -> Any:
    if door.data is None:
        return None
    accepts = inspect.signature(door.data).parameters
    extra = {"action": next(iter(variant.values()))} if "action" in accepts and variant else {}
    return door.data(world, site, user, **extra)


def walk(door: Door, world: World) -> tuple[list[str], int]:
    """Walk one door as every user at every position; return (failures, requests)."""
    failures: list[str] = []
    count = 0
    variants = door.variants(world) if door.variants else [("", {}, None)]
    for label, kwargs, write_rule in variants:
        write = write_rule if write_rule is not None else door.write
        read = write_rule if write_rule is not None else door.read
        for level in LEVELS:
            for role in ROLES:
                user = world.user(level, role)
                positions = POSITIONS[level]
                if door.obj is None and not door.positional_body and door.query is None:
                    positions = {"own": "a1"}
                for position, site in positions.items():
                    # A door naming no object is read once; its body moves with the position.
                    reads = door.reads if door.obj is not None or position == "own" else ()
                    obj = None
                    if door.obj in OWN_KINDS and position == "own":
                        # A job or a token is its holder's: "own" is the user's own one.
                        obj = getattr(world, OWN_KINDS[door.obj])[user.pk]
                    elif door.obj is not None:
                        obj = world.obj(door.obj, site)
                    url = door.url(world, obj, user, **kwargs)
                    who = f"{level}/{role} {position} {label}".strip()
                    for _method in reads:
                        count += 1
                        failures += _check_read(
                            door, world, user, level, role, position, url, read, who
                        )
                    if door.query is not None:
                        count += 1
                        failures += _check_query(
                            door, world, user, level, role, position, url, read, who
                        )
                    for method in door.writes:
                        count += 1
                        body = _body(door, world, site, user, kwargs)
                        failures += _check_write(
                            door, world, user, level, role, position, method, url, body, write, who
                        )
    return failures, count


def _request(
    world: World, user: Any, method: str, url: str, door: Door, body: Any
) -> tuple[Any, list[str]]:
    """Send in a savepoint rolled back afterwards; return (response or error, changed tables)."""
    changed: list[str] = []
    with transaction.atomic():
        before = fingerprint() if method != "GET" else {}
        try:
            response: Any = _send(_client(world, user), method, url, door, body)
        except Exception as exc:  # a server error is a finding, reported below
            response = exc
        if method != "GET":
            changed = changed_tables(before, fingerprint())
        transaction.set_rollback(True)
    return response, changed


def _status(response: Any) -> Any:
    if isinstance(response, Exception):
        return f"500 {type(response).__name__}: {str(response)[:120]}"
    return response.status_code


def _check_read(
    door: Door,
    world: World,
    user: Any,
    level: str,
    role: str,
    position: str,
    url: str,
    read: Any,
    who: str,
) -> list[str]:
    response, _ = _request(world, user, "GET", url, door, None)
    status = _status(response)
    may = allowed(read, level, role)
    if read == PUBLIC:
        expected: set[Any] = set(door.ok)
    elif position != "own":
        expected = {door.outside} if may else {door.outside, *door.denied}
    else:
        expected = set(door.ok) if may else set(door.denied)
    problems = []
    if status not in expected:
        problems.append(f"GET {url} as {who}: {status}, expected {sorted(map(str, expected))}")
    if status == 200 and door.count is not None:
        expected_count = door.count(world.level_org[level].path)
        got = response.json().get("count")
        if got != expected_count:
            problems.append(f"GET {url} as {who}: count {got}, expected {expected_count}")
    if status == 200 and level != "province":
        text = body_text(response)
        if text is not None:
            leaked = [m for m in outside_markers(world, level) if m in text]
            if leaked:
                problems.append(f"GET {url} as {who}: shows outside {leaked}")
    return problems


def _check_query(
    door: Door,
    world: World,
    user: Any,
    level: str,
    role: str,
    position: str,
    url: str,
    read: Any,
    who: str,
) -> list[str]:
    """The list filtered by the object at the position: outside, as for an absent one."""
    assert door.query is not None
    site = POSITIONS[level][position]
    query_url = url + ("&" if "?" in url else "?") + door.query(world, site)
    response, _ = _request(world, user, "GET", query_url, door, None)
    status = _status(response)
    if not allowed(read, level, role):
        expected: set[Any] = set(door.denied)
    elif position == "own":
        expected = set(door.ok)
    else:
        expected = set(door.query_outside)
    problems = []
    if status not in expected:
        problems.append(
            f"GET {query_url} as {who}: {status}, expected {sorted(map(str, expected))}"
        )
    if status == 200 and level != "province":
        text = body_text(response)
        leaked = [m for m in outside_markers(world, level) if text and m in text]
        if leaked:
            problems.append(f"GET {query_url} as {who}: shows outside {leaked}")
    return problems


def _check_write(
    door: Door,
    world: World,
    user: Any,
    level: str,
    role: str,
    position: str,
    method: str,
    url: str,
    body: Any,
    write: Any,
    who: str,
) -> list[str]:
    response, changed = _request(world, user, method, url, door, body)
    status = _status(response)
    may = allowed(write, level, role)
    problems = []
    if write == PUBLIC:
        if isinstance(status, str):
            problems.append(f"{method} {url} as {who}: {status}")
        return problems
    if position == "own" and may:
        if status not in WRITE_OK:
            problems.append(f"{method} {url} as {who}: {status}, expected a handled answer")
        elif door.effective and not changed:
            problems.append(f"{method} {url} as {who}: {status}, but nothing was written")
        return problems
    if position == "own":
        expected: set[Any] = set(door.denied)
    elif door.obj is None:
        # The body names objects outside: refused as absent (400) or out of reach.
        expected = {400, 403, 404, 200} if door.body != "form" else {200, 400, 403, 404}
    else:
        expected = {door.outside} if may else {door.outside, *door.denied}
    if status not in expected:
        problems.append(f"{method} {url} as {who}: {status}, expected {sorted(map(str, expected))}")
    if changed:
        problems.append(f"{method} {url} as {who}: changed {changed}")
    return problems


DOOR_PARAMS = [
    pytest.param(
        route,
        id=route,
        marks=[pytest.mark.xfail(strict=True, reason=door.xfail)] if door.xfail else [],
    )
    for route, door in sorted(all_doors().items())
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", DOOR_PARAMS)
def test_door(route: str, world: World) -> None:
    failures, _count = walk(all_doors()[route], world)
    assert not failures, "\n".join(failures)


# --- Console commands taking --as ----------------------------------------------------------


def _file_text(path: Path) -> str | None:
    if not path.exists() or not path.read_bytes().startswith(b"PK"):
        return None  # not a workbook (a PDF form, say)
    if b"word/document.xml" in path.read_bytes():
        return docx_text(path.read_bytes())
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(COMMANDS))
def test_as_command(key: str, world: World, tmp_path: Path) -> None:
    """Outside the `--as` user's subtree (or with a role too low) a command refuses with a
    message and changes nothing; inside it works and writes nothing from outside."""
    spec = COMMANDS[key]
    failures = []
    for level in LEVELS:
        for role in ROLES:
            user = world.user(level, role)
            positions = POSITIONS[level] if spec.positional else {"own": "a1"}
            for position, site in positions.items():
                who = f"{key} as {level}/{role} {position}"
                path = tmp_path / f"{level}-{role}-{position}.xlsx"
                if spec.prepare is not None:
                    spec.prepare(world, site, path)
                argv = spec.args(world, site, user, str(path))
                error: Any = None
                with transaction.atomic():
                    before = fingerprint()
                    try:
                        call_command(*argv, stdout=io.StringIO(), stderr=io.StringIO())
                    except CommandError as exc:
                        error = exc
                    except Exception as exc:  # a crash is a finding, reported below
                        failures.append(f"{who}: crashed {exc!r}")
                        error = exc
                    changed = changed_tables(before, fingerprint())
                    transaction.set_rollback(True)
                may = allowed(spec.who, level, role) and position == "own"
                if may and spec.must_succeed and error is not None:
                    failures.append(f"{who}: refused ({error})")
                if not may:
                    if error is None:
                        failures.append(f"{who}: accepted")
                    if changed:
                        failures.append(f"{who}: changed {changed}")
                if error is None and level != "province" and spec.prepare is None:
                    text = _file_text(path)
                    if text is not None:
                        leaked = [m for m in outside_markers(world, level) if m in text]
                        if leaked:
                            failures.append(f"{who}: the file shows outside {leaked}")
    assert not failures, "\n".join(failures)
