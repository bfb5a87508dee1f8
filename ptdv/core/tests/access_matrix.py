"""The access matrix: who may pass every door of PTĐV (declarations).

`test_access_matrix` enumerates every URL pattern of the project from the root resolver and
every management command whose parser (or a subparser) has an `--as` option, and FAILS when
one of them has no row here — and when a row names a pattern or a command that no longer
exists. Adding a door therefore means adding a row that says who may pass it.

URL rows (`DOORS`) — one `Door` per URL pattern, keyed by the pattern's full route as the
resolver spells it (prefixes joined, e.g. ``"people/<int:pk>/"`` or
``"api/v1/^people/(?P<pk>[^/.]+)/$"``). The fields:

    route     the full route (the key)
    obj       the world object kind the URL names (`access_world.World.objects` key), or None
              for a door that names no object (a list, a form, a create endpoint)
    url       build the URL: ``url(world, obj, user) -> str`` (obj is None without `obj`);
              most rows use `rev("name", pk="pk", **fixed)`
    reads     the safe methods tried (default ``("GET",)``; ``()`` when GET is refused)
    read      who may read: a `Role` (the minimum), `ANY` (any signed-in user with an
              assignment), `PUBLIC`, `NOBODY` (no matrix user: superuser-only), or a callable
              ``(level, role) -> bool`` for rules that depend on the level too
    writes    the unsafe methods tried (POST, PUT, PATCH, DELETE)
    write     who may write (same forms as `read`)
    data      the request body: ``data(world, site, user) -> dict`` (site = where the object
              named in the body sits: for a row without `obj` the position moves the body's
              objects, so "sibling" sends a body naming sibling objects)
    body      "form" (default), "json" or "multipart"
    outside   the status a user gets for an object outside their subtree (default 404; the
              Django admin answers 302 to its index, as for an absent object)
    ok        the statuses of an allowed read (default 200; e.g. 302 for a page that sends a
              signed-in user on)
    denied    the statuses of a refusal inside the subtree (default 403; the admin may also
              answer 302 to its index, as for an absent object)
    variants  extra URL variants, ``variants(world) -> [(label, kwargs, rule|None)]``,
              e.g. every candidacy action; each variant is walked like a row of its own, and
              its rule (when given) replaces both `read` and `write`
    positional_body  True when the body names objects (a row without `obj` is then walked
              at every position, else only at "own")
    effective True when an allowed write inside must change the database (proves the body
              is one the door accepts, so a refusal elsewhere is the access check's doing)
    count     for a JSON list: ``count(path) -> int``, the number of rows under the
              organisation path of the user's assignment, counted here independently of the
              policies; the answer's `count` must equal it
    query     for a list or export that filters by an object: ``query(world, site) -> str``,
              the query string naming the object at `site`; it is read at every position,
              and outside it must answer one of `query_outside` (default 404; a filter that
              treats an unknown id as "no rows" may answer 200, then with nothing outside)
    xfail     a reason: the row is known to fail (pytest xfail, strict) — name the branch
              that fixes it

Admin rows are generated from `ADMIN_MODELS` (one `AdminModel` per registered model admin:
object kind, who may view / add / change / delete); a registered model without an entry
fails the coverage test as well.

Command rows (`COMMANDS`) — keyed by ``"command subcommand"`` (e.g. ``"report progress"``):
``Command(args=lambda world, site, user, path: [...], who=..., write=...)`` is run with
`call_command` as each matrix user for objects at own / sibling / parent (`path` is a file
the command may write, or read when `prepare` writes it first); outside (or with a role too
low) it must raise `CommandError` and change nothing; a workbook it writes inside must name
nothing outside the user's subtree.

Examples of rows for doors added later::

    # a page for administrators listing entries of their subtree, with an Excel export
    Door("audit/", rev("audit:list", pk=None), read=Role.ADMINISTRATOR),
    Door("audit/export.xlsx", rev("audit:export", pk=None), read=Role.ADMINISTRATOR),
    # an API list whose count must match the user's subtree
    Door("api/v1/audit/", rev("api:audit-list", pk=None), read=Role.ADMINISTRATOR),
    # a page about one's own account: any signed-in user, no object
    Door("accounts/password/", rev("accounts:password_change", pk=None), read=ANY,
         writes=("POST",), write=ANY, data=lambda w, s, u: {...}),
    # a write on a user of the subtree (404 outside, 403 below administrator)
    Door("accounts/users/<int:pk>/unlock/", rev("accounts:user_unlock"), obj="user",
         reads=(), writes=("POST",), write=Role.ADMINISTRATOR, effective=True),

The world (a province, a provincial bloc, two communes with cells; one object of each kind
at each site; one user per role at province, commune A and cell A1) is in `access_world`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.transitions import TRANSITIONS
from ptdv.core.policies import REQUIRED_ROLE
from ptdv.core.tests.access_world import PDF, YEAR, World
from ptdv.organisations.models import Organisation
from ptdv.people.models import Person

PUBLIC = "public"
ANY = "any"
NOBODY = "nobody"

Rule = Role | str | Callable[[str, str], bool]
Url = Callable[[World, Any, Any], str]
Body = Callable[[World, str, Any], dict[str, Any]]


def allowed(rule: Rule, level: str, role: str) -> bool:
    """Whether a user with `role` at `level` passes `rule`."""
    if callable(rule) and not isinstance(rule, str):
        return rule(level, role)
    if rule in (PUBLIC, ANY):
        return True
    if rule == NOBODY:
        return False
    return ROLE_RANK[Role(role)] >= ROLE_RANK[Role(rule)]


def root_administrator(level: str, role: str) -> bool:
    """National data (the working-day calendar) is changed by the root's administrators."""
    return role == Role.ADMINISTRATOR and level == "province"


