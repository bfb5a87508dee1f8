import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ptdv.accounts.models import Assignment, Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.forms import CandidacyActionForm
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Consent, ConsentKind, Stage
from ptdv.candidacies.transitions import FACTS
from ptdv.candidacies.workflow import candidacy_act
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)
from ptdv.members.models import MembershipStatus
from ptdv.organisations.models import Kind
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db

LIST = reverse("candidacies:list")
REGISTER = reverse("candidacies:register")


@pytest.fixture
def clerk_a(tree, client):
    user = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(user)
    return user


def candidate(cell, family, middle, given, **kwargs):
    person_kwargs = {
        key: kwargs.pop(key) for key in ("birth_date", "target_groups") if key in kwargs
    }
    person = PersonFactory(
        family_name=family,
        middle_name=middle,
        given_name=given,
        organisation=cell,
        **person_kwargs,
    )
    return CandidacyFactory(person=person, organisation=cell, **kwargs)


def names(response):
    return [c.person.full_name for c in response.context["page"].object_list]


# The list ------------------------------------------------------------------------------------


def test_list_defaults_to_the_users_root_in_vietnamese_name_order(client, tree, clerk_a):
    candidate(tree["cell_a1"], "Lê", "Thị", "Bình")
    candidate(tree["cell_a2"], "Trần", "Văn", "An")
    candidate(tree["cell_a1"], "Nguyễn", "Văn", "Cường")
    candidate(tree["cell_b1"], "Phạm", "Văn", "An")
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["organisation"] == tree["commune_a"]
    # Given name first: An < Bình < Cường, whatever the family name.
    assert names(response) == ["Trần Văn An", "Lê Thị Bình", "Nguyễn Văn Cường"]


def test_columns_and_dates(client, tree, clerk_a):
    cell = tree["cell_a1"]
    helper = MembershipFactory(
        person=PersonFactory(family_name="Hoàng", middle_name="Văn", given_name="Giúp"),
        organisation=cell,
    )
    candidacy = candidate(
        cell,
        "Nguyễn",
        "Văn",
        "An",
        birth_date=dt.date(2001, 9, 5),
        opened_on=dt.date(2025, 10, 3),
        helper=helper,
    )
    text = client.get(LIST).content.decode()
    assert candidacy.person.get_absolute_url() in text
    assert "05/09/2001" in text and "03/10/2025" in text
    assert "Chi bộ thôn A1" in text and "Quần chúng ưu tú (nguồn)" in text
    assert "Hoàng Văn Giúp" in text
    for heading in (
        "Họ và tên",
        "Ngày sinh",
        "Chi bộ",
        "Giai đoạn",
        "Ngày đưa vào nguồn",
        "Đảng viên giúp đỡ",
    ):
        assert heading in text


def test_search_folds_accents(client, tree, clerk_a):
    candidate(tree["cell_a1"], "Nguyễn", "Văn", "Hùng")
    candidate(tree["cell_a1"], "Đặng", "Thị", "Hòa")
    candidate(tree["cell_a1"], "Trần", "Thị", "Lan")
    assert names(client.get(LIST, {"q": "nguyen van"})) == ["Nguyễn Văn Hùng"]
    assert names(client.get(LIST, {"q": "dang"})) == ["Đặng Thị Hòa"]
    assert names(client.get(LIST, {"q": "ĐẶNG hoa"})) == ["Đặng Thị Hòa"]
    assert names(client.get(LIST, {"q": "khong co"})) == []


def test_filters_subtree_stage_target_group_and_status(client, tree, clerk_a):
    candidate(tree["cell_a1"], "Nguyễn", "Văn", "An", target_groups=["worker"])
    candidate(tree["cell_a2"], "Lê", "Thị", "Bình", stage=Stage.TRAINED)
    candidate(tree["cell_a2"], "Võ", "Văn", "Cường", stage=Stage.CLOSED, is_open=False)
    get = client.get
    assert names(get(LIST, {"organisation": tree["cell_a1"].pk})) == ["Nguyễn Văn An"]
    assert names(get(LIST, {"organisation": tree["grassroots_a"].pk})) == [
        "Nguyễn Văn An",
        "Lê Thị Bình",
    ]
    assert names(get(LIST, {"stage": Stage.TRAINED})) == ["Lê Thị Bình"]
    assert names(get(LIST, {"target_group": "worker"})) == ["Nguyễn Văn An"]
    assert names(get(LIST, {"status": "closed"})) == ["Võ Văn Cường"]
    assert len(names(get(LIST, {"status": "all"}))) == 3
    # An invalid filter value is ignored, not an error page.
    assert len(names(get(LIST, {"stage": "nonsense", "page": "x"}))) == 2


def test_organisation_filter_offers_the_surrounding_subtrees(client, tree, clerk_a):
    response = client.get(LIST, {"organisation": tree["grassroots_a"].pk})
    choices = dict(response.context["form"].fields["organisation"].widget.choices)
    assert set(choices) == {
        tree["commune_a"].pk,
        tree["grassroots_a"].pk,
        tree["cell_a1"].pk,
        tree["cell_a2"].pk,
    }
    assert f'<option value="{tree["grassroots_a"].pk}" selected>' in response.content.decode()


