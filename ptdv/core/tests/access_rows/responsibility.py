"""Access rows of responsibility per person (issue 14 §2): the report "what each leader
achieved" (page, Excel, API), the personal quotas (page, API), one responsible person's
candidates, "Quần chúng tôi phụ trách" (page, API) and the user page's link of an account to
a person.

The report and the quotas belong to an organisation's subtree: its viewers read them, its
clerks set quotas (like the plan assignments). A person's page is reached by the person's id
and answers as the person does (404 outside the subtree). The world has no quota: `quota_at`
makes, the first time a door asks (and again after a door's test rolled it back), a quota of
the site's helper member at the site's organisation.

"Quần chúng tôi phụ trách" names no object: any signed-in user opens their own list (the
matrix users are linked to no person, so it is empty; the scope of its rows is tested in
ptdv/targets/tests/test_mine.py). Linking an account to a person is the user page's: an
administrator of the user (404 outside), with the person at the user's site.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import ANY, READ_ONLY, AdminModel, Door, rev
from ptdv.core.tests.access_world import YEAR, World
from ptdv.organisations.models import Organisation
from ptdv.targets.models import ResponsibilityQuota


def quota_at(world: World, organisation: Organisation) -> ResponsibilityQuota:
    made: dict[int, ResponsibilityQuota] = world.objects.setdefault("quota", {})
    if (
        organisation.pk in made
        and ResponsibilityQuota.objects.filter(pk=made[organisation.pk].pk).exists()
    ):
        return made[organisation.pk]
    site = next(s for s, o in world.org_site.items() if o.pk == organisation.pk)
    quota = ResponsibilityQuota.objects.create(
        organisation=organisation, year=YEAR, member=world.obj("membership", site), number=3
    )
    made[organisation.pk] = quota
    return quota


def _person_url(world: World, obj: Any, user: Any, **extra: Any) -> str:
    return reverse("targets:responsible", kwargs={"pk": obj.person_id}) + f"?year={YEAR}"


def _quota_url(world: World, obj: Any, user: Any, **extra: Any) -> str:
    quota = quota_at(world, obj)
    return reverse("api:responsibility-quota-detail", kwargs={"pk": quota.pk})


def _org_query(world: World, site: str) -> str:
    return f"organisation={world.org_site[site].pk}&year={YEAR}"


def _quota_form(world: World, site: str, user: Any) -> dict[str, Any]:
    return {"step": "set", "member": world.obj("membership", site).pk, "number": "2"}


def _quota_json(world: World, site: str, user: Any) -> dict[str, Any]:
    return {
        "organisation": world.org_site[site].pk,
        "year": YEAR,
        "member": world.obj("membership", site).pk,
        "number": 2,
    }


DOORS = [
    Door(
        "targets/<int:pk>/responsibility/",
        rev("targets:responsibility", query=f"year={YEAR}"),
        obj="organisation",
    ),
    Door(
        "targets/<int:pk>/responsibility.xlsx",
        rev("targets:responsibility_export", query=f"year={YEAR}"),
        obj="organisation",
    ),
    Door(
        "targets/<int:pk>/responsibility/quotas/",
        rev("targets:quotas", query=f"year={YEAR}"),
        obj="organisation",
        writes=("POST",),
        write=Role.CLERK,
        data=_quota_form,
        effective=True,
    ),
    Door("targets/responsible/<int:pk>/", _person_url, obj="membership"),
    Door("targets/mine/", rev("targets:mine", pk=None, query=f"year={YEAR}"), read=ANY),
    Door(
        "accounts/users/<int:pk>/person/",
        rev("user_person"),
        obj="user",
        reads=(),
        writes=("POST",),
        write=Role.ADMINISTRATOR,
        data=lambda w, s, u: {"person": w.obj("person", s).pk},
        effective=True,
    ),
    # --- API -----------------------------------------------------------------------------
    Door("api/v1/responsibility/", rev("api:responsibility", pk=None), query=_org_query),
    Door(
        "api/v1/responsibility/quotas/",
        rev("api:responsibility-quotas", pk=None),
        query=_org_query,
        writes=("POST",),
        write=Role.CLERK,
        body="json",
        data=_quota_json,
        positional_body=True,
        effective=True,
    ),
    Door(
        "api/v1/responsibility/mine/",
        rev("api:responsibility-mine", pk=None, query=f"year={YEAR}"),
        read=ANY,
    ),
    Door(
        "api/v1/responsibility/quotas/<int:pk>/",
        _quota_url,
        obj="organisation",
        writes=("DELETE",),
        write=Role.CLERK,
        effective=True,
    ),
]

ADMIN_MODELS = {
    "targets.responsibilityquota": AdminModel(None, **READ_ONLY),
}
