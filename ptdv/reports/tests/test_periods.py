"""Reports by period (issue 14 §6): the period parser and its Vietnamese errors, the figures of
a quarter, a half-year and a range counted from the rows (equal to the tallies for a whole
year), the workbooks and PDFs read back, the pages, the API and the audit trail."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.measures import ADMISSION_FIELDS
from ptdv.candidacies.models import AdmissionTally
from ptdv.factories import MembershipFactory, bearer_key, user_with_role
from ptdv.members.models import MembershipStatus
from ptdv.reports.builders import progress_report
from ptdv.reports.periods import (
    MAX_RANGE_DAYS,
    period_half,
    period_parse,
    period_quarter,
    period_range,
    period_year,
)
from ptdv.reports.ranges import admissions_between, period_figures
from ptdv.reports.services import report_indicators_export, report_progress_export
from ptdv.reports.tests.test_reports import pdf_text
from ptdv.targets.tests.scenario import TODAY, YEAR

TODAY_ = dt.date(2026, 11, 29)


def parse(**params):
    return period_parse({k: str(v) for k, v in params.items()}, today=TODAY_)


# --- The parser (no database) ---------------------------------------------------------------


def test_periods_and_their_names():
    assert parse() == period_year(2026)
    assert parse(year=2025).label == "Năm 2025"
    q3 = parse(quarter=3, year=2026)
    assert (q3.start, q3.end, q3.label) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        "Quý III năm 2026",
    )
    assert parse(quarter=4, year=2026).end == dt.date(2026, 12, 31)
    assert parse(quarter=1, year=2024).end == dt.date(2024, 3, 31)
    h1 = parse(half=1, year=2026)
    assert (h1.start, h1.end, h1.label) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
        "6 tháng đầu năm 2026",
    )
    assert parse(half=2, year=2026).label == "6 tháng cuối năm 2026"
    span = parse(**{"from": "01/03/2026", "to": "15/05/2026"})
    assert span.label == "Từ 01/03/2026 đến 15/05/2026"
    assert (span.days, span.year, span.slug) == (76, 2026, "20260301-20260515")
    assert span.query() == {"from": "01/03/2026", "to": "15/05/2026"}
    assert period_quarter(2026, 2).query() == {"quarter": "2", "year": "2026"}
    assert period_half(2026, 2).slug == "2026-h2"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"from": "15/05/2026", "to": "01/03/2026"}, "from", "Từ ngày phải trước"),
        ({"from": "2026-03-01", "to": "15/05/2026"}, "from", "Từ ngày phải là ngày dạng dd/mm"),
        ({"from": "01/03/2026", "to": "31/02/2026"}, "to", "Đến ngày không phải là ngày có thật"),
        ({"from": "01/03/2026"}, "to", "Cần nhập đến ngày"),
        ({"to": "01/03/2026"}, "from", "Cần nhập từ ngày"),
        ({"from": "01/01/2020", "to": "01/01/2026"}, "to", "dài quá"),
        ({"quarter": "1", "half": "1", "year": "2026"}, "half", "quý hoặc 6 tháng"),
        ({"quarter": "2", "from": "01/03/2026", "to": "15/05/2026"}, "quarter", "khoảng ngày"),
        ({"quarter": "5", "year": "2026"}, "quarter", "Quý phải là số từ 1 đến 4"),
        ({"half": "3"}, "half", "6 tháng phải là số từ 1 đến 2"),
        ({"year": "x"}, "year", "Năm phải là số từ 1930 đến 2100"),
    ],
)
def test_period_errors_name_the_field(params, field, words):
    with pytest.raises(ValidationError) as caught:
        period_parse(params, today=TODAY_)
    messages = caught.value.message_dict
    assert list(messages) == [field]
    assert words in messages[field][0]


def test_the_longest_range_is_accepted():
    start = dt.date(2021, 1, 1)
    end = start + dt.timedelta(days=MAX_RANGE_DAYS - 1)
    params = {"from": f"{start:%d/%m/%Y}", "to": f"{end:%d/%m/%Y}"}
    assert period_parse(params, today=TODAY_).days == MAX_RANGE_DAYS


# --- The figures ----------------------------------------------------------------------------

db = pytest.mark.django_db


@db
def test_a_whole_year_counted_from_the_rows_equals_the_tally(world):
    tree = world["tree"]
    for key in ("province", "commune_a", "cell_a1", "commune_b"):
        stored = AdmissionTally.objects.filter(organisation=tree[key], year=YEAR).values(
            *ADMISSION_FIELDS
        ).first() or dict.fromkeys(ADMISSION_FIELDS, 0)
        counted = admissions_between(tree[key], dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        assert counted == stored, key
    # The members admitted in 2015 (before the system) count as admissions of 2015.
    assert (
        admissions_between(tree["province"], dt.date(2015, 1, 1), dt.date(2015, 12, 31))["admitted"]
        == AdmissionTally.objects.get(organisation=tree["province"], year=2015).admitted
    )


@db
def test_admissions_fall_in_the_quarter_of_their_decision(world):
    province = world["tree"]["province"]
    # Both candidates were admitted by decision of 01/04/2026.
    assert admissions_between(province, dt.date(2026, 1, 1), dt.date(2026, 3, 31))["admitted"] == 0
    q2 = admissions_between(province, dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (q2["admitted"], q2["women"], q2["ethnic_minority"], q2["age_18_30"]) == (2, 1, 1, 1)
    assert admissions_between(province, dt.date(2026, 4, 2), dt.date(2026, 12, 31))["admitted"] == 0


@db
def test_period_figures_count_removals_and_the_pool(world):
    tree = world["tree"]
    MembershipFactory(
        organisation=tree["cell_b1"],
        status=MembershipStatus.REMOVED,
        admission_decision_date=dt.date(2025, 9, 1),
        exit_date=dt.date(2026, 5, 10),
    )
    MembershipFactory(
        organisation=tree["cell_b1"],
        status=MembershipStatus.EXPELLED,
        admission_decision_date=dt.date(2019, 9, 1),
        exit_date=dt.date(2026, 6, 1),
    )
    figures = period_figures(tree["province"], dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (figures.removed, figures.removed_early) == (2, 1)
    assert period_figures(tree["commune_a"], dt.date(2026, 4, 1), dt.date(2026, 6, 30)).removed == 0
    # The four dossiers were opened on 10/01/2025; certificates dated 20/05/2025.
    year_2025 = period_figures(tree["province"], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (year_2025.new_candidates, year_2025.certificates) == (4, 3)
    assert year_2025.new_candidates_workers == 1
    assert year_2025.verifications == 2


@db
def test_quarter_progress_workbook(world):
    tree = world["tree"]
    report = report_progress_export(
        actor=world["user"],
        organisation=tree["province"],
        year=YEAR,
        fmt="xlsx",
        today=TODAY,
        period=period_quarter(2026, 2),
    )
    assert report.filename == "bao-cao-tien-do-P-2026-q2.xlsx"
    book = load_workbook(io.BytesIO(report.content))
    summary = book["Tổng hợp"]
    assert summary["A1"].value == (
        "BÁO CÁO TIẾN ĐỘ KẾT NẠP ĐẢNG VIÊN QUÝ II NĂM 2026 — ĐẢNG BỘ TỈNH MẪU"
    )
    rows = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
        for r in range(5, summary.max_row + 1)
    }
    assert rows["Kỳ báo cáo"] == "Quý II năm 2026 (01/04/2026 – 30/06/2026)"
    assert rows["Số đã kết nạp (Quý II năm 2026)"] == 2
    assert rows["Chỉ tiêu kết nạp"] == 4  # the year's target frames the quarter
    assert rows["Trong kỳ: số đảng viên bị xóa tên, khai trừ"] == 0
    children = book["Tổ chức trực thuộc"]
    admitted = {
        children.cell(row=r, column=1).value: children.cell(row=r, column=4).value
        for r in range(5, children.max_row + 1)
    }
    assert admitted == {tree["commune_a"].name: 2, tree["commune_b"].name: 0}
    assert book["Theo đối tượng"]["C4"].value == "Kết nạp quý II năm 2026"
    composition = book["Cơ cấu"]
    assert composition["B5"].value == 2

    first = report_progress_export(
        actor=world["user"],
        organisation=tree["province"],
        year=YEAR,
        fmt="xlsx",
        today=TODAY,
        period=period_quarter(2026, 1),
    )
    summary = load_workbook(io.BytesIO(first.content))["Tổng hợp"]
    rows = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
        for r in range(5, summary.max_row + 1)
    }
    assert rows["Số đã kết nạp (Quý I năm 2026)"] == 0
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.data["period"] == "quarter"
    assert (entry.data["from"], entry.data["to"]) == ("2026-01-01", "2026-03-31")


@db
def test_the_whole_year_keeps_the_yearly_report(world):
    tree = world["tree"]
    report = report_progress_export(
        actor=world["user"],
        organisation=tree["province"],
        year=YEAR,
        fmt="xlsx",
        today=TODAY,
        period=period_year(YEAR),
    )
    assert report.filename == "bao-cao-tien-do-P-2026.xlsx"
    summary = load_workbook(io.BytesIO(report.content))["Tổng hợp"]
    assert summary["A5"].value == "Số đảng viên đầu năm"


@db
def test_a_period_costs_a_few_queries_more_than_the_year(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree = world["tree"]
    with CaptureQueriesContext(connection) as yearly:
        progress_report(actor=world["user"], organisation=tree["province"], year=YEAR, today=TODAY)
    with django_assert_max_num_queries(len(yearly) + 8):
        report = progress_report(
            actor=world["user"],
            organisation=tree["province"],
            year=YEAR,
            today=TODAY,
            period=period_half(2026, 1),
        )
    assert report.progress.admitted == 2


@db
def test_half_year_progress_pdf(world, tmp_path):
    tree = world["tree"]
    report = report_progress_export(
        actor=world["user"],
        organisation=tree["province"],
        year=YEAR,
        fmt="pdf",
        today=TODAY,
        period=period_half(2026, 1),
    )
    text = " ".join(pdf_text(report.content, tmp_path).split())
    assert "tiến độ kết nạp đảng viên 6 tháng đầu năm 2026" in text
    assert "Kỳ báo cáo: 6 tháng đầu năm 2026 (từ ngày 01/01/2026 đến ngày 30/06/2026)" in text
    assert "Trong kỳ: kết nạp 2 đảng viên" in text


@db
def test_indicators_for_a_range(world, tmp_path):
    tree = world["tree"]
    period = period_range(dt.date(2026, 3, 1), dt.date(2026, 5, 15))
    report = report_indicators_export(
        actor=world["user"],
        organisation=tree["province"],
        term=world["term"],
        year=YEAR,
        fmt="xlsx",
        today=TODAY,
        period=period,
    )
    assert report.filename == "bao-cao-chi-so-P-20260301-20260515.xlsx"
    book = load_workbook(io.BytesIO(report.content))
    summary = book["Tổng hợp"]
    rows = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
        for r in range(5, summary.max_row + 1)
    }
    assert rows["Kỳ báo cáo"] == "Từ 01/03/2026 đến 15/05/2026 (01/03/2026 – 15/05/2026)"
    assert rows["Số đảng viên kết nạp"] == 2
    assert rows["Đạt so với chỉ tiêu Đại hội (cả nhiệm kỳ)"] == pytest.approx(0.2)
    # Pro rata: 10 over the term's 5 years, for 76 days → 10 × (76 / 365.25) / 5.
    assert rows["Bình quân đạt so với chỉ tiêu Đại hội"] == pytest.approx(
        2 / (10 * (76 / 365.25) / 5)
    )
    by_year = book["Theo năm"]
    assert by_year["D4"].value == "Đã kết nạp trong kỳ"
    assert (by_year["A5"].value, by_year["D5"].value) == (2026, 2)
    children = book["Tổ chức trực thuộc"]
    assert {
        children["A5"].value: children["B5"].value,
        children["A6"].value: children["B6"].value,
    } == {
        tree["commune_a"].name: 2,
        tree["commune_b"].name: 0,
    }
    pdf = report_indicators_export(
        actor=world["user"],
        organisation=tree["province"],
        term=world["term"],
        year=YEAR,
        fmt="pdf",
        today=TODAY,
        period=period_range(dt.date(2026, 4, 2), dt.date(2026, 5, 15)),
    )
    text = " ".join(pdf_text(pdf.content, tmp_path).split())
    assert "Từ 02/04/2026 đến 15/05/2026, toàn Đảng bộ tỉnh Mẫu kết nạp 0 đảng viên" in text


# --- Pages and API --------------------------------------------------------------------------


@db
def test_the_page_offers_the_periods_and_explains_refusals(client, world):
    tree = world["tree"]
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    page = client.get(f"/reports/{tree['commune_a'].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Báo cáo tiến độ kết nạp", "Quý III", "6 tháng đầu năm", "Từ ngày", "Tổng kết"):
        assert text in html
    assert client.get(f"/reports/{tree['province'].pk}/").status_code == 404
    dashboard = client.get(reverse("targets:dashboard", args=[tree["commune_a"].pk]))
    assert f"/reports/{tree['commune_a'].pk}/?year=" in dashboard.content.decode()
    response = client.get(
        f"/reports/progress/{tree['commune_a'].pk}.xlsx",
        {"from": "15/05/2026", "to": "01/03/2026"},
    )
    assert response.status_code == 400
    assert "Từ ngày phải trước hoặc bằng đến ngày." in response.content.decode()
    response = client.get(
        f"/reports/progress/{tree['commune_a'].pk}.xlsx", {"quarter": "2", "year": "2026"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-tien-do-Xa-2026-q2.xlsx"'
    )
    summary = load_workbook(io.BytesIO(response.content))["Tổng hợp"]
    rows = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
        for r in range(5, summary.max_row + 1)
    }
    assert rows["Số đã kết nạp (Quý II năm 2026)"] == 2


@db
def test_api_periods(world):
    tree = world["tree"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_key(world['user'])}")
    url = f"/api/v1/reports/progress/{tree['province'].pk}.xlsx"
    response = api.get(url, {"half": 1, "year": 2026})
    assert response.status_code == 200
    assert 'filename="bao-cao-tien-do-P-2026-h1.xlsx"' in response["Content-Disposition"]
    # A well-formed request a rule refuses is a 422; a malformed one a 400.
    response = api.get(url, {"from": "10/05/2026", "to": "01/05/2026"})
    assert response.status_code == 422
    body = response.json()["error"]
    assert "from" in body["fields"]
    assert "Từ ngày" in str(body["fields"]["from"])
    response = api.get(url, {"quarter": 1, "half": 1, "year": 2026})
    assert response.status_code == 422 and "half" in response.json()["error"]["fields"]
    response = api.get(url, {"from": "01/01/2020", "to": "31/12/2026"})
    assert response.status_code == 422 and "to" in response.json()["error"]["fields"]
    response = api.get(url, {"from": "2026-01-01", "to": "31/12/2026"})
    assert response.status_code == 400 and "from" in response.json()["error"]["fields"]
    response = api.get(url, {"quarter": 5, "year": 2026})
    assert response.status_code == 400 and "quarter" in response.json()["error"]["fields"]
    indicators = api.get(
        f"/api/v1/reports/indicators/{tree['province'].pk}.xlsx",
        {"from": "01/03/2026", "to": "15/05/2026", "term": world["term"].pk},
    )
    assert indicators.status_code == 200
    summary = load_workbook(io.BytesIO(indicators.content))["Tổng hợp"]
    assert "Kỳ báo cáo" in [c.value for c in summary["A"]]