def test_filter_on_an_organisation_outside_the_subtree_is_404(client, tree, clerk_a):
    for node in ("commune_b", "cell_b1", "province"):
        assert client.get(LIST, {"organisation": tree[node].pk}).status_code == 404


def test_htmx_request_gets_only_the_results(client, tree, clerk_a):
    candidate(tree["cell_a1"], "Nguyễn", "Văn", "An")
    response = client.get(LIST, {"q": "an"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and "Nguyễn Văn An" in text
    assert 'id="organisation-filter" hx-swap-oob="true"' in text
    assert "HX-Request" in response["Vary"]
    full = client.get(LIST, {"q": "an"}).content.decode()
    assert "<html" in full and 'hx-get="/candidacies/"' in full and 'hx-push-url="true"' in full
    restore = client.get(LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_pagination_50_per_page(client, tree, clerk_a):
    for index in range(55):
        candidate(tree["cell_a1"], "Nguyễn", "Văn", f"Tên{index:02d}")
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 50
    assert "Trang 1 / 2" in first.content.decode()
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_the_count_is_exact_below_the_cap(client, tree, clerk_a):
    for given in ("An", "Bình", "Cường"):
        candidate(tree["cell_a1"], "Nguyễn", "Văn", given)
    text = client.get(LIST).content.decode()
    assert "Đảng bộ xã A: tìm thấy <strong>3</strong> hồ sơ." in text
    assert "Chọn tất cả 3 hồ sơ khớp bộ lọc" in text
    assert AuditEntry.objects.filter(summary__startswith="Xem danh sách").get().data["count"] == 3


def test_beyond_the_cap_the_list_says_more_than_and_pages_up_to_the_cap(
    client, tree, clerk_a, monkeypatch
):
    """The count stops at COUNT_CAP + 1 rows (issue 15: counting a whole country's dossiers
    took a second): the page says "more than", the pager "more than" so many pages, and its
    last page (the one holding the row past the cap) asks for a narrower filter."""
    import ptdv.candidacies.views
    import ptdv.core.api

    monkeypatch.setattr(ptdv.core.api, "COUNT_CAP", 4)
    monkeypatch.setattr(ptdv.candidacies.views, "PER_PAGE", 2)
    for index in range(7):
        candidate(tree["cell_a1"], "Nguyễn", "Văn", f"Tên{index}")
    first = client.get(LIST)
    text = first.content.decode()
    assert "tìm thấy <strong>hơn 4</strong> hồ sơ — hãy lọc để thu hẹp." in text
    assert "Chọn tất cả hơn 4 hồ sơ khớp bộ lọc" in text
    assert "Trang 1 / hơn 2" in text and "Trang sau" in text
    assert 'id="pager-capped"' not in text
    assert names(first) == ["Nguyễn Văn Tên0", "Nguyễn Văn Tên1"]
    assert AuditEntry.objects.filter(summary__startswith="Xem danh sách").get().data["count"] == (
        "4+"
    )
    # The last page holds the fifth row; a page further is that one too.
    for number in (3, 9):
        last = client.get(LIST, {"page": number})
        text = last.content.decode()
        assert names(last) == ["Nguyễn Văn Tên4"]
        assert "Trang 3 / hơn 2" in text and "Trang sau" not in text
        assert 'id="pager-capped"' in text and "Chỉ xem được 4 dòng đầu tiên" in text
    # A narrower filter below the cap is counted exactly again.
    narrow = client.get(LIST, {"q": "ten1"}).content.decode()
    assert "tìm thấy <strong>1</strong> hồ sơ." in narrow


def test_the_capped_count_reads_at_most_cap_plus_one_rows(client, tree, clerk_a, monkeypatch):
    """The count is `SELECT COUNT(*) FROM (… LIMIT cap + 1)`, not a count of the subtree."""
    import ptdv.core.api

    monkeypatch.setattr(ptdv.core.api, "COUNT_CAP", 4)
    for index in range(7):
        candidate(tree["cell_a1"], "Nguyễn", "Văn", f"Tên{index}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(LIST)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 5" in counts[0]


@pytest.mark.parametrize("rows", [20, 200])
def test_list_query_count_does_not_grow_with_rows(
    client, tree, clerk_a, rows, django_assert_num_queries
):
    cell = tree["cell_a1"]
    helper = MembershipFactory(person=PersonFactory(organisation=cell), organisation=cell)
    for index in range(rows):
        candidate(cell, "Nguyễn", "Văn", f"Tên{index:03d}", helper=helper)
    # Overdue rows name the body above the one that had to act (two more queries, whatever
    # their number); the rows' columns (LIST_FIELDS) leave none deferred that a row reads.
    Candidacy.objects.filter(person__given_name__endswith="1").update(
        next_due=dt.date(2020, 1, 1), next_action="train"
    )
    # session, user, assignments, roots, children, count, page rows, audit entry (no
    # ancestors: the list opens at the user's own top node, above which they see nothing)
    with django_assert_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == min(rows, 50)
    # ... and the chosen organisation, checked against the policy (its ancestors up to the
    # user's own node are that node, read already as the user's root).
    with django_assert_num_queries(11):
        client.get(LIST, {"organisation": tree["grassroots_a"].pk, "q": "nguyen"})
    assert "Báo lên:" in response.content.decode()


# A candidacy ---------------------------------------------------------------------------------


def test_candidacy_page_and_its_audit(client, tree, clerk_a):
    candidacy = candidate(tree["cell_a1"], "Nguyễn", "Văn", "An")
    response = client.get(candidacy.get_absolute_url())
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="view", object_type="candidacies.candidacy", person=candidacy.person
    ).exists()


def test_candidacy_of_another_commune_is_404(client, tree, clerk_a):
    candidacy = candidate(tree["cell_b1"], "Nguyễn", "Văn", "An")
    assert client.get(candidacy.get_absolute_url()).status_code == 404
    assert client.get(reverse("candidacies:detail", args=[999999])).status_code == 404


# Registration --------------------------------------------------------------------------------


def form_data(tree, **overrides):
    values = {
        "organisation": tree["cell_a1"].pk,
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
        "birth_date": "05/03/2000",
        "gender": "male",
        "national_id": "042200001234",
        "ethnicity": "01",
        "religion": "none",
        "education": "university",
        "occupation": "worker",
        "workplace": "Công ty Mẫu",
        "target_groups": ["worker"],
        "youth_union_member": "on",
        "source_channel": "trade_union",
        "opened_on": "02/01/2026",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def written():
    return (Person.objects.count(), Candidacy.objects.count(), AuditEntry.objects.count())


def test_register_page_for_a_clerk_lists_only_their_cells(client, tree, clerk_a):
    Assignment.objects.create(user=clerk_a, organisation=tree["cell_b1"], role=Role.VIEWER)
    response = client.get(REGISTER)
    assert response.status_code == 200
    cells = list(response.context["form"].fields["organisation"].queryset)
    assert cells == [tree["cell_a1"], tree["cell_a2"]]
    text = response.content.decode()
    assert "Chi bộ thôn A1" in text and "Chi bộ thôn B1" not in text
    assert 'name="csrfmiddlewaretoken"' in text


@pytest.mark.parametrize("role", [Role.VIEWER, None])
def test_register_page_is_403_without_clerk_rights(client, tree, role):
    user = user_with_role(tree["commune_a"], role) if role else UserFactory()
    client.force_login(user)
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, form_data(tree)).status_code == 403
    assert client.get(reverse("candidacies:register_cell_fields")).status_code == 403


def test_register_happy_path(client, tree, clerk_a):
    locality = LocalityFactory(organisation=tree["commune_a"], name="Thôn Đông")
    helper = MembershipFactory(person=PersonFactory(organisation=tree["cell_a1"]),
                               organisation=tree["cell_a1"])  # fmt: skip
    response = client.post(
        REGISTER,
        form_data(tree, residence_locality=locality.pk, helper=helper.pk),
        follow=True,
    )
    candidacy = Candidacy.objects.get(person__given_name="An")
    assert response.redirect_chain[-1][0] == candidacy.person.get_absolute_url()
    assert "Đã đưa công dân vào nguồn phát triển đảng viên." in response.content.decode()
    assert candidacy.organisation == tree["cell_a1"]
    assert candidacy.helper == helper
    assert candidacy.source_channel == "trade_union"
    assert candidacy.opened_on == dt.date(2026, 1, 2)
    person = candidacy.person
    assert person.birth_date == dt.date(2000, 3, 5)
    assert person.residence_locality == locality
    assert person.target_groups == ["worker"] and person.youth_union_member
    assert person.national_id_hash == national_id_hash("042200001234")


def test_register_preselects_a_cell_and_loads_its_helpers(client, tree, clerk_a):
    helper = MembershipFactory(
        person=PersonFactory(family_name="Hoàng", middle_name="Văn", given_name="Giúp"),
        organisation=tree["cell_a1"],
    )
    MembershipFactory(
        person=PersonFactory(family_name="Dự", middle_name="", given_name="Bị"),
        organisation=tree["cell_a1"],
        status=MembershipStatus.PROBATIONARY,
    )
    response = client.get(REGISTER, {"organisation": tree["cell_a1"].pk})
    assert list(response.context["form"].fields["helper"].queryset) == [helper]
    fragment = client.get(
        reverse("candidacies:register_cell_fields"),
        {"organisation": tree["cell_a1"].pk},
        headers={"HX-Request": "true"},
    )
    text = fragment.content.decode()
    assert "Hoàng Văn Giúp" in text and "Dự Bị" not in text and "<html" not in text
    empty = client.get(reverse("candidacies:register_cell_fields"), {"organisation": ""})
    assert list(empty.context["form"].fields["helper"].queryset) == []


def test_register_with_a_cell_of_another_commune_is_404(client, tree, clerk_a):
    for url in (REGISTER, reverse("candidacies:register_cell_fields")):
        assert client.get(url, {"organisation": tree["cell_b1"].pk}).status_code == 404


def test_register_with_a_cell_where_the_user_only_views_is_403(client, tree):
    user = user_with_role(tree["cell_a1"], Role.CLERK)
    Assignment.objects.create(user=user, organisation=tree["cell_a2"], role=Role.VIEWER)
    client.force_login(user)
    assert client.get(REGISTER, {"organisation": tree["cell_a1"].pk}).status_code == 200
    assert client.get(REGISTER, {"organisation": tree["cell_a2"].pk}).status_code == 403


def assert_error(response, field, message):
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field if field else "__all__", [])
    assert message in errors, form.errors
    assert message in response.content.decode()


BAD_ID = "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
BAD_FORMAT = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2001."
FUTURE_OPENED = "Ngày đưa vào nguồn không được sau ngày hôm nay."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"national_id": "12345"}, "national_id", BAD_ID),
        ({"national_id": "04220000123x"}, "national_id", BAD_ID),
        ({"birth_date": "31/02/2000"}, "birth_date", "Ngày 31/02/2000 không có trên lịch."),
        ({"birth_date": "2000-03-05"}, "birth_date", BAD_FORMAT),
        ({"birth_date": ""}, "birth_date", "Nhập ngày sinh."),
        ({"given_name": ""}, "given_name", "Nhập tên."),
        ({"gender": None}, "gender", "Chọn giới tính."),
        ({"organisation": None}, "organisation", "Chọn chi bộ."),
        ({"opened_on": "01/01/2999"}, "opened_on", FUTURE_OPENED),
    ],
)
def test_register_field_errors_write_nothing(client, tree, clerk_a, overrides, field, message):
    before = written()
    response = client.post(REGISTER, form_data(tree, **overrides))
    assert_error(response, field, message)
    assert written() == before


