"""Access rows of the yearly pool survey (issue 14 §1): the pages, the Excel roll-up, the API.

The world has no survey: each row's URL builder makes (again after a door's test rolled it
back) a round rooted at the site's organisation with one response of that organisation, in
one of two states: "draft" (assessed, ready to send: fill, refresh, submit) and "submitted"
(waiting for the level above: accept, return). Rows are written straight to the tables. A
round rooted at a site is visible only inside that site's subtree (nobody outside sees a
response of it), so the positions answer as for any object of the site.

Reviewing is the level above's: an approver (or above) assigned strictly above the
responding unit — the cell A1 users, whose scope is the unit itself, never review.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ptdv.accounts.models import ROLE_RANK, Role
from ptdv.core.tests.access_matrix import ANY, READ_ONLY, AdminModel, Door, Url, rev
from ptdv.core.tests.access_rows.at_site import made_at
from ptdv.core.tests.access_world import TODAY, World
from ptdv.organisations.models import Organisation
from ptdv.surveys.models import ResponseStatus, SurveyResponse, SurveyRound

_FLAVOUR = {"refresh": "draft", "submit": "draft", "accept": "submitted", "return": "submitted"}


def survey_at(world: World, organisation: Organisation, flavour: str) -> SurveyResponse:
    """The response of `organisation` in a round rooted at it (made on first use)."""
    title = f"Khảo sát nguồn {flavour} {organisation.code}"

    def make() -> SurveyResponse:
        survey_round = SurveyRound.objects.create(
            year=2025 if flavour == "draft" else 2024,
            organisation=organisation,
            title=title,
            due_date=TODAY,
            reference_date=TODAY,
        )
        return SurveyResponse.objects.create(
            survey_round=survey_round,
            organisation=organisation,
            status=ResponseStatus.DRAFT if flavour == "draft" else ResponseStatus.SUBMITTED,
            figures={"members": 3, "candidates": 2},
            figures_on=TODAY,
            pool_quality="fair",
            quality_note="Nguồn ổn định.",
            plan={"train": 2, "admit": 1},
        )

    # A door's test rolls back what it made, and an id may then be given again to another
    # row: the cached one counts only if it is still this round's response.
    key = (organisation.pk, flavour)
    return made_at(world, "survey", key, SurveyResponse, make, survey_round__title=title)


def _round_url(name: str, flavour: str = "draft") -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        response = survey_at(world, obj, flavour)
        return reverse(name, kwargs={"pk": response.survey_round_id, **extra})

    return build


def _response_url(name: str, api: bool = False) -> Url:
    def build(world: World, obj: Any, user: Any, **extra: Any) -> str:
        flavour = _FLAVOUR.get(extra.get("action", ""), "draft")
        if name.startswith("api:survey-response-"):
            flavour = _FLAVOUR[name.rsplit("-", 1)[1]]
        response = survey_at(world, obj, flavour)
        if api:
            kwargs = {"pk": response.survey_round_id, "rid": response.pk}
        else:
            kwargs = {"round_id": response.survey_round_id, "pk": response.pk, **extra}
        return reverse(name, kwargs=kwargs)

    return build


def reviewer(level: str, role: str) -> bool:
    """An approver or above strictly above the responding unit (the site's organisation)."""
    return level != "cell" and ROLE_RANK[Role(role)] >= ROLE_RANK[Role.APPROVER]


def _action_variants(world: World) -> list[tuple[str, dict[str, Any], Any]]:
    return [
        ("refresh", {"action": "refresh"}, Role.CLERK),
        ("submit", {"action": "submit"}, Role.CLERK),
        ("accept", {"action": "accept"}, reviewer),
        ("return", {"action": "return"}, reviewer),
    ]


def _action_form(world: World, site: str, user: Any, action: str = "") -> dict[str, Any]:
    return {"reason": "Cần bổ sung kế hoạch cho thanh niên."} if action == "return" else {}


def _response_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "pool_quality": "good",
        "quality_note": "Nguồn dồi dào.",
        "reasons": "",
        "difficulties": "",
        "plan_train": "4",
        "plan_admit": "2",
        "then": "save",
    }


def _create_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"organisation": world.org_site[site].pk, "year": "2026", "due_date": "31/12/2025"}


def _create_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"organisation": world.org_site[site].pk, "year": 2026, "due_date": "2025-12-31"}


_ACTION_ROUTE = (
    "surveys/^(?P<round_id>[0-9]+)/responses/(?P<pk>[0-9]+)/"
    "(?P<action>refresh|submit|accept|return)/$"
)
_API_RESPONSE = "api/v1/surveys/<int:pk>/responses/<int:rid>/"

DOORS = [
    # --- Pages ---------------------------------------------------------------------------
    Door("surveys/", rev("surveys:list", pk=None)),
    Door(
        "surveys/new/",
        rev("surveys:create", pk=None),
        read=Role.ADMINISTRATOR,
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=_create_form,
        positional_body=True,
    ),
    Door("surveys/<int:pk>/", _round_url("surveys:round"), obj="organisation"),
    Door("surveys/<int:pk>/rollup.xlsx", _round_url("surveys:export"), obj="organisation"),
    Door(
        "surveys/<int:pk>/close/",
        _round_url("surveys:close"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=lambda w, s, u: {},
        effective=True,
    ),
    Door(
        "surveys/<int:round_id>/responses/<int:pk>/",
        _response_url("surveys:response"),
        obj="organisation",
        writes=("POST",),
        data=_response_form,
        effective=True,
    ),
    Door(
        _ACTION_ROUTE,
        _response_url("surveys:response_action"),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=_action_form,
        variants=_action_variants,
        effective=True,
    ),
    # --- API -----------------------------------------------------------------------------
    Door(
        "api/v1/surveys/",
        rev("api:survey-list", pk=None),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=_create_json,
        body="json",
        positional_body=True,
    ),
    Door("api/v1/surveys/<int:pk>/", _round_url("api:survey-detail"), obj="organisation"),
    Door(
        "api/v1/surveys/<int:pk>/responses/",
        _round_url("api:survey-responses"),
        obj="organisation",
    ),
    Door(
        _API_RESPONSE,
        _response_url("api:survey-response", api=True),
        obj="organisation",
        writes=("PATCH",),
        data=lambda w, s, u: {"quality_note": "Đã rà soát lại.", "plan": {"admit": 2}},
        body="json",
        effective=True,
    ),
    Door(
        _API_RESPONSE + "submit/",
        _response_url("api:survey-response-submit", api=True),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=lambda w, s, u: {},
        body="json",
        effective=True,
    ),
    Door(
        _API_RESPONSE + "refresh/",
        _response_url("api:survey-response-refresh", api=True),
        obj="organisation",
        reads=(),
        writes=("POST",),
        data=lambda w, s, u: {},
        body="json",
        effective=True,
    ),
    Door(
        _API_RESPONSE + "accept/",
        _response_url("api:survey-response-accept", api=True),
        obj="organisation",
        reads=(),
        writes=("POST",),
        write=reviewer,
        data=lambda w, s, u: {},
        body="json",
        effective=True,
    ),
    Door(
        _API_RESPONSE + "return/",
        _response_url("api:survey-response-return", api=True),
        obj="organisation",
        reads=(),
        writes=("POST",),
        write=reviewer,
        data=lambda w, s, u: {"reason": "Cần bổ sung kế hoạch cho thanh niên."},
        body="json",
        effective=True,
    ),
]

ADMIN_MODELS = {
    "surveys.surveyround": AdminModel(None, view=ANY, **READ_ONLY),
    "surveys.surveyresponse": AdminModel(None, view=ANY, **READ_ONLY),
}
