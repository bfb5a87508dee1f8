import pytest

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role


@pytest.mark.django_db
def test_rule_sets_page_lists_parameters_with_sources(client, tree):
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    html = client.get("/rules/").content.decode()
    assert "QĐ 294-QĐ/TW" in html and "QĐ 24" in html
    assert "certificate_valid_months" in html and "HD 06-HD/TW §5.4" in html
    assert "đang áp dụng" in html


@pytest.mark.django_db
def test_rule_sets_page_needs_login(client):
    assert client.get("/rules/").status_code == 302


@pytest.mark.django_db
def test_only_root_administrators_change_the_calendar(client, tree):
    commune_admin = user_with_role(tree["commune_a"], Role.ADMINISTRATOR, is_staff=True)
    client.force_login(commune_admin)
    assert client.get("/admin/rules/calendaradjustment/add/").status_code == 403
    root_admin = user_with_role(tree["province"], Role.ADMINISTRATOR, is_staff=True)
    client.force_login(root_admin)
    response = client.post(
        "/admin/rules/calendaradjustment/add/",
        {"date": "04/01/2027", "is_working_day": "", "note": "Nghỉ bù"},
    )
    assert response.status_code == 302
    from ptdv.rules.models import CalendarAdjustment
    from ptdv.rules.services import rules_calendar

    assert CalendarAdjustment.objects.count() == 1
    import datetime as dt

    assert not rules_calendar().is_working_day(dt.date(2027, 1, 4))  # a Monday