def test_register_refuses_future_and_under_16_birth_dates(client, tree, clerk_a):
    before = written()  # the sign-in itself is audited
    today = timezone.localdate()
    future = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(REGISTER, form_data(tree, birth_date=future))
    assert_error(response, "birth_date", "Ngày sinh không được sau ngày hôm nay.")
    fifteen = today.replace(year=today.year - 15, day=min(today.day, 28))
    response = client.post(REGISTER, form_data(tree, birth_date=fifteen.strftime("%d/%m/%Y")))
    assert "Công dân phải đủ 16 tuổi" in response.context["form"].errors["birth_date"][0]
    assert written() == before


def test_register_cell_outside_the_clerks_rights_is_refused(client, tree, clerk_a):
    before = written()
    response = client.post(REGISTER, form_data(tree, organisation=tree["cell_b1"].pk))
    assert_error(response, "organisation", "Lựa chọn không hợp lệ.")
    assert written() == before


def test_register_helper_of_another_cell_is_refused(client, tree, clerk_a):
    helper = MembershipFactory(person=PersonFactory(organisation=tree["cell_a2"]),
                               organisation=tree["cell_a2"])  # fmt: skip
    before = written()
    response = client.post(REGISTER, form_data(tree, helper=helper.pk))
    assert_error(response, "helper", "Lựa chọn không hợp lệ.")
    assert written() == before


