"""A nightly refresh, an Excel import and a user's action on the same dossier at once (issue
15 §4): each either goes through whole or refuses cleanly, the dossier and its history agree,
and every counter still equals its recount. Real concurrent transactions need PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from ptdv.accounts.models import Role
from ptdv.candidacies import workflow
from ptdv.candidacies.models import Candidacy, CandidacyEvent
from ptdv.candidacies.pipeline import pipeline_refresh
from ptdv.exchange.models import ImportStatus
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import filled_template
from ptdv.factories import CandidacyFactory, PersonFactory, make_tree, user_with_role
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def test_refresh_import_and_action_on_one_dossier_at_once(tmp_path: Path) -> None:
    tree = make_tree()
    number = "042301000001"
    person = PersonFactory(
        organisation=tree["cell_a1"],
        national_id_hash=national_id_hash(number),
        national_id_encrypted=national_id_encrypt(number),
        education="lower_secondary",
    )
    candidacy = CandidacyFactory(organisation=tree["cell_a1"], person=person)
    call_command("aggregates", "rebuild", stdout=io.StringIO())
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    workbook = filled_template(
        tmp_path, "people", [{"national_id": number, "education": "Đại học"}]
    )
    start = threading.Barrier(3, timeout=30)
    results: dict[str, Any] = {}

    def run(name: str, work: Any) -> None:
        try:
            start.wait()
            results[name] = work()
        except Exception as error:
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=run, args=("refresh", lambda: pipeline_refresh(today=dt.date.today(), jobs=1))
        ),
        threading.Thread(
            target=run,
            args=(
                "import",
                lambda: import_workbook(actor=clerk, path=workbook, kind="people", mode="update"),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "action",
                lambda: workflow.candidacy_act(
                    actor=approver,
                    candidacy_id=candidacy.pk,
                    action="record_certificate",
                    data={"certificate_date": "2025-05-20"},
                    version=1,
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not isinstance(results["refresh"], Exception), results["refresh"]
    assert results["import"].status == ImportStatus.IMPORTED, results["import"].errors
    assert isinstance(results["action"], workflow.ActionResult), results["action"]
    candidacy = Candidacy.objects.get(pk=candidacy.pk)
    events = CandidacyEvent.objects.filter(candidacy=candidacy)
    # The dossier and its history agree: one step, one version more, its fact recorded.
    assert candidacy.version == 2 and events.count() == 1
    assert str(candidacy.certificate_date) == "2025-05-20"
    assert candidacy.stage == events.get().stage_after
    assert Person.objects.get(pk=person.pk).education == "university"
    # What the refresh computed is what a refresh computes now (nothing stale was kept).
    before = Candidacy.objects.values_list("next_action", "next_due").get(pk=candidacy.pk)
    pipeline_refresh(today=dt.date.today(), jobs=1)
    after = Candidacy.objects.values_list("next_action", "next_due").get(pk=candidacy.pk)
    assert before == after
    call_command("aggregates", "verify", stdout=io.StringIO())  # exits 1 on any drift
