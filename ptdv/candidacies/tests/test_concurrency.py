"""Two users acting on the same dossier at once: exactly one succeeds, the other gets a
conflict, and nothing is half-written. Real concurrent transactions need PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, connections

from ptdv.accounts.models import Role
from ptdv.candidacies import workflow
from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.factories import CandidacyFactory, make_tree, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_two_users_same_dossier_one_wins(monkeypatch):
    tree = make_tree()
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    first = user_with_role(tree["commune_a"], Role.CLERK)
    second = user_with_role(tree["province"], Role.CLERK)
    locked = threading.Event()
    original = workflow._apply

    def slow_apply(actor, *args, **kwargs):
        if actor == first:
            locked.set()
            time.sleep(0.6)  # hold the row lock while the second user tries
        return original(actor, *args, **kwargs)

    monkeypatch.setattr(workflow, "_apply", slow_apply)
    results: dict[str, object] = {}

    def run(name, user, certificate_date):
        try:
            results[name] = workflow.candidacy_act(
                actor=user,
                candidacy_id=candidacy.pk,
                action="record_certificate",
                data={"certificate_date": certificate_date},
                version=1,
            )
        except Exception as exc:
            results[name] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=run, args=("first", first, "2025-05-20"))
    b = threading.Thread(target=run, args=("second", second, "2025-05-21"))
    a.start()
    assert locked.wait(5), results
    b.start()
    a.join(10)
    b.join(10)
    assert isinstance(results["first"], workflow.ActionResult)
    assert isinstance(results["second"], workflow.StaleVersion)
    candidacy = Candidacy.objects.get(pk=candidacy.pk)
    assert candidacy.version == 2
    assert str(candidacy.certificate_date) == "2025-05-20"
    assert CandidacyEvent.objects.filter(candidacy=candidacy).count() == 1