def admin_of_parent(level: str, role: str) -> bool:
    """Targets of an organisation are set by the administrators of its parent."""
    return role == Role.ADMINISTRATOR and level != "cell"


@dataclass(frozen=True)
class Door:
    route: str
    url: Url
    obj: str | None = None
    reads: tuple[str, ...] = ("GET",)
    read: Rule = Role.VIEWER
    writes: tuple[str, ...] = ()
    write: Rule = Role.CLERK
    data: Body | None = None
    body: str = "form"
    outside: int = 404
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (403,)
    variants: Callable[[World], list[tuple[str, dict[str, Any], Rule | None]]] | None = None
    positional_body: bool = False
    effective: bool = False
    count: Callable[[str], int] | None = None
    query: Callable[[World, str], str] | None = None
    query_outside: tuple[int, ...] = (404,)
    xfail: str = ""


def rev(name: str, pk: str | None = "pk", query: str = "", **fixed: Any) -> Url:
    """Reverse `name` with the object's id as `pk` (or no id), fixed kwargs and a query."""

    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        kwargs = {**fixed, **extra}
        if pk is not None and obj is not None:
            kwargs[pk] = obj.pk
        return reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")

    return build


def own_job(world: World, obj: Any, user: Any) -> str:
    return reverse("exchange:job", kwargs={"pk": obj.pk})


def _org_body(field: str, **extra: Any) -> Body:
    def body(world: World, site: str, user: Any) -> dict[str, Any]:
        return {field: world.org_site[site].pk, **extra}

    return body


def _cell_body(field: str, **extra: Any) -> Body:
    def body(world: World, site: str, user: Any) -> dict[str, Any]:
        return {field: world.cell_site[site].pk, **extra}

    return body


def _person_query(world: World, site: str) -> str:
    return f"person={world.obj('person', site).pk}"


def _cell_query(world: World, site: str) -> str:
    return f"organisation={world.cell_site[site].pk}"


def _register_body(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "organisation": world.cell_site[site].pk,
        "family_name": "Đặng",
        "middle_name": "Văn",
        "given_name": "Mới",
        "birth_date": "17/05/2000",
        "gender": "male",
        "ethnicity": "01",
        "religion": "none",
        "education": "upper_secondary",
        "occupation": "farmer",
        "source_channel": "other",
        "opened_on": "01/09/2025",
    }


def _api_register_body(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "organisation": world.cell_site[site].pk,
        "person": {
            "family_name": "Đặng",
            "middle_name": "Văn",
            "given_name": "Mới",
            "birth_date": "2000-05-17",
            "gender": "male",
        },
        "source_channel": "other",
    }


def _upload(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"file": io.BytesIO(PDF), "title": "Bản quét"}


def _relative_body(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"relation": "mother", "full_name": "Hồ Thị Mẹ", "birth_year": 1970}


ACTION_BODIES: dict[str, dict[str, Any]] = {
    "record_certificate": {"certificate_date": "2025-06-01", "date": "2025-06-02"},
    "record_application": {"application_date": "2025-07-01", "history_date": "2025-07-02"},
    "record_verification": {"concluded_on": "2025-08-01"},
    "record_opinions": {"opinions_date": "2025-08-01"},
    "withdraw": {"reason": "Xin rút"},
    "lapse": {"reason": "Hết hiệu lực"},
    "amend": {"field": "certificate_date", "value": "2025-06-01", "reason": "Đính chính"},
}


def _action_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [
        (name, {"action": name}, REQUIRED_ROLE[transition.permission])
        for name, transition in TRANSITIONS.items()
    ]


def _api_action_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [
        (name, {"action_name": name}, REQUIRED_ROLE[transition.permission])
        for name, transition in TRANSITIONS.items()
    ]


