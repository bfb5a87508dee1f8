"""Two clerks of the addressee answering the same request at once: the row lock lets one
answer; the other, waiting for the lock, finds it answered (409) and writes nothing. Real
concurrent transactions need PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections

from ptdv.accounts.models import Role
from ptdv.candidacies.models import CandidacyEvent, Stage
from ptdv.correspondence import services
from ptdv.correspondence.models import OrganisationRequest, RequestStatus
from ptdv.correspondence.services import NewRequest, Reply, WrongStatus
from ptdv.factories import CandidacyFactory, make_tree, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_two_clerks_answer_at_once_one_wins(monkeypatch, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    tree = make_tree()
    dossier = CandidacyFactory(organisation=tree["cell_a1"], stage=Stage.TRAINED)
    sender = user_with_role(tree["commune_a"], Role.CLERK)
    first = user_with_role(tree["commune_b"], Role.CLERK)
    second = user_with_role(tree["province"], Role.CLERK)
    today = dt.date.today()
    request = services.request_send(
        actor=sender,
        candidacy_id=dossier.pk,
        data=NewRequest(
            kind="verification", questions="Thẩm tra.", addressee=tree["commune_b"].pk,
            place="residence",
        ),
        today=today - dt.timedelta(days=5),
    )  # fmt: skip
    locked = threading.Event()
    original = services._record_fact

    def slow_record(actor, req):
        if actor.pk == first.pk:
            locked.set()
            time.sleep(0.6)  # hold the row lock while the second clerk tries
        return original(actor, req)

    monkeypatch.setattr(services, "_record_fact", slow_record)
    results: dict[str, object] = {}

    def run(name, user):
        try:
            results[name] = services.request_answer(
                actor=user,
                request_id=request.pk,
                reply=Reply(text="Tốt.", conclusion="favourable", answered_on=today),
                today=today,
            )
        except Exception as exc:
            results[name] = exc
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first))
    one.start()
    assert locked.wait(5)
    two = threading.Thread(target=run, args=("second", second))
    two.start()
    one.join()
    two.join()
    assert isinstance(results["first"], OrganisationRequest)
    assert isinstance(results["second"], WrongStatus)
    assert OrganisationRequest.objects.get(pk=request.pk).status == RequestStatus.ANSWERED
    assert (
        CandidacyEvent.objects.filter(candidacy=dossier, action="record_verification").count() == 1
    )