def test_register_duplicate_open_candidacy_writes_nothing(client, tree, clerk_a):
    person = PersonFactory(
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="An",
        birth_date=dt.date(2000, 3, 5),
        national_id_encrypted=national_id_encrypt("042200001234"),
        national_id_hash=national_id_hash("042200001234"),
        organisation=tree["cell_a2"],
    )
    CandidacyFactory(person=person, organisation=tree["cell_a2"])
    before = written()
    response = client.post(REGISTER, form_data(tree))
    assert_error(response, None, "Người này đang có một hồ sơ phát triển đảng viên chưa kết thúc.")
    assert written() == before


def test_register_current_member_writes_nothing(client, tree, clerk_a):
    member = PersonFactory(
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="An",
        birth_date=dt.date(2000, 3, 5),
        organisation=tree["cell_a1"],
    )
    MembershipFactory(person=member, organisation=tree["cell_a1"])
    before = written()
    # Found by name and birth date (no national ID typed), accents typed differently.
    response = client.post(
        REGISTER, form_data(tree, national_id="", family_name="Nguyen", given_name="AN")
    )
    assert_error(response, None, "Người này đang là đảng viên.")
    assert written() == before


def test_register_former_member_is_a_readmission(client, tree, clerk_a):
    former = PersonFactory(
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="An",
        birth_date=dt.date(2000, 3, 5),
        organisation=tree["cell_a1"],
    )
    MembershipFactory(person=former, organisation=tree["cell_a1"], status=MembershipStatus.REMOVED)
    response = client.post(REGISTER, form_data(tree, national_id=""), follow=True)
    assert response.redirect_chain[-1][0] == former.get_absolute_url()
    assert Candidacy.objects.get(person=former).is_readmission
    assert "kết nạp lại" in response.content.decode()


def test_register_person_managed_elsewhere_is_refused_next_to_the_national_id(
    client, tree, clerk_a
):
    PersonFactory(
        national_id_encrypted=national_id_encrypt("042200001234"),
        national_id_hash=national_id_hash("042200001234"),
        organisation=tree["cell_b1"],
    )
    before = written()
    response = client.post(REGISTER, form_data(tree))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"]
    assert written() == before


