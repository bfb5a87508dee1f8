"""Access rows of the requests between organisations (issue 13 §1): the pages, the letter, the
Excel export, the API list/create/read and the actions.

The world has no request of its own: each row's URL builder makes (once per test, the world's
transaction keeps it) a verification request about the dossier at the site, sent by the
dossier's cell to a body outside the tree. Such a request lies only in the sender's subtree,
so it is inside exactly where the dossier is, and the sites' markers (the person's name, the
cell's name) test that nothing leaks. The addressee's side (an organisation of the tree) is
covered by ptdv/correspondence/tests (scope, minimisation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import ANY, NOBODY, Door, Rule
from ptdv.core.tests.access_world import SITES, TODAY, World
from ptdv.correspondence.models import OrganisationRequest, RequestKind
from ptdv.correspondence.services import NewRequest, request_send

OUTSIDE_BODY = "Ủy ban nhân dân xã Ngoài Tỉnh"


def matrix_request(world: World, candidacy: Any) -> OrganisationRequest:
    """The request about `candidacy` (made the first time a test asks for it)."""
    existing = OrganisationRequest.objects.filter(
        candidacy=candidacy, addressee_name=OUTSIDE_BODY
    ).first()
    if existing is not None:
        return existing
    return request_send(
        actor=world.user("province", Role.ADMINISTRATOR),
        candidacy_id=candidacy.pk,
        data=NewRequest(
            kind=RequestKind.VERIFICATION,
            place="home_town",
            questions="Đề nghị thẩm tra lý lịch bản thân và gia đình.",
            addressee_name=OUTSIDE_BODY,
            addressee_address="Xã Ngoài Tỉnh, tỉnh Khác",
        ),
        today=TODAY,
    )


def _all_requests(world: World) -> None:
    for site in SITES:
        matrix_request(world, world.obj("candidacy", site))


def _on_request(name: str, **fixed: Any) -> Any:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        request = matrix_request(world, obj)
        return reverse(name, kwargs={"pk": request.pk, **fixed, **extra})

    return build


def _list(name: str, query: str = "") -> Any:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        _all_requests(world)
        return reverse(name) + query

    return build


def _count(path: str) -> int:
    return OrganisationRequest.objects.filter(sender__path__startswith=path).count()


def _create_url(world: World, obj: Any, user: Any) -> str:
    return reverse("correspondence:create") + f"?candidacy={obj.pk}"


def _create_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "kind": "mass_opinion",
        "addressee_name": "Hội Nông dân xã Ngoài",
        "addressee_address": "Xã Ngoài",
        "questions": "Đề nghị cho ý kiến nhận xét.",
    }


def _api_create(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "candidacy": world.obj("candidacy", site).pk,
        "kind": "mass_opinion",
        "addressee_name": "Hội Nông dân xã Ngoài",
        "addressee_address": "Xã Ngoài",
        "questions": "Đề nghị cho ý kiến nhận xét.",
    }


# Who may take each action on a request its sender sent outside the tree: the sender's clerks
# answer it (typing the reply received), record it and cancel it; nobody receives it, accepts
# or refuses it (those are an addressee of the tree's).
ACTION_RULES: dict[str, Rule] = {
    "receive": NOBODY,
    "answer": Role.CLERK,
    "accept": NOBODY,
    "refuse": NOBODY,
    "cancel": Role.CLERK,
}
WEB_RULES: dict[str, Rule] = {**ACTION_RULES, "record": Role.CLERK}

_ANSWERED_ON = (TODAY + dt.timedelta(days=1)).isoformat()


def _api_action_body(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "receive": {},
        "answer": {
            "reply_text": "Bản thân và gia đình chấp hành tốt chủ trương, chính sách.",
            "conclusion": "favourable",
            "answered_on": _ANSWERED_ON,
        },
        "accept": {"organisation": world.cell_site["a1"].pk},
        "refuse": {"reason": "Không thuộc địa bàn"},
        "cancel": {"reason": "Gửi nhầm nơi nhận"},
    }
    return bodies.get(action, {})


def _form_action_body(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    body = dict(_api_action_body(world, site, user, action))
    if action == "answer":
        body["answered_on"] = (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    if action in ("refuse", "cancel"):
        body = {f"{action}-reason": body["reason"]}
    return body


def _variants(key: str, rules: dict[str, Rule]) -> Any:
    def variants(world: World) -> list[tuple[str, dict[str, Any], Rule | None]]:
        return [(name, {key: name}, rule) for name, rule in rules.items()]

    return variants


DOORS = [
    Door("requests/", _list("correspondence:list"), read=ANY),
    Door("requests/export.xlsx", _list("correspondence:export"), read=ANY),
    Door(
        "requests/new/",
        _create_url,
        obj="candidacy",
        read=Role.CLERK,
        writes=("POST",),
        write=Role.CLERK,
        data=_create_form,
    ),
    Door("requests/<int:pk>/", _on_request("correspondence:detail"), obj="candidacy"),
    Door(
        "requests/<int:pk>/letter.<str:fmt>",
        _on_request("correspondence:letter", fmt="docx"),
        obj="candidacy",
    ),
    Door(
        "requests/<int:pk>/actions/<slug:action>/",
        _on_request("correspondence:action"),
        obj="candidacy",
        reads=(),
        writes=("POST",),
        data=_form_action_body,
        variants=_variants("action", WEB_RULES),
    ),
    Door(
        "api/v1/^requests/$",
        _list("api:request-list"),
        read=ANY,
        count=_count,
        writes=("POST",),
        write=Role.CLERK,
        body="json",
        positional_body=True,
        data=_api_create,
    ),
    Door("api/v1/^requests/(?P<pk>[^/.]+)/$", _on_request("api:request-detail"), obj="candidacy"),
    Door(
        "api/v1/requests/<int:pk>/actions/<str:action_name>/",
        _on_request("api:request-action"),
        obj="candidacy",
        reads=(),
        writes=("POST",),
        body="json",
        data=_api_action_body,
        variants=_variants("action_name", ACTION_RULES),
    ),
]