def _action_body(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body = dict(ACTION_BODIES.get(action, {}))
    if action == "transfer":
        # A target inside every matrix user's scope: this row tests the URL object; the
        # target organisation itself is scoped in the service (branch issue10-scope).
        body.update(organisation=world.cell_site["a1"].pk, reason="Chuyển sinh hoạt")
    return body


def _action_form(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    """The web form of an action: the same facts, dates as typed, and the version seen."""
    body = {
        key: dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        if isinstance(value, str) and len(value) == 10 and value[4] == "-"
        else value
        for key, value in _action_body(world, site, user, action).items()
    }
    body["version"] = Candidacy.objects.get(pk=world.obj("candidacy", site).pk).version
    return body


def _form_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [("2-KNĐ.pdf", {"slug": "2-knd", "ext": "pdf"}, None)]


def _template_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [("localities", {"kind": "localities"}, None)]


def _export_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [(name, {"name": name}, None) for name in ("candidacies", "members", "organisations")]


def _fmt_variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
    return [("xlsx", {"fmt": "xlsx"}, None)]


def _admin_shortcut(world: World, obj: Any, user: Any) -> str:
    content_type = ContentType.objects.get_for_model(type(obj))
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def _assignment_remove(world: World, obj: Any, user: Any) -> str:
    return reverse("accounts:assignment_remove", args=[obj.user_id, obj.pk])


def _literal(path: str) -> Url:
    return lambda world, obj, user: path


TODAY = dt.date(2025, 10, 1)

DOORS: list[Door] = [
    # --- Public entry points and the shell -----------------------------------------------
    Door("", rev("home", pk=None), read=ANY),
    Door(
        "accounts/login/",
        rev("login", pk=None),
        read=PUBLIC,
        ok=(302,),  # a signed-in user is sent on
        writes=("POST",),
        write=PUBLIC,
        data=lambda w, s, u: {"username": "khong-co", "password": "sai-mat-khau"},
    ),
    Door("accounts/logout/", rev("logout", pk=None), reads=(), writes=("POST",), write=ANY),
    Door("healthz", _literal("/healthz"), read=PUBLIC),
    # Prometheus: the root's administrators (or a scraper's token); anyone else as absent.
    Door("metrics", _literal("/metrics"), read=root_administrator, denied=(404,)),
    Door("api/v1/schema/", rev("api:schema", pk=None), read=PUBLIC),
    Door("api/v1/docs/", rev("api:docs", pk=None), read=PUBLIC),
    Door(
        "api/v1/auth/token/",
        rev("api:token", pk=None),
        reads=(),
        writes=("POST",),
        write=PUBLIC,
        body="json",
        data=lambda w, s, u: {"username": "khong-co", "password": "sai-mat-khau"},
    ),
    # --- Accounts ------------------------------------------------------------------------
    Door("accounts/users/", rev("accounts:user_list", pk=None), read=Role.ADMINISTRATOR),
    Door(
        "accounts/users/new/",
        rev("accounts:user_create", pk=None),
        effective=True,
        read=Role.ADMINISTRATOR,
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        positional_body=True,
        data=_org_body(
            "organisation",
            username="moi-tao",
            full_name="Người Mới",
            role="viewer",
            password1="Mat-khau-rat-dai-2025",
            password2="Mat-khau-rat-dai-2025",
        ),
    ),
    Door(
        "accounts/users/<int:pk>/",
        rev("accounts:user_detail"),
        obj="user",
        read=Role.ADMINISTRATOR,
    ),
    Door(
        "accounts/users/<int:pk>/deactivate/",
        rev("accounts:user_deactivate"),
        effective=True,
        obj="user",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
    ),
    Door(
        "accounts/users/<int:pk>/reactivate/",
        rev("accounts:user_reactivate"),
        obj="user",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
    ),
    Door(
        "accounts/users/<int:pk>/password/",
        rev("accounts:user_password"),
        effective=True,
        obj="user",
        read=Role.ADMINISTRATOR,
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=lambda w, s, u: {
            "password1": "Mat-khau-moi-dai-2025",
            "password2": "Mat-khau-moi-dai-2025",
        },
    ),
    Door(
        "accounts/users/<int:pk>/assignments/",
        rev("accounts:assignment_add"),
        obj="user",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=lambda w, s, u: {"organisation": w.org_site["a1"].pk, "role": "approver"},
    ),
    Door(
        "accounts/users/<int:pk>/assignments/<int:assignment_pk>/delete/",
        _assignment_remove,
        obj="assignment",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
    ),
    # --- Sign-in security: one's own account ----------------------------------------------
    Door(
        "accounts/password/",
        rev("accounts:password_change", pk=None),
        read=ANY,
        writes=("POST",),
        write=ANY,
        data=lambda w, s, u: {
            "old_password": "mat-khau-thu-nghiem",
            "new_password1": "Mat-khau-moi-rat-dai-2026",
            "new_password2": "Mat-khau-moi-rat-dai-2026",
        },
        effective=True,
    ),
    Door("accounts/security/", rev("accounts:security", pk=None), read=ANY),
    Door(
        "accounts/security/tokens/<int:token_pk>/revoke/",
        rev("accounts:token_revoke_own", pk="token_pk"),
        obj="token",
        reads=(),
        writes=("POST",),
        write=ANY,
        effective=True,
    ),
    # Without a device (no matrix user has one) the second step sends the user on.
    Door(
        "accounts/two-factor/verify/",
        rev("accounts:two_factor_verify", pk=None),
        read=ANY,
        ok=(302,),
        writes=("POST",),
        write=ANY,
        data=lambda w, s, u: {"code": "000000"},
    ),
    Door(
        "accounts/two-factor/setup/",
        rev("accounts:two_factor_setup", pk=None),
        read=ANY,
        writes=("POST",),
        write=ANY,
        data=lambda w, s, u: {"code": "000000"},
    ),
    # Only a user with a confirmed device (none in the matrix) may renew codes or disable it.
    Door(
        "accounts/two-factor/recovery-codes/",
        rev("accounts:two_factor_recovery_codes", pk=None),
        reads=(),
        writes=("POST",),
        write=NOBODY,
    ),
    # Turning it off is one's own choice where it is not required (the test settings).
    Door(
        "accounts/two-factor/disable/",
        rev("accounts:two_factor_disable", pk=None),
        reads=(),
        writes=("POST",),
        write=ANY,
    ),
    # --- Sign-in security: administrators on a user of their subtree ---------------------
    Door(
        "accounts/users/<int:pk>/unlock-login/",
        rev("accounts:user_unlock_login"),
        obj="user",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
    ),
    Door(
        "accounts/users/<int:pk>/two-factor/reset/",
        rev("accounts:user_two_factor_reset"),
        obj="user",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
    ),
    Door(
        "accounts/users/<int:pk>/tokens/<int:token_pk>/revoke/",
        lambda w, o, u: reverse("accounts:user_token_revoke", args=[o.user_id, o.pk]),
        obj="token",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        effective=True,
    ),
    Door(
        "api/v1/auth/tokens/",
        rev("api:token_list", pk=None),
        read=ANY,
    ),
    Door(
        "api/v1/auth/tokens/<int:pk>/",
        rev("api:token_detail"),
        obj="token",
        reads=(),
        writes=("DELETE",),
        write=ANY,
        body="json",
        effective=True,
    ),
    # --- Audit trail ---------------------------------------------------------------------
    Door("audit/", rev("audit:list", pk=None), read=Role.ADMINISTRATOR, query=_person_query),
    Door(
        "audit/export.xlsx",
        rev("audit:export", pk=None),
        read=Role.ADMINISTRATOR,
        query=_person_query,
    ),
    Door(
        "api/v1/^audit/$",
        rev("api:audit-list", pk=None),
        read=Role.ADMINISTRATOR,
        query=_person_query,
        query_outside=(400,),
    ),
    # --- Organisations, people, relatives ------------------------------------------------
    Door("organisations/", rev("organisations:index", pk=None), read=ANY, ok=(302,)),
    Door("organisations/<int:pk>/", rev("organisations:detail"), obj="organisation"),
    Door("people/<int:pk>/", rev("people:detail"), obj="person"),
    Door(
        "people/<int:pk>/relatives/new/",
        rev("people:relative_create"),
        effective=True,
        obj="person",
        read=Role.CLERK,
        writes=("POST",),
        data=_relative_body,
    ),
    Door(
        "people/relatives/<int:pk>/edit/",
        rev("people:relative_update"),
        effective=True,
        obj="relative",
        read=Role.CLERK,
        writes=("POST",),
        data=_relative_body,
    ),
    Door(
        "people/relatives/<int:pk>/delete/",
        rev("people:relative_delete"),
        effective=True,
        obj="relative",
        read=Role.CLERK,
        writes=("POST",),
    ),
    # --- Candidacies ---------------------------------------------------------------------
    Door("candidacies/", rev("candidacies:list", pk=None), read=ANY, query=_cell_query),
    Door(
        "candidacies/new/",
        rev("candidacies:register", pk=None),
        effective=True,
        read=Role.CLERK,
        writes=("POST",),
        positional_body=True,
        data=_register_body,
    ),
    Door(
        "candidacies/new/cell-fields/",
        rev("candidacies:register_cell_fields", pk=None),
        read=Role.CLERK,
    ),
    Door("candidacies/<int:pk>/", rev("candidacies:detail"), obj="candidacy"),
    Door(
        "candidacies/<int:pk>/actions/<slug:action>/",
        rev("candidacies:action"),
        obj="candidacy",
        read=Role.CLERK,
        writes=("POST",),
        data=_action_form,
        variants=_action_variants,
    ),
    Door("rules/", rev("rules:rule_sets", pk=None), read=ANY),
    # --- Targets and reports -------------------------------------------------------------
    Door("targets/", rev("targets:index", pk=None), read=ANY, ok=(302,)),
    Door("targets/<int:pk>/", rev("targets:dashboard", query="year=2025"), obj="organisation"),
    Door(
        "targets/<int:pk>/targets/",
        rev("targets:manage", query="year=2025"),
        effective=True,
        obj="organisation",
        writes=("POST",),
        write=admin_of_parent,
        data=lambda w, s, u: {"step": "approve"},
    ),
    Door(
        "targets/<int:pk>/terms/",
        rev("targets:terms"),
        effective=True,
        obj="organisation",
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=lambda w, s, u: {
            "name": "2030–2035",
            "start_year": 2030,
            "end_year": 2035,
            "congress_target": 5,
        },
    ),
    Door(
        "targets/<int:pk>/indicators/",
        rev("targets:indicators", query="year=2025"),
        obj="organisation",
    ),
    Door(
        "targets/<int:pk>/plan/",
        rev("targets:plan", query="year=2025"),
        effective=True,
        obj="organisation",
        writes=("POST",),
        data=lambda w, s, u: {"step": "remove", "assignment": w.obj("plan", s).pk},
    ),
    Door(
        "targets/target/<int:pk>/",
        rev("targets:target"),
        effective=True,
        obj="target",
        writes=("POST",),
        write=admin_of_parent,
        data=lambda w, s, u: {"step": "group", "group": "youth", "number": 1},
    ),
    Door(
        "reports/progress/<int:pk>.<str:fmt>",
        rev("reports:progress"),
        obj="organisation",
        variants=_fmt_variants,
    ),
    Door(
        "reports/indicators/<int:pk>.<str:fmt>",
        rev("reports:indicators"),
        obj="organisation",
        variants=_fmt_variants,
    ),
    # --- Documents and attachments -------------------------------------------------------
    Door(
        "documents/candidacies/<int:pk>/<slug:slug>.<str:ext>",
        rev("documents:form"),
        obj="candidacy",
        variants=_form_variants,
    ),
    Door(
        "documents/candidacies/<int:pk>/attachments/",
        rev("documents:attachment_upload"),
        effective=True,
        obj="candidacy",
        reads=(),
        writes=("POST",),
        body="multipart",
        data=_upload,
    ),
    Door("documents/attachments/<int:pk>/", rev("documents:attachment"), obj="attachment"),
    # --- Exchange ------------------------------------------------------------------------
    Door(
        "exchange/",
        rev("exchange:index", pk=None),
        read=ANY,
        writes=("POST",),
        write=Role.ADMINISTRATOR,  # importing localities
        data=lambda w, s, u: {"kind": "localities"},
    ),
    Door(
        "exchange/templates/<slug:kind>.xlsx",
        rev("exchange:template", pk=None),
        read=ANY,
        variants=_template_variants,
    ),
    Door("exchange/jobs/<int:pk>/", own_job, obj="job", read=ANY),
    Door("exchange/jobs/<int:pk>/errors.xlsx", rev("exchange:job_errors"), obj="job", read=ANY),
    Door(
        "exchange/export/<slug:name>.xlsx",
        rev("exchange:export", pk=None),
        query=_cell_query,
        read=ANY,
        variants=_export_variants,
    ),
    # --- API -----------------------------------------------------------------------------
    Door(
        "api/v1/rules/check/",
        rev("api:api-rules-check", pk=None),
        reads=(),
        writes=("POST",),
        write=ANY,
        body="json",
        data=lambda w, s, u: {"action": "branch_vote", "facts": {}},
    ),
    Door("api/v1/rules/sets/", rev("api:api-rule-sets", pk=None), read=ANY),
    Door(
        "api/v1/organisations/<int:pk>/progress/",
        rev("api:organisation-progress"),
        obj="organisation",
    ),
    Door(
        "api/v1/organisations/<int:pk>/progress/children/",
        rev("api:organisation-progress-children"),
        obj="organisation",
    ),
    Door(
        "api/v1/reports/progress/<int:pk>.<str:fmt>",
        rev("api:report-progress"),
        obj="organisation",
        variants=_fmt_variants,
    ),
    Door(
        "api/v1/reports/indicators/<int:pk>.<str:fmt>",
        rev("api:report-indicators"),
        obj="organisation",
        variants=_fmt_variants,
    ),
    Door(
        "api/v1/candidacies/<int:pk>/documents/<slug:slug>.<str:ext>",
        rev("api:candidacy-document"),
        obj="candidacy",
        variants=_form_variants,
    ),
    Door(
        "api/v1/candidacies/<int:pk>/attachments/",
        rev("api:candidacy-attachments"),
        effective=True,
        obj="candidacy",
        writes=("POST",),
        body="multipart",
        data=_upload,
    ),
    Door(
        "api/v1/attachments/<int:pk>/download/",
        rev("api:attachment-download"),
        obj="attachment",
    ),
    Door(
        "api/v1/people/<int:pk>/relatives/",
        rev("api:person-relatives"),
        effective=True,
        obj="person",
        writes=("POST",),
        body="json",
        data=_relative_body,
    ),
    Door(
        "api/v1/relatives/<int:pk>/",
        rev("api:relative-detail"),
        effective=True,
        obj="relative",
        reads=(),
        writes=("PATCH", "DELETE"),
        body="json",
        data=lambda w, s, u: {"occupation": "Làm ruộng"},
    ),
    Door(
        "api/v1/document-numbers/",
        rev("api:document-numbers", pk=None),
        effective=True,
        reads=(),
        writes=("POST",),
        body="json",
        positional_body=True,
        data=_org_body("organisation", document_kind="QĐ"),
    ),
    Door(
        "api/v1/^organisations/$",
        rev("api:organisation-list", pk=None),
        query=lambda w, s: f"parent={w.org_site[s].pk}",
        query_outside=(200,),
        read=ANY,
        count=lambda path: Organisation.objects.filter(path__startswith=path).count(),
    ),
    Door(
        "api/v1/^organisations/(?P<pk>[^/.]+)/$",
        rev("api:organisation-detail"),
        obj="organisation",
    ),
    Door(
        "api/v1/^people/$",
        rev("api:person-list", pk=None),
        read=ANY,
        count=lambda path: Person.objects.filter(organisation__path__startswith=path).count(),
    ),
    Door("api/v1/^people/(?P<pk>[^/.]+)/$", rev("api:person-detail"), obj="person"),
    Door(
        "api/v1/^candidacies/$",
        rev("api:candidacy-list", pk=None),
        query=_cell_query,
        query_outside=(400,),
        count=lambda path: Candidacy.objects.filter(
            organisation__path__startswith=path, closed_on__isnull=True
        ).count(),
        effective=True,
        read=ANY,
        writes=("POST",),
        body="json",
        positional_body=True,
        data=_api_register_body,
    ),
    Door(
        "api/v1/^candidacies/(?P<pk>[^/.]+)/$",
        rev("api:candidacy-detail"),
        obj="candidacy",
    ),
    Door(
        "api/v1/^candidacies/(?P<pk>[^/.]+)/actions/(?P<action_name>[a-z_]+)/$",
        rev("api:candidacy-act"),
        obj="candidacy",
        reads=(),
        writes=("POST",),
        body="json",
        data=_action_body,
        variants=_api_action_variants,
    ),
    # --- Django admin: the site-wide pages (model pages come from ADMIN_MODELS) -----------
    Door("admin/", rev("admin:index", pk=None), read=ANY),
    Door("admin/login/", rev("admin:login", pk=None), read=ANY, ok=(302,)),
    Door("admin/logout/", rev("admin:logout", pk=None), reads=(), writes=("POST",), write=ANY),
    Door("admin/password_change/", rev("admin:password_change", pk=None), read=ANY),
    Door("admin/password_change/done/", rev("admin:password_change_done", pk=None), read=ANY),
    Door(
        "admin/autocomplete/",
        lambda w, o, u: (
            reverse("admin:autocomplete")
            + "?app_label=candidacies&model_name=candidacy&field_name=organisation&term=Chi"
        ),
        read=ANY,
    ),
    Door("admin/jsi18n/", rev("admin:jsi18n", pk=None), read=ANY),
    # "View on site": Django's own view is shadowed by the scoped one in config/urls.py
    # (both patterns exist; the URL reaches the scoped one).
    Door(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        _admin_shortcut,
        obj="person",
        ok=(302,),
    ),
    Door(
        "admin/r/<int:content_type_id>/<str:object_id>/",
        _admin_shortcut,
        obj="candidacy",
        ok=(302,),
    ),
    Door("admin/(?P<url>.*)$", _literal("/admin/khong-co/"), read=ANY, ok=(404,)),
    Door(
        "admin/accounts/user/<id>/password/",
        lambda w, o, u: reverse("admin:auth_user_password_change", args=[o.pk]),
        effective=True,
        obj="user",
        read=Role.ADMINISTRATOR,
        outside=404,
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=lambda w, s, u: {
            "password1": "Mat-khau-moi-dai-2025",
            "password2": "Mat-khau-moi-dai-2025",
        },
    ),
]


# The admin's app index: its pattern lists every registered app, so the row matches any
# route starting with this one.
ADMIN_APP_INDEX = Door(
    "admin/^(?P<app_label>",
    lambda w, o, u: reverse("admin:app_list", kwargs={"app_label": "people"}),
    read=ANY,
)


@dataclass(frozen=True)
class AdminModel:
    """A registered model admin: the object kind it shows, who may view, add, change and
    delete (a change or delete of an object outside the subtree redirects to the admin
    index like an absent one)."""

    kind: str | None
    view: Rule = ANY
    # The list page, when it differs from `view` (an empty list for those who may see none).
    changelist: Rule | None = None
    add: Rule = Role.ADMINISTRATOR
    change: Rule = Role.ADMINISTRATOR
    delete: Rule = Role.ADMINISTRATOR


READ_ONLY = {"add": NOBODY, "change": NOBODY, "delete": NOBODY}

ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel(None, view=NOBODY, **READ_ONLY),
    "django_tasks_database.dbtaskresult": AdminModel(None, view=NOBODY, **READ_ONLY),
    "accounts.user": AdminModel("user", view=Role.ADMINISTRATOR, delete=NOBODY),
    "organisations.organisation": AdminModel("organisation"),
    "organisations.locality": AdminModel("locality"),
    "people.person": AdminModel("person", add=NOBODY, delete=NOBODY),
    "members.partymembership": AdminModel("membership", add=NOBODY, delete=NOBODY),
    "candidacies.candidacy": AdminModel("candidacy", add=NOBODY, delete=NOBODY),
    "audit.auditentry": AdminModel("audit", view=Role.ADMINISTRATOR, changelist=ANY, **READ_ONLY),
    "rules.calendaradjustment": AdminModel(
        None, add=root_administrator, change=root_administrator, delete=root_administrator
    ),
    "targets.target": AdminModel("target", **READ_ONLY),
    "targets.term": AdminModel("term", **READ_ONLY),
    "targets.planassignment": AdminModel("plan", **READ_ONLY),
    "targets.membersnapshot": AdminModel("snapshot", **READ_ONLY),
    "documents.signer": AdminModel("signer"),
    "documents.documentnumber": AdminModel("number", **READ_ONLY),
    "documents.relative": AdminModel("relative", **READ_ONLY),
    "documents.attachment": AdminModel("attachment", **READ_ONLY),
    "exchange.importjob": AdminModel("job", **READ_ONLY),
}


def admin_doors(label: str, prefix: str, spec: AdminModel) -> list[Door]:
    """The six doors Django's admin opens for one model."""
    name = label.replace(".", "_")
    base = f"admin/{prefix}/"

    def obj_url(view: str) -> Url:
        return lambda w, o, u: reverse(f"admin:{name}_{view}", args=[o.pk])

    def absent(view: str) -> Url:
        return lambda w, o, u: reverse(f"admin:{name}_{view}", args=[999999])

    doors = [
        Door(
            base,
            rev(f"admin:{name}_changelist", pk=None),
            read=spec.view if spec.changelist is None else spec.changelist,
        ),
        Door(
            base + "add/",
            rev(f"admin:{name}_add", pk=None),
            read=spec.add,
            writes=("POST",),
            write=spec.add,
            data=lambda w, s, u: {},
        ),
    ]
    if spec.kind is None:
        # No matrix object of this kind: the object pages are tried on an absent id, which
        # every user gets refused (403) or sent to the index (302) as absent.
        gone = (302, 403, 404)
        doors += [
            Door(base + "<path:object_id>/history/", absent("history"), read=ANY, ok=gone),
            Door(base + "<path:object_id>/delete/", absent("delete"), read=ANY, ok=gone),
            Door(base + "<path:object_id>/change/", absent("change"), read=ANY, ok=gone),
            Door(base + "<path:object_id>/", _literal(f"/{base}999999/"), read=ANY, ok=gone),
        ]
        return doors
    view = Role.VIEWER if spec.view == ANY else spec.view
    denied = (302, 403)
    doors += [
        Door(
            base + "<path:object_id>/history/",
            obj_url("history"),
            obj=spec.kind,
            read=view,
            outside=302,
            denied=denied,
        ),
        Door(
            base + "<path:object_id>/delete/",
            obj_url("delete"),
            obj=spec.kind,
            read=spec.delete,
            writes=("POST",),
            write=spec.delete,
            data=lambda w, s, u: {"post": "yes"},
            outside=302,
            denied=denied,
        ),
        Door(
            base + "<path:object_id>/change/",
            obj_url("change"),
            obj=spec.kind,
            read=view,
            writes=("POST",),
            write=spec.change,
            data=lambda w, s, u: {},
            outside=302,
            denied=denied,
        ),
        # Django's old-style object URL: a plain redirect to the change page, whatever the id.
        Door(
            base + "<path:object_id>/",
            lambda w, o, u: f"/{base}{o.pk}/",
            obj=spec.kind,
            read=ANY,
            ok=(302,),
            outside=302,
        ),
    ]
    return doors


@dataclass(frozen=True)
class Command:
    """A console command taking `--as`: `args(world, site, user)` builds its argv for an
    object at `site`; `who` is the rule for passing; `write` marks a command that changes
    data (checked unchanged when refused)."""

    args: Callable[[World, str, Any, str], list[str]]
    who: Rule = Role.VIEWER
    write: bool = False
    positional: bool = True
    # Writes the input file at the path given to `args` (for `import`).
    prepare: Callable[[World, str, Path], None] | None = None
    # Whether a user who may pass must succeed (False when the input may be refused for
    # reasons of its own, e.g. an import row naming a commune from a cell user).
    must_succeed: bool = True


def localities_workbook(world: World, site: str, path: Path) -> None:
    """A localities import of one row naming the organisation at `site`."""
    from openpyxl import load_workbook

    from ptdv.exchange.columns import KINDS
    from ptdv.exchange.workbook import template_build

    spec = KINDS["localities"]
    template_build(spec, path)
    book = load_workbook(path)
    sheet = book[spec.sheet]
    row = [f"MX-{site}", f"Thôn Nhập {site}", "Thôn", world.org_site[site].code]
    for column, value in enumerate(row, start=1):
        sheet.cell(row=2, column=column, value=value)
    book.save(path)


COMMANDS: dict[str, Command] = {
    "targets snapshot": Command(
        lambda w, s, u, out: [
            "targets",
            "snapshot",
            "--year",
            str(YEAR),
            "--replace",
            "--today",
            "01/10/2025",
            "--as",
            u.username,
        ],
        who=lambda level, role: level == "province" and role == Role.ADMINISTRATOR,
        write=True,
        positional=False,
    ),
    "report progress": Command(
        lambda w, s, u, out: [
            "report",
            "progress",
            "--organisation",
            w.org_site[s].code,
            "--year",
            str(YEAR),
            "--format",
            "xlsx",
            "--output",
            out,
            "--as",
            u.username,
        ]
    ),
    "report indicators": Command(
        lambda w, s, u, out: [
            "report",
            "indicators",
            "--organisation",
            w.org_site[s].code,
            "--year",
            str(YEAR),
            "--format",
            "xlsx",
            "--output",
            out,
            "--as",
            u.username,
        ]
    ),
    "documents render": Command(
        lambda w, s, u, out: [
            "documents",
            "render",
            "--candidacy",
            str(w.obj("candidacy", s).pk),
            "--slug",
            "2-knd",
            "--output",
            out,
            "--as",
            u.username,
        ]
    ),
    "documents number": Command(
        lambda w, s, u, out: [
            "documents",
            "number",
            "--organisation",
            w.org_site[s].code,
            "--kind",
            "QĐ",
            "--date",
            "01/09/2025",
            "--as",
            u.username,
        ],
        who=Role.CLERK,
        write=True,
    ),
    "export candidacies": Command(
        lambda w, s, u, out: [
            "export",
            "candidacies",
            "--output",
            out,
            "--organisation",
            w.cell_site[s].code,
            "--status",
            "all",
            "--as",
            u.username,
        ]
    ),
    "export members": Command(
        lambda w, s, u, out: [
            "export",
            "members",
            "--output",
            out,
            "--organisation",
            w.cell_site[s].code,
            "--as",
            u.username,
        ]
    ),
    "export organisations": Command(
        lambda w, s, u, out: [
            "export",
            "organisations",
            "--output",
            out,
            "--organisation",
            w.org_site[s].code,
            "--as",
            u.username,
        ]
    ),
    "import": Command(
        lambda w, s, u, out: ["import", out, "--kind", "localities", "--as", u.username],
        who=Role.ADMINISTRATOR,
        write=True,
        prepare=localities_workbook,
        must_succeed=False,
    ),
}


def _rows_from_modules() -> None:
    """Add the rows declared in `ptdv/core/tests/access_rows/*.py` (one module per
    capability) to the tables above."""
    import importlib
    import pkgutil

    from ptdv.core.tests import access_rows

    for info in sorted(pkgutil.iter_modules(access_rows.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{access_rows.__name__}.{info.name}")
        DOORS.extend(getattr(module, "DOORS", []))
        ADMIN_MODELS.update(getattr(module, "ADMIN_MODELS", {}))
        COMMANDS.update(getattr(module, "COMMANDS", {}))


_rows_from_modules()
