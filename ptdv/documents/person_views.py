"""The person page: the person, their dossiers, memberships and relatives (it lives here, in
the highest of the layers it reads). Every view of it is written to the audit trail (Decree
13/2023/NĐ-CP)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ptdv.audit.services import audit_record
from ptdv.candidacies.selectors import person_candidacies
from ptdv.core.policies import Action
from ptdv.core.views import render_page
from ptdv.documents.selectors import person_page_row, person_relatives
from ptdv.members.selectors import person_memberships
from ptdv.people.choices import TargetGroup
from ptdv.people.crypto import national_id_decrypt, national_id_mask
from ptdv.people.policies import person_policy


@never_cache
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_policy.get_visible(request.user, pk, person_page_row())
    audit_record(
        actor=request.user,
        action="view",
        obj=person,
        person=person,
        summary="Xem hồ sơ công dân",
    )
    labels = dict(TargetGroup.choices)
    context = {
        "person": person,
        "national_id_masked": national_id_mask(national_id_decrypt(person.national_id_encrypted)),
        "target_groups": [str(labels.get(code, code)) for code in person.target_groups or []],
        "candidacies": person_candidacies(actor=request.user, person=person),
        # Read only for a person who has any (annotated by `person_page_row`).
        "memberships": list(person_memberships(actor=request.user, person=person))
        if person.has_memberships  # type: ignore[attr-defined]
        else [],
        "relatives": person_relatives(actor=request.user, person=person)
        if person.has_relatives  # type: ignore[attr-defined]
        else [],
        "can_change": person_policy.can(request.user, Action.CHANGE, person),
        "can_audit": person_policy.can(request.user, Action.ADMINISTER, person),
        "section": "candidacies",
    }
    return render_page(request, "people/detail.html", context)