# The dossier page and its actions -------------------------------------------------------------

TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - dt.timedelta(days=days)


def vn(day):
    return day.strftime("%d/%m/%Y")


def action_url(candidacy, action):
    return reverse("candidacies:action", args=[candidacy.pk, action])


@pytest.fixture
def cell_a1(tree):
    """Cell A1 with nine official members (a grassroots committee above it votes too)."""
    cell = tree["cell_a1"]
    for _ in range(9):
        MembershipFactory(organisation=cell)
    return cell


@pytest.fixture
def dossier(cell_a1):
    person = PersonFactory(
        family_name="Đặng",
        middle_name="Thị",
        given_name="Lan",
        organisation=cell_a1,
        birth_date=dt.date(2000, 3, 5),
        education="upper_secondary",
        youth_union_member=True,
    )
    return CandidacyFactory(person=person, organisation=cell_a1, opened_on=days_ago(400))


def act(user, candidacy, action, **data):
    return candidacy_act(actor=user, candidacy_id=candidacy.pk, action=action, data=data)


def prepare(user, candidacy, certificate_days_ago=200):
    """Everything the branch vote needs, dated in the recent past."""
    act(
        user,
        candidacy,
        "record_certificate",
        date=days_ago(190).isoformat(),
        certificate_date=days_ago(certificate_days_ago).isoformat(),
        document={"number": "15/CN-TTCT", "issuing_body": "Trung tâm Chính trị xã A"},
    )
    act(
        user,
        candidacy,
        "record_application",
        date=days_ago(100).isoformat(),
        application_date=days_ago(101).isoformat(),
        history_date=days_ago(100).isoformat(),
    )
    act(user, candidacy, "record_verification", concluded_on=days_ago(60).isoformat())
    act(user, candidacy, "record_opinions", opinions_date=days_ago(50).isoformat())
    member = candidacy.organisation.memberships.filter(status="official").first()
    act(
        user,
        candidacy,
        "record_introduction",
        kind="member",
        membership=member.pk,
        months_together=14,
        introduced_on=days_ago(40).isoformat(),
    )
    act(
        user,
        candidacy,
        "record_introduction",
        kind="youth_union_committee",
        introduced_on=days_ago(39).isoformat(),
    )
    candidacy.refresh_from_db()
    return candidacy


def footprint(candidacy):
    candidacy.refresh_from_db()
    return (candidacy.version, candidacy.stage, CandidacyEvent.objects.count())


def test_dossier_page_shows_next_action_checklist_timeline_and_facts(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK, full_name="Trần Văn Nhập")
    act(
        clerk,
        dossier,
        "record_certificate",
        date=days_ago(30).isoformat(),
        certificate_date=days_ago(35).isoformat(),
        document={"number": "15/CN-TTCT", "issuing_body": "Trung tâm Chính trị", "signer": "Lê B"},
    )
    act(
        clerk,
        dossier,
        "record_application",
        date=days_ago(20).isoformat(),
        application_date=days_ago(22).isoformat(),
        history_date=days_ago(21).isoformat(),
    )
    client.force_login(clerk)
    response = client.get(dossier.get_absolute_url())
    text = response.content.decode()
    assert response.status_code == 200
    # Header.
    assert "Đặng Thị Lan" in text and dossier.person.get_absolute_url() in text
    assert "Chi bộ thôn A1" in text and "Đã có đơn và lý lịch" in text
    assert vn(days_ago(400)) in text
    # The next action, its missing items by name (not rule ids).
    nxt = response.context["next"]
    assert nxt["label"] == "Chi bộ biểu quyết đề nghị kết nạp"
    assert "Đã thẩm tra lý lịch (hoặc thuộc trường hợp không phải thẩm tra)" in nxt["missing"]
    assert "Việc tiếp theo" in text and "verification.done" not in text.split('id="checklist"')[0]
    # The checklist: the certificate passes, the verification does not.
    rows = {row["rule"]: row for row in response.context["checklist"]}
    assert rows["certificate.valid"]["ok"] and not rows["verification.done"]["ok"]
    assert 'data-rule="verification.done" data-ok="false"' in text
    assert 'data-rule="certificate.valid" data-ok="true"' in text
    # The timeline, oldest first, with dates, labels, actor, stages and the document.
    timeline = text.split('id="timeline"')[1]
    first = timeline.index("Ghi nhận giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng")
    second = timeline.index("Ghi nhận đơn xin vào Đảng và lý lịch")
    assert first < second
    assert vn(days_ago(30)) in timeline and vn(days_ago(22)) in timeline
    assert "Trần Văn Nhập" in timeline
    assert "Quần chúng ưu tú (nguồn)" in timeline
    assert "15/CN-TTCT" in timeline and "Trung tâm Chính trị" in timeline and "Lê B" in timeline
    # The dossier facts.
    facts = text.split('id="dossier"')[1]
    assert "Ngày viết đơn xin vào Đảng" in facts and vn(days_ago(22)) in facts
    assert AuditEntry.objects.filter(action="view", object_id=str(dossier.pk)).exists()


