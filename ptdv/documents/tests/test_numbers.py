"""The register of document numbers: consecutive per issuing body and year, one number per
form of a dossier, no gap and no duplicate under concurrent use."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from ptdv.accounts.models import Role
from ptdv.documents.models import DocumentCounter, DocumentNumber
from ptdv.documents.numbering import document_symbol
from ptdv.documents.services import document_number_issue
from ptdv.factories import make_tree, user_with_role
from ptdv.organisations.models import Organisation


@pytest.mark.django_db
def test_numbers_follow_each_other_per_body_and_year(tree):
    user = user_with_role(tree["province"], Role.CLERK)
    commune = tree["commune_a"]
    Organisation.objects.filter(pk=commune.pk).update(abbreviation="ĐU")
    commune.refresh_from_db()
    day = dt.date(2026, 4, 12)
    first = document_number_issue(actor=user, organisation=commune, kind="QĐ", on=day)
    second = document_number_issue(actor=user, organisation=commune, kind="NQ", on=day)
    other = document_number_issue(actor=user, organisation=tree["commune_b"], kind="QĐ", on=day)
    next_year = document_number_issue(
        actor=user, organisation=commune, kind="QĐ", on=dt.date(2027, 1, 2)
    )
    assert (first.number, first.symbol) == (1, "1-QĐ/ĐU")
    assert (second.number, second.symbol) == (2, "2-NQ/ĐU")
    assert other.number == 1 and next_year.number == 1
    cell = tree["cell_a1"]
    assert document_symbol(number=12, kind="NQ", organisation=cell) == "12-NQ/CB"


@pytest.mark.django_db
def test_a_form_of_a_dossier_keeps_its_number(tree, official_candidacy, approver):
    commune = tree["commune_a"]
    args = {"actor": approver, "organisation": commune, "kind": "QĐ", "on": dt.date(2026, 5, 5)}
    one = document_number_issue(**args, candidacy=official_candidacy, slug="9-knd")
    again = document_number_issue(**args, candidacy=official_candidacy, slug="9-knd")
    assert one.pk == again.pk
    assert DocumentNumber.objects.filter(candidacy=official_candidacy, slug="9-knd").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)
def test_concurrent_issuers_get_distinct_consecutive_numbers():
    tree = make_tree()
    user = user_with_role(tree["province"], Role.CLERK)
    commune = tree["commune_a"]
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def issue() -> None:
        try:
            start.wait(5)
            for _ in range(5):
                entry = document_number_issue(
                    actor=user, organisation=commune, kind="QĐ", on=dt.date(2026, 6, 1)
                )
                results.append(entry.number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(results) == list(range(1, 41))
    assert DocumentCounter.objects.get(organisation=commune, year=2026).last_number == 40
