import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ptdv.accounts.models import Assignment, Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.factories import (
    CandidacyFactory,
    LocalityFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)
from ptdv.members.models import MembershipStatus
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


@pytest.mark.parametrize("rows", [20, 200])
def test_list_query_count_does_not_grow_with_rows(
    client, tree, clerk_a, rows, django_assert_num_queries
):
    cell = tree["cell_a1"]
    helper = MembershipFactory(person=PersonFactory(organisation=cell), organisation=cell)
    for index in range(rows):
        candidate(cell, "Nguyễn", "Văn", f"Tên{index:03d}", helper=helper)
    # session, user, assignments, roots, ancestors, children, count, page rows
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == min(rows, 50)
    # ... and the chosen organisation, checked against the policy.
    with django_assert_num_queries(9):
        client.get(LIST, {"organisation": tree["grassroots_a"].pk, "q": "nguyen"})


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
    today = timezone.localdate()
    future = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(REGISTER, form_data(tree, birth_date=future))
    assert_error(response, "birth_date", "Ngày sinh không được sau ngày hôm nay.")
    fifteen = today.replace(year=today.year - 15, day=min(today.day, 28))
    response = client.post(REGISTER, form_data(tree, birth_date=fifteen.strftime("%d/%m/%Y")))
    assert "Công dân phải đủ 16 tuổi" in response.context["form"].errors["birth_date"][0]
    assert written() == (0, 0, 0)


def test_register_cell_outside_the_clerks_rights_is_refused(client, tree, clerk_a):
    response = client.post(REGISTER, form_data(tree, organisation=tree["cell_b1"].pk))
    assert_error(response, "organisation", "Lựa chọn không hợp lệ.")
    assert written() == (0, 0, 0)


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