def test_dossier_page_reads_each_part_once(client, tree, dossier, django_assert_num_queries):
    """The next action, the checklist, the actions offered, the void button and the forms
    share one read of the dossier's chain, competences, introducers, consents and events
    (issue 15: 38 queries before, a third of them repeats); more steps add no query."""
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    client.force_login(approver)
    client.get(dossier.get_absolute_url())  # the session's first save
    # session, user, assignments, dossier, audit entry, events, chain (the list of forms reads
    # no relatives, signers nor document numbers: only a printed form needs them). A dossier
    # in the source stage asks the engine nothing: neither the cell's official members, the
    # calendar nor who decides (the competences: no step offered and no form available asks)
    # are read. Nor, when it has none, its introducers, consents, exemplars and attachments.
    with django_assert_num_queries(7):
        assert client.get(dossier.get_absolute_url()).status_code == 200
    prepare(approver, dossier)
    # Before the branch vote the engine is asked: the official members, the calendar and the
    # competences; the dossier has introducers now (no consent, exemplar nor attachment).
    with django_assert_num_queries(11):
        response = client.get(dossier.get_absolute_url())
    assert all(row["ok"] for row in response.context["checklist"])
    assert "branch_vote" in [spec.action for spec in response.context["actions"]]
    act(
        approver,
        dossier,
        "branch_vote",
        vote={"summoned": 9, "present": 9, "agree": 8},
        document={"number": "06-NQ/CB", "date": TODAY.isoformat()},
    )
    with django_assert_num_queries(11):
        response = client.get(dossier.get_absolute_url())
    assert len(response.context["events"]) == 7
    assert response.context["void_event"].action == "branch_vote"
    assert "06-NQ/CB" in response.content.decode()


def test_dossier_page_lists_consents_only_when_there_are_some(client, tree, dossier):
    """The page asks in the dossier's own query whether it has consents (and introducers)
    and reads them only then."""
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    assert 'id="consents"' not in client.get(dossier.get_absolute_url()).content.decode()
    Consent.objects.create(
        candidacy=dossier, kind=ConsentKind.PROVINCIAL_OVER_60, date=TODAY, ref="12-CV/TU"
    )
    text = client.get(dossier.get_absolute_url()).content.decode().split('id="consents"')[1]
    assert "Ban Thường vụ Tỉnh ủy đồng ý (trên 60 tuổi), số 12-CV/TU" in text


def test_timeline_shows_vote_figures_outcome_and_amendment(client, tree, dossier):
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    prepare(approver, dossier)
    act(
        approver,
        dossier,
        "branch_vote",
        vote={"summoned": 9, "present": 8, "agree": 5},
        document={"number": "06-NQ/CB", "date": TODAY.isoformat()},
    )
    act(
        approver,
        dossier,
        "amend",
        field="opinions_date",
        value=days_ago(49).isoformat(),
        reason="Ghi nhầm ngày",
    )
    client.force_login(approver)
    timeline = client.get(dossier.get_absolute_url()).content.decode().split('id="timeline"')[1]
    assert "Không đạt" in timeline
    assert "triệu tập <strong>9</strong>" in timeline
    assert "có mặt <strong>8</strong>" in timeline
    assert "tán thành <strong>5</strong>" in timeline
    assert "mẫu số <strong>9</strong>" in timeline
    assert "Giai đoạn giữ nguyên" in timeline
    assert f'{vn(days_ago(50))} <i class="bi bi-arrow-right"' in timeline
    assert vn(days_ago(49)) in timeline and "Ghi nhầm ngày" in timeline


def listed_actions(response):
    return [t.action for t in response.context["actions"]]


def test_actions_are_listed_only_when_the_role_and_stage_allow(client, tree, dossier):
    viewer = user_with_role(tree["commune_a"], Role.VIEWER)
    client.force_login(viewer)
    response = client.get(dossier.get_absolute_url())
    assert listed_actions(response) == []
    assert "Bạn không có thao tác nào" in response.content.decode()

    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    response = client.get(dossier.get_absolute_url())
    assert listed_actions(response) == [
        "record_certificate",
        "record_consent",
        "withdraw",
        "lapse",
        "transfer",
        "amend",
        "assign_helper",
    ]
    assert action_url(dossier, "record_certificate") in response.content.decode()

    # At branch_resolved under a grassroots committee: the committee votes, nobody decides yet.
    Candidacy.objects.filter(pk=dossier.pk).update(stage=Stage.BRANCH_RESOLVED)
    actions = listed_actions(client.get(dossier.get_absolute_url()))
    assert "committee_vote" in actions and "admission_decision" not in actions
    # After the committee's resolution the decision is the approver's, not the clerk's.
    Candidacy.objects.filter(pk=dossier.pk).update(stage=Stage.COMMITTEE_RESOLVED)
    actions = listed_actions(client.get(dossier.get_absolute_url()))
    assert "admission_decision" not in actions and "reject" not in actions
    assert "committee_vote" not in actions
    approver = user_with_role(tree["commune_a"], Role.APPROVER)
    client.force_login(approver)
    actions = listed_actions(client.get(dossier.get_absolute_url()))
    assert "admission_decision" in actions and "request_extension" in actions


