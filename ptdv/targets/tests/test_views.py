"""The monitoring pages: dashboard (drill down, charts with tables), targets, terms,
indicators, plans; 404 outside the subtree, 403 without the role."""

import pytest

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.factories import user_with_role
from ptdv.targets.models import PlanAssignment, Target, Term
from ptdv.targets.services import target_approve, target_lock, target_set
from ptdv.targets.tests.scenario import TODAY, YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, monkeypatch):
    world = {"tree": tree, **build(tree)}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return world


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_index_redirects_to_the_users_organisation(client, world):
    client.force_login(user_with_role(world["tree"]["commune_a"], Role.VIEWER))
    response = client.get("/targets/")
    assert response.status_code == 302
    assert response["Location"] == f"/targets/{world['tree']['commune_a'].pk}/"


def test_dashboard(client, world):
    tree = world["tree"]
    user = world["user"]
    target_set(actor=user, organisation=tree["province"], year=YEAR, number=4)
    target_set(actor=user, organisation=tree["commune_a"], year=YEAR, number=1)
    target_set(actor=user, organisation=tree["commune_b"], year=YEAR, number=5)
    client.force_login(user_with_role(tree["province"], Role.VIEWER))
    html = page(client, f"/targets/{tree['province'].pk}/?year={YEAR}")
    assert "Tiến độ kết nạp đảng viên năm 2026" in html
    assert 'href="/targets/"' in html and "Theo dõi, báo cáo" in html  # the navigation link
    # Children with drill-down links; commune B cannot reach its 5 any more (at most 1).
    assert f'href="/targets/{tree["commune_a"].pk}/?year=2026"' in html
    assert 'id="at-risk"' in html and "Đảng bộ xã B</a>:" in html
    # Each chart has its table; the overdue list names the dossiers.
    for table in ('id="funnel"', 'id="trend"', 'id="breakdown"', 'id="retention"', 'id="overdue"'):
        assert table in html
    assert "chart.umd.js" in html and 'id="ptdv-charts"' in html
    # The overdue dossier's row: its link, the person's name, the cell (the columns read).
    applied = world["applied"]
    assert f'<a href="/candidacies/{applied.pk}/">{applied.person.full_name}</a>' in html
    assert f"<td>{applied.organisation.name}</td>" in html
    assert "5,7%" in html  # 2 of 35 members
    assert "Tổng chỉ tiêu của 2 tổ chức trực thuộc: 6" in html  # read with the rows
    assert f"/reports/progress/{tree['province'].pk}.xlsx?year=2026" in html
    # The viewer may not set targets.
    assert "Giao chỉ tiêu" not in html


