"""Person names: Latin letters (those of Vietnamese and ethnic-minority names, with their
diacritics), spaces, hyphens and apostrophes only — the same rule,
`ptdv.core.text.validate_person_name` (one pattern, PERSON_NAME_PATTERN, also published in the
OpenAPI schema), at every door: the web forms, the API, the Excel import, the services (through
the model fields), and the demo generator's names all pass it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from ptdv.accounts.models import Role
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.tests.test_views import form_data
from ptdv.core.text import (
    NAME_LETTER_RANGES,
    NAME_MARK_RANGE,
    PERSON_NAME_PATTERN,
    person_name_problem,
    validate_person_name,
)
from ptdv.demo import names as demo_names
from ptdv.documents.models import Relative
from ptdv.exchange.services import import_workbook
from ptdv.exchange.tests.conftest import candidate, filled_template
from ptdv.factories import PersonFactory, user_with_role
from ptdv.people.models import Person
from ptdv.people.services import PersonData, person_create

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
NOT_A_LETTER = "Chỉ được gồm chữ cái, dấu cách, dấu gạch nối (-) và dấu nháy ('); không được có"


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn",
        "Thị Ngọc",
        "Đặng Thùy Dương",
        "H'Hen Niê",  # Ê Đê names: apostrophe
        "H’Hen",  # the typographic apostrophe a word processor types
        "Y-Ngông",  # hyphen
        "Lò Văn Pản",
        "Nguye\u0302\u0303n",  # decomposed: judged as NFC
        "José",  # Latin letters outside the Vietnamese alphabet (ethnic-minority spellings)
        "Ksor Kơ",
        "Y\u02bcNgông",  # the modifier letter apostrophe
        "  Đinh  Thị  ",  # spaces anywhere; stored collapsed
    ],
)
def test_names_of_letters_spaces_hyphens_and_apostrophes_pass(name):
    assert person_name_problem(name) is None
    validate_person_name(name)


@pytest.mark.parametrize(
    ("name", "named"),
    [
        (SCRIPT, "ký tự “<”"),
        ("An2", "chữ số “2”"),
        ("Nguyễn Văn 3", "chữ số “3”"),
        ("Lan.", "ký tự “.”"),
        ("Hoa;", "ký tự “;”"),
        ("Mai@", "ký tự “@”"),
        ("Bình\x07", "ký tự điều khiển U+0007"),
        ("An\u200bNa", "ký tự điều khiển U+200B"),  # zero-width space (a format character)
        ("Hùng ☺", "ký tự “☺”"),
    ],
)
def test_digits_markup_punctuation_symbols_and_controls_are_refused(name, named):
    problem = person_name_problem(name)
    assert problem == f"{NOT_A_LETTER} {named}."
    with pytest.raises(ValidationError) as caught:
        validate_person_name(name)
    assert caught.value.messages == [problem]


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("Иван", "chữ “И” (không thuộc bảng chữ cái Latinh)"),
        ("Lý 李", "chữ “李” (không thuộc bảng chữ cái Latinh)"),
        ("An\tBa", "ký tự điều khiển U+0009"),  # only the space separates words
        ("An\n", "ký tự điều khiển U+000A"),
        ("\u0301An", "dấu “\u0301” (U+0301) không đứng sau chữ cái"),
        ("An×Ba", "ký tự “×”"),  # the gap between the Latin-1 ranges
    ],
)
def test_other_scripts_white_space_and_stray_marks_are_refused(name, named):
    assert person_name_problem(name) == f"{NOT_A_LETTER} {named}."


def test_the_letter_ranges_hold_letters_only_and_the_mark_range_marks_only():
    for low, high in NAME_LETTER_RANGES:
        for code in range(ord(low), ord(high) + 1):
            assert unicodedata.category(chr(code)).startswith("L"), hex(code)
    for code in range(ord(NAME_MARK_RANGE[0]), ord(NAME_MARK_RANGE[1]) + 1):
        assert unicodedata.combining(chr(code)), hex(code)


def test_every_precomposed_vietnamese_letter_is_in_the_ranges():
    base = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    for letter in base + base.upper():
        for tone in ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"):
            composed = unicodedata.normalize("NFC", letter + tone)
            assert len(composed) == 1 or letter in "bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX"
            if len(composed) == 1:
                assert person_name_problem(composed) is None, composed


@pytest.mark.parametrize(
    "name", ["Nguyễn Văn", " An ", "H'Hen", "Y-Ngông", "Nguye\u0302\u0303n", "Иван", "An\n", "7"]
)
def test_the_server_and_the_published_pattern_agree(name):
    """The server judges with PERSON_NAME_PATTERN itself; an anchored full match (a final
    newline is not the end of the string, as in ECMA-262)."""
    matches = re.fullmatch(PERSON_NAME_PATTERN, name) is not None
    assert matches == (person_name_problem(name) is None)


def test_the_schema_publishes_the_pattern_on_every_name_field():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    person = schemas["PersonInputRequest"]["properties"]
    assert person["family_name"]["pattern"] == person["given_name"]["pattern"]
    assert re.fullmatch(person["given_name"]["pattern"], "Nguyễn") is not None
    # drf-spectacular writes the non-ASCII characters as \uXXXX escapes: the same pattern.
    published = person["given_name"]["pattern"]
    unescaped = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), published)
    assert unescaped == PERSON_NAME_PATTERN
    # The middle name may be blank: drf-spectacular adds that alternative itself.
    assert {"type": "string", "maxLength": 0} in person["middle_name"]["oneOf"]
    assert person["middle_name"]["oneOf"][0]["pattern"] == published
    assert (
        schemas["RelativeRequest"]["properties"]["full_name"]["pattern"]
        == (person["given_name"]["pattern"])
    )


def test_a_name_needs_a_letter():
    assert person_name_problem("-'") == "Phải có ít nhất một chữ cái."


def test_every_name_the_demo_generator_draws_passes():
    tables = [
        value for value in vars(demo_names).values() if isinstance(value, demo_names.Weighted)
    ]
    assert len(tables) >= 8
    for table in tables:
        for name in table.values:
            assert person_name_problem(name) is None, name


# --- the doors -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Rejected import files are annotated and kept: keep them in the test's own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def written():
    return (
        Person.objects.count(),
        Candidacy.objects.count(),
        Relative.objects.count(),
        AuditEntry.objects.count(),
    )


def test_service_refuses_a_bad_name_on_its_field(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = written()
    data = PersonData(
        family_name="Nguyễn",
        given_name=SCRIPT,
        birth_date=dt.date(2000, 1, 1),
        gender="male",
    )
    with pytest.raises(ValidationError) as caught:
        person_create(data=data, organisation=tree["cell_a1"], actor=clerk)
    assert caught.value.message_dict["given_name"][0].startswith(NOT_A_LETTER)
    assert written() == before


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("family_name", SCRIPT, "ký tự “<”"),
        ("middle_name", "Văn1", "chữ số “1”"),
        ("given_name", "An 2", "chữ số “2”"),
    ],
)
def test_register_form_refuses_a_bad_name_under_its_field(client, tree, field, value, named):
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    before = written()
    response = client.post(reverse("candidacies:register"), form_data(tree, **{field: value}))
    assert response.status_code == 200
    message = f"{NOT_A_LETTER} {named}."
    assert response.context["form"].errors[field] == [message]
    page = response.content.decode()
    assert "không được có" in page and "<script>alert" not in page
    assert written() == before


def test_register_form_accepts_a_minority_name(client, tree):
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    data = form_data(tree, family_name="Ksor", middle_name="", given_name="H'Hen")
    response = client.post(reverse("candidacies:register"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Person.objects.filter(given_name="H'Hen").exists()


def test_relative_form_refuses_a_bad_name(client, tree):
    client.force_login(user_with_role(tree["commune_a"], Role.CLERK))
    person = PersonFactory(organisation=tree["cell_a1"])
    before = written()
    response = client.post(
        reverse("people:relative_create", args=[person.pk]),
        {"relation": "mother", "full_name": "Trần Thị 9"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == [f"{NOT_A_LETTER} chữ số “9”."]
    assert written() == before


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_registration_refuses_a_bad_name_with_a_field_error(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = written()
    person = {
        "family_name": "Nguyễn",
        "middle_name": "Thị",
        "given_name": SCRIPT,
        "birth_date": "2001-04-30",
        "gender": "female",
    }
    response = _api(clerk).post(
        "/api/v1/candidacies/",
        {"organisation": tree["cell_a1"].pk, "person": person},
        format="json",
    )
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert fields["person.given_name"] == [f"{NOT_A_LETTER} ký tự “<”."], fields
    assert written() == before


def test_api_relatives_refuse_a_bad_name_on_create_and_change(tree):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    person = PersonFactory(organisation=tree["cell_a1"])
    relative = Relative.objects.create(person=person, relation="father", full_name="Lê Văn Cha")
    before = written()
    created = _api(clerk).post(
        f"/api/v1/people/{person.pk}/relatives/",
        {"relation": "mother", "full_name": "Mẹ 1"},
        format="json",
    )
    assert created.status_code == 400, created.content
    assert created.json()["error"]["fields"]["full_name"] == [f"{NOT_A_LETTER} chữ số “1”."]
    changed = _api(clerk).patch(
        f"/api/v1/relatives/{relative.pk}/", {"full_name": SCRIPT}, format="json"
    )
    assert changed.status_code == 400, changed.content
    assert "full_name" in changed.json()["error"]["fields"]
    assert written() == before
    relative.refresh_from_db()
    assert relative.full_name == "Lê Văn Cha"


@pytest.mark.parametrize("kind", ["candidates", "dossiers"])
def test_import_refuses_bad_names_row_by_row(tree, tmp_path, kind):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = written()
    extra = {"stage": "Đã học lớp nhận thức về Đảng", "certificate_date": "20/05/2025"}
    extra = extra if kind == "dossiers" else {}
    rows = [
        candidate(national_id="042301000001", given_name=SCRIPT, **extra),
        candidate(national_id="042301000002", family_name="Trần2", **extra),
        candidate(national_id="042301000003", middle_name="Thị;", **extra),
        candidate(national_id="042301000004", family_name="Ksor", given_name="H'Hen", **extra),
    ]
    outcome = import_workbook(actor=clerk, path=filled_template(tmp_path, kind, rows), kind=kind)
    assert outcome.status == "rejected"
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert messages[(3, "given_name")] == f"{NOT_A_LETTER} ký tự “<”."
    assert messages[(4, "family_name")] == f"{NOT_A_LETTER} chữ số “2”."
    assert messages[(5, "middle_name")] == f"{NOT_A_LETTER} ký tự “;”."
    assert not any(row == 6 for row, _column in messages)
    assert written() == before


def test_member_import_refuses_a_bad_name(tree, tmp_path):
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    before = written()
    row = {
        "family_name": "Phan", "middle_name": "Văn", "given_name": "Sử<b>",
        "birth_date": "02/02/1970", "gender": "Nam", "national_id": "042070000009",
        "organisation": "Ca2", "status": "Chính thức",
        "ceremony_date": "03/02/1995", "official_date": "03/02/1996",
    }  # fmt: skip
    outcome = import_workbook(
        actor=clerk, path=filled_template(tmp_path, "members", [row]), kind="members"
    )
    assert outcome.status == "rejected"
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "given_name", f"{NOT_A_LETTER} ký tự “<”.")
    ]
    assert written() == before