def test_grassroots_cell_skips_the_committee_vote(client, tree):
    cell = OrganisationFactory(
        parent=tree["commune_a"], name="Chi bộ cơ sở Trường", kind=Kind.GRASSROOTS_CELL
    )
    candidacy = CandidacyFactory(organisation=cell, stage=Stage.BRANCH_RESOLVED)
    client.force_login(user_with_role(tree["commune_a"], Role.APPROVER))
    actions = listed_actions(client.get(candidacy.get_absolute_url()))
    assert "admission_decision" in actions and "committee_vote" not in actions


def test_recognition_decision_only_after_the_cells_resolution(client, tree, dossier):
    Candidacy.objects.filter(pk=dossier.pk).update(
        stage=Stage.PROBATIONARY, ceremony_date=days_ago(400)
    )
    client.force_login(user_with_role(tree["commune_a"], Role.APPROVER))
    assert "recognition_decision" not in listed_actions(client.get(dossier.get_absolute_url()))
    Candidacy.objects.filter(pk=dossier.pk).update(recognition_resolution_date=days_ago(3))
    assert "recognition_decision" in listed_actions(client.get(dossier.get_absolute_url()))


def test_every_action_form_field_has_a_vietnamese_label(tree, dossier):
    user = user_with_role(tree["commune_a"], Role.APPROVER)
    for action in FACTS:
        form = CandidacyActionForm(action=action, candidacy=dossier, actor=user)
        for name, field in form.fields.items():
            if name != "version":
                assert field.label and field.label != name, (action, name)