def test_dashboard_outside_the_subtree_is_404(client, world):
    tree = world["tree"]
    client.force_login(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    assert client.get(f"/targets/{tree['commune_a'].pk}/").status_code == 404
    assert client.get(f"/targets/{tree['province'].pk}/targets/").status_code == 404
    assert client.get(f"/targets/{tree['commune_b'].pk}/?year=abc").status_code == 200


def test_dashboard_query_count_does_not_grow_with_children(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ptdv.factories import OrganisationFactory
    from ptdv.organisations.models import Kind

    tree = world["tree"]
    client.force_login(user_with_role(tree["province"], Role.VIEWER))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page(client, f"/targets/{tree['province'].pk}/?year={YEAR}")
        return len(ctx.captured_queries)

    few = count()
    # One progress read of the organisation with its children (about 10 queries) is a
    # third of it; the movement yield's total is the sum of its channels (issue 15: 41,
    # then 40 with the organisation and its children read apart, 31, then 24: the snapshot
    # years read once, the counters and paths of the rows already read, the target groups
    # with the progress rows, the yield panel without the channels it does not show), 21:
    # the trend's admissions and targets and the children's targets read with the rows.
    assert few <= 21
    for index in range(20):
        OrganisationFactory(parent=tree["province"], kind=Kind.COMMUNE, code=f"Y{index}")
    assert count() == few


def test_manage_targets_of_the_children(client, world):
    tree = world["tree"]
    admin = world["user"]
    client.force_login(admin)
    url = f"/targets/{tree['province'].pk}/targets/?year={YEAR}"
    html = page(client, url)
    assert "Gợi ý (3%)" in html and "Đảng bộ xã A" in html
    data = {
        "step": "save",
        f"n_{tree['province'].pk}": "3",
        f"n_{tree['commune_a'].pk}": "1",
        f"n_{tree['commune_b'].pk}": "",
    }
    assert client.post(url, data).status_code == 302
    assert dict(Target.objects.values_list("organisation__code", "number")) == {"P": 3, "Xa": 1}
    client.post(url, {"step": "approve"})
    client.post(url, {"step": "lock"})
    assert set(Target.objects.values_list("state", flat=True)) == {"locked"}
    # A locked target is not changed by the bulk form.
    client.post(url, {"step": "save", f"n_{tree['commune_a'].pk}": "9"})
    assert Target.objects.get(organisation=tree["commune_a"]).number == 1
    # The commune's own administrators do not set the commune's target.
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    assert (
        client.post(
            f"/targets/{tree['commune_a'].pk}/targets/?year={YEAR}", {"step": "save"}
        ).status_code
        == 403
    )


def test_target_page_amends_a_locked_target(client, world):
    tree = world["tree"]
    admin = world["user"]
    target = target_set(actor=admin, organisation=tree["commune_a"], year=YEAR, number=2)
    client.force_login(admin)
    url = f"/targets/target/{target.pk}/"
    assert client.post(url, {"step": "group", "group": "youth", "number": "1"}).status_code == 302
    target = target_lock(actor=admin, target=target_approve(actor=admin, target=target))
    html = page(client, url)
    assert "Điều chỉnh chỉ tiêu đã khóa" in html
    response = client.post(url, {"step": "amend", "number": "3", "reason": ""})
    assert response.status_code == 200 and "Không được để trống." in response.content.decode()
    assert Target.objects.get(pk=target.pk).number == 2
    assert (
        client.post(url, {"step": "amend", "number": "3", "reason": "Bổ sung"}).status_code == 302
    )
    assert Target.objects.get(pk=target.pk).number == 3
    assert "Bổ sung" in page(client, url)
    client.force_login(user_with_role(tree["commune_a"], Role.ADMINISTRATOR))
    assert client.post(url, {"step": "amend", "number": "4", "reason": "x"}).status_code == 403


def test_terms_and_indicators_pages(client, world):
    tree = world["tree"]
    client.force_login(world["user"])
    url = f"/targets/{tree['province'].pk}/terms/"
    response = client.post(
        url,
        {
            "name": "2025–2030",
            "start_year": "2025",
            "end_year": "2029",
            "congress_target": "10",
            "programme_1": "Chương trình hành động số 18-CTr/TU",
            "programme_1_number": "20",
        },
    )
    assert response.status_code == 302
    term = Term.objects.get()
    html = page(client, f"/targets/{tree['province'].pk}/indicators/?term={term.pk}&year={YEAR}")
    assert "Chương trình hành động số 18-CTr/TU" in html
    assert "bình quân đạt 50,0%" in html  # 1 a year against 10 over 5 years
    client.force_login(user_with_role(tree["province"], Role.APPROVER))
    assert client.post(url, {"name": "x"}).status_code == 403
    assert "Thêm nhiệm kỳ" not in page(client, url)


def test_plan_page(client, world):
    tree = world["tree"]
    clerk = user_with_role(tree["commune_b"], Role.CLERK)
    client.force_login(clerk)
    url = f"/targets/{tree['commune_b'].pk}/plan/?year={YEAR}"
    html = page(client, url)
    assert "Phân công bồi dưỡng, kết nạp năm 2026" in html
    member = world["members"]["cell_b1"][2]
    response = client.post(
        url,
        {
            "step": "assign",
            "candidacy": world["applied"].pk,
            "member": member.pk,
            # A leader other than the member (the same person twice is refused).
            "responsible_person": world["members"]["cell_b1"][1].person.pk,
            "note": "Quý IV",
        },
    )
    assert response.status_code == 302
    assignment = PlanAssignment.objects.get()
    assert "Quý IV" in page(client, url)
    client.post(url, {"step": "remove", "assignment": assignment.pk})
    assert not PlanAssignment.objects.exists()
    assert AuditEntry.objects.filter(object_type="targets.planassignment").count() == 2
    client.force_login(user_with_role(tree["commune_b"], Role.VIEWER))
    assert client.post(url, {"step": "remove", "assignment": 1}).status_code == 403


def test_admin_lists_targets_by_subtree_read_only(client, world):
    tree = world["tree"]
    admin = world["user"]
    target = target_set(actor=admin, organisation=tree["commune_a"], year=YEAR, number=2)
    target_set(actor=admin, organisation=tree["commune_b"], year=YEAR, number=2)
    staff = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/targets/target/")
    assert response.status_code == 200
    assert [t.organisation.code for t in response.context["cl"].result_list] == ["Xa"]
    assert client.get("/admin/targets/target/add/").status_code == 403
    page = client.get(f"/admin/targets/target/{target.pk}/change/")
    assert page.status_code == 200 and 'name="number"' not in page.content.decode()
