"""The demo province's requests: every state, overdue ones escalated, answered ones matching
the dossier facts they recorded, accepted transfers that moved their dossier."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ptdv.candidacies.models import CandidacyEvent
from ptdv.correspondence.models import OrganisationRequest, RequestKind, RequestStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("demo", "ensure", "--members", "1500", stdout=out)
    assert "Yêu cầu giữa các tổ chức" in out.getvalue()
    statuses = set(OrganisationRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    overdue = OrganisationRequest.objects.filter(status=RequestStatus.OVERDUE)
    assert overdue.filter(escalated_to__isnull=False).exists()
    for request in overdue.filter(escalated_to__isnull=False).select_related("addressee"):
        assert request.escalated_to_id == request.addressee.parent_id
    answered = OrganisationRequest.objects.filter(
        status=RequestStatus.ANSWERED, kind=RequestKind.VERIFICATION
    ).select_related("candidacy", "recorded_event")
    assert answered.exists()
    for request in answered:
        assert request.answered_on == request.candidacy.verification_concluded_on
        assert request.recorded_event.action == "record_verification"
    for request in OrganisationRequest.objects.filter(status=RequestStatus.ACCEPTED):
        assert request.candidacy.organisation_id == request.transfer_target_id
        assert CandidacyEvent.objects.get(pk=request.recorded_event_id).action == "transfer"
    outside = OrganisationRequest.objects.filter(addressee__isnull=True)
    assert outside.exists() and not outside.filter(number__isnull=True).exists()