def test_record_certificate_form_moves_the_stage(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    url = action_url(dossier, "record_certificate")
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Ngày cấp giấy chứng nhận" in text and "Số, ký hiệu văn bản" in text
    assert 'name="version" value="1"' in text and 'name="document.number"' in text
    response = client.post(
        url,
        {
            "version": "1",
            "date": vn(days_ago(5)),
            "certificate_date": vn(days_ago(10)),
            "document.number": "15/CN-TTCT",
            "document.date": vn(days_ago(10)),
            "document.issuing_body": "Trung tâm Chính trị xã A",
            "document.signer": "Lê Văn B",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == dossier.get_absolute_url()
    assert "Đã ghi nhận: Ghi nhận giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng." in (
        response.content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.stage == Stage.TRAINED and dossier.version == 2
    assert dossier.certificate_date == days_ago(10)
    event = CandidacyEvent.objects.get(candidacy=dossier)
    assert event.on == days_ago(5) and event.actor == clerk
    assert (event.document_number, event.document_date) == ("15/CN-TTCT", days_ago(10))
    assert (event.issuing_body, event.signer) == ("Trung tâm Chính trị xã A", "Lê Văn B")


def test_introduction_form_offers_the_cells_members(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    prepare(clerk, dossier)
    MembershipFactory(organisation=tree["cell_a2"])  # another cell: not offered
    client.force_login(clerk)
    form = client.get(action_url(dossier, "record_introduction")).context["form"]
    offered = list(form.fields["membership"].queryset)
    assert len(offered) == 9
    assert {m.organisation_id for m in offered} == {dossier.organisation_id}
    member = offered[0]
    response = client.post(
        action_url(dossier, "record_introduction"),
        {
            "version": str(dossier.version),
            "kind": "member",
            "membership": str(member.pk),
            "months_together": "20",
            "introduced_on": vn(days_ago(2)),
        },
    )
    assert response.status_code == 302
    assert dossier.introducers.filter(membership=member, months_together=20).exists()


def test_blocked_branch_vote_says_why_and_writes_nothing(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    prepare(clerk, dossier, certificate_days_ago=7 * 365)
    before = footprint(dossier)
    client.force_login(clerk)
    response = client.post(
        action_url(dossier, "branch_vote"),
        {
            "version": str(dossier.version),
            "vote.summoned": "9",
            "vote.present": "9",
            "vote.agree": "9",
        },
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "Không thể thực hiện" in text
    violations = response.context["violations"]
    assert "certificate.valid" in {v["rule"] for v in violations}
    for violation in violations:
        assert violation["message"] in text and violation["source"] in text
    assert footprint(dossier) == before


def test_failed_vote_warns_and_keeps_the_stage(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    prepare(clerk, dossier)
    version, _stage, events = footprint(dossier)
    client.force_login(clerk)
    response = client.post(
        action_url(dossier, "branch_vote"),
        {"version": str(version), "vote.summoned": "9", "vote.present": "8", "vote.agree": "5"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == dossier.get_absolute_url()
    assert "Biểu quyết không đạt; hồ sơ giữ nguyên giai đoạn." in response.content.decode()
    assert footprint(dossier) == (version + 1, Stage.APPLIED, events + 1)
    assert CandidacyEvent.objects.get(action="branch_vote").outcome == "failed"


def test_passed_vote_moves_the_stage(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    prepare(clerk, dossier)
    client.force_login(clerk)
    response = client.post(
        action_url(dossier, "branch_vote"),
        {"version": str(dossier.version), "vote.agree": "7", "temporarily_attached_elsewhere": "1"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.stage == Stage.BRANCH_RESOLVED
    assert CandidacyEvent.objects.get(action="branch_vote").vote["denominator"] == 8


def test_stale_version_is_a_409_and_writes_nothing(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    act(clerk, dossier, "record_certificate", certificate_date=days_ago(10).isoformat())
    before = footprint(dossier)
    client.force_login(clerk)
    response = client.post(
        action_url(dossier, "record_certificate"),
        {"version": "1", "certificate_date": vn(days_ago(9))},
    )
    assert response.status_code == 409
    assert "Hồ sơ đã bị người khác thay đổi; hãy tải lại trang" in response.content.decode()
    assert footprint(dossier) == before


def test_impossible_date_is_a_field_error(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    before = footprint(dossier)
    response = client.post(
        action_url(dossier, "record_certificate"),
        {"version": "1", "certificate_date": "31/02/2025"},
    )
    assert_error(response, "certificate_date", "Ngày 31/02/2025 không có trên lịch.")
    assert footprint(dossier) == before


def test_service_errors_land_next_to_their_fields(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    prepare(clerk, dossier)
    before = footprint(dossier)
    client.force_login(clerk)
    url = action_url(dossier, "branch_vote")
    response = client.post(
        url, {"version": str(dossier.version), "vote.present": "5", "vote.agree": "7"}
    )
    assert_error(response, "vote.agree", "Số tán thành không được lớn hơn số có mặt.")
    future = vn(TODAY + dt.timedelta(days=3))
    response = client.post(
        url,
        {"version": str(dossier.version), "vote.agree": "7", "date": future, "document.date": "x"},
    )
    assert_error(response, "document.date", BAD_FORMAT)
    response = client.post(
        url, {"version": str(dossier.version), "vote.agree": "7", "date": future}
    )
    assert_error(response, "date", "Ngày thực hiện không được sau hôm nay.")
    # A step the stage does not allow is a form-wide error.
    response = client.post(
        action_url(dossier, "ceremony"),
        {"version": str(dossier.version), "decision_received_date": vn(days_ago(1))},
    )
    assert response.status_code == 200
    assert "Không thể “Tổ chức lễ kết nạp”" in response.context["form"].non_field_errors()[0]
    assert footprint(dossier) == before


def test_action_urls_outside_the_subtree_are_404_and_roles_403(client, tree, dossier):
    client.force_login(user_with_role(tree["commune_b"], Role.ADMINISTRATOR))
    url = action_url(dossier, "record_certificate")
    data = {"version": "1", "certificate_date": vn(days_ago(3))}
    assert client.get(dossier.get_absolute_url()).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    assert client.get(action_url(dossier, "admission_decision")).status_code == 403
    assert client.get(action_url(dossier, "no_such_action")).status_code == 404
    assert CandidacyEvent.objects.count() == 0


def test_withdraw_form_closes_the_dossier_and_the_page_says_why(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    url = action_url(dossier, "withdraw")
    response = client.post(url, {"version": "1", "reason": ""})
    assert_error(response, "reason", "Không được để trống.")
    response = client.post(
        url, {"version": "1", "date": vn(days_ago(1)), "reason": "Chuyển đi học xa"}, follow=True
    )
    text = response.content.decode()
    header = text.split('id="candidacy-header"')[1].split('id="next-action"')[0]
    assert "Đã đóng" in header and "Rút hồ sơ" in header and vn(days_ago(1)) in header
    assert "Chuyển đi học xa" in text.split('id="timeline"')[1]
    assert listed_actions(response) == ["amend"]


def test_transfer_form_offers_the_other_visible_cells(client, tree, dossier):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    client.force_login(clerk)
    form = client.get(action_url(dossier, "transfer")).context["form"]
    assert list(form.fields["organisation"].queryset) == [tree["cell_a2"]]
    response = client.post(
        action_url(dossier, "transfer"),
        {"version": "1", "organisation": str(tree["cell_a2"].pk), "reason": "Chuyển nơi ở"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.organisation == tree["cell_a2"] and dossier.is_open


@pytest.mark.django_db
def test_list_filters_overdue_and_shows_escalation(client, tree):
    import datetime as dt

    from ptdv.candidacies.models import Stage
    from ptdv.candidacies.pipeline import pipeline_refresh
    from ptdv.factories import CandidacyFactory, PersonFactory, user_with_role

    cell = tree["cell_a1"]
    late = CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, given_name="Muộn", family_name="Trần"),
        stage=Stage.DECIDED,
        decision_date=dt.date(2026, 1, 5),
        decision_received_date=dt.date(2026, 1, 6),
    )
    CandidacyFactory(
        organisation=cell,
        person=PersonFactory(organisation=cell, given_name="Đúng", family_name="Lê"),
    )
    pipeline_refresh(today=dt.date.today())
    client.force_login(user_with_role(tree["commune_a"]))
    html = client.get(
        "/candidacies/", {"due": "overdue", "organisation": tree["commune_a"].pk}
    ).content.decode()
    assert "Trần Văn Muộn" in html and "Lê Văn Đúng" not in html
    assert "Quá hạn" in html and f"Báo lên: {tree['grassroots_a'].name}" in html
    assert late.pk
