"""The candidates' Excel import and the dossiers' export with the movement and the referring
mass organisation, resolved through the importing user's scope."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from ptdv.candidacies.models import Candidacy
from ptdv.exchange.exports import export_candidacies
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import candidate, filled_template, private_root  # noqa: F401
from ptdv.movements.models import MassOrganisation, Movement

pytestmark = pytest.mark.django_db


def test_import_links_movement_and_body(clerk, tree, club, youth, tmp_path) -> None:
    path = filled_template(
        tmp_path,
        "candidates",
        [
            candidate(movement=club.pk, referring_body=youth.pk, source_channel=""),
            candidate(given_name="Lan", national_id="042301000002", movement=club.pk,
                      source_channel="", organisation="Ca2"),
        ],
    )  # fmt: skip
    outcome = import_workbook(actor=clerk, path=path, kind="candidates")
    assert outcome.status == "imported", (outcome.message, outcome.errors)
    mai = Candidacy.objects.get(person__given_name="Mai")
    assert (mai.movement, mai.referring_body, mai.source_channel) == (club, youth, "youth_union")
    lan = Candidacy.objects.get(person__given_name="Lan")
    assert (lan.movement, lan.referring_body, lan.source_channel) == (club, None, "movement")

    handle = export_candidacies(actor=clerk, filters={"open": True}).file
    sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    at = header.index("Mã phong trào, câu lạc bộ")
    assert {r[at] for r in rows[1:]} == {club.pk}
    assert "Đoàn Thanh niên xã A" in {r[header.index("Đoàn thể giới thiệu")] for r in rows[1:]}


def test_import_refuses_outside_and_contradicting(clerk, tree, youth, tmp_path) -> None:
    body_b = MassOrganisation.objects.create(
        organisation=tree["commune_b"], kind="trade_union", name="Công đoàn xã B"
    )
    movement_b = Movement.objects.create(
        organiser=tree["commune_b"], kind="club", name="CLB B", starts_on=dt.date(2025, 1, 1)
    )
    path = filled_template(
        tmp_path,
        "candidates",
        [
            candidate(referring_body=body_b.pk),
            candidate(given_name="Lan", national_id="042301000002", movement=movement_b.pk),
            candidate(given_name="Hoa", national_id="042301000003", referring_body=youth.pk,
                      source_channel="Công đoàn giới thiệu"),
        ],
    )  # fmt: skip
    outcome = import_workbook(actor=clerk, path=path, kind="candidates")
    assert outcome.status != "imported"
    columns = (
        {(e.row, e.column) for e in outcome.errors}
        if hasattr(outcome.errors[0], "row")
        else {(e["row"], e["column"]) for e in outcome.errors}
    )
    assert {c for _r, c in columns} >= {"referring_body", "movement", "source_channel"}
    assert not Candidacy.objects.exists()
