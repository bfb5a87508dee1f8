"""The official list of administrative units (plain pytest, no database)."""

from __future__ import annotations

import ast
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from ptdv.organisations import admin_units
from ptdv.organisations.admin_units import (
    DATA_PATH,
    Commune,
    Province,
    commune,
    communes_of,
    load_admin_units,
    province,
    province_by_name,
    provinces,
)


def test_source_is_recorded() -> None:
    assert load_admin_units().source == "vietnam-provinces 2025.10.1"


def test_34_provinces() -> None:
    assert len(provinces()) == 34
    assert Counter(p.kind for p in provinces()) == {"province": 28, "city": 6}


def test_3321_communes() -> None:
    units = load_admin_units()
    assert len(units.communes) == 3321
    assert sum(len(communes_of(p.code)) for p in provinces()) == 3321
    assert Counter(c.kind for c in units.communes) == {
        "commune": 2621,
        "ward": 687,
        "special_zone": 13,
    }


def test_ha_tinh_has_69_communes_of_which_9_wards() -> None:
    ha_tinh = province_by_name("Hà Tĩnh")
    assert ha_tinh == Province("42", "Hà Tĩnh", "Tỉnh Hà Tĩnh", "province")
    units = communes_of(ha_tinh.code)
    assert len(units) == 69
    kinds = Counter(c.kind for c in units)
    assert kinds == {"commune": 60, "ward": 9}
    wards = {c.name for c in units if c.kind == "ward"}
    assert {"Thành Sen", "Trần Phú", "Hà Huy Tập", "Bắc Hồng Lĩnh", "Nam Hồng Lĩnh"} <= wards
    assert all(c.province_code == "42" for c in units)


def test_lookups() -> None:
    assert province("01").full_name == "Thành phố Hà Nội"
    assert province("01").kind == "city"
    assert province_by_name("Thành phố Hồ Chí Minh").code == "79"
    assert province_by_name("  hà   tĩnh ") == province("42")
    # A decomposed (NFD) spelling is found too.
    assert province_by_name(unicodedata.normalize("NFD", "Hà Tĩnh")).code == "42"
    assert commune("18073") == Commune("18073", "Thành Sen", "Phường Thành Sen", "ward", "42")
    assert str(commune("18073")) == "Phường Thành Sen"
    assert str(province("42")) == "Tỉnh Hà Tĩnh"


def test_unknown_lookups_raise_key_error() -> None:
    with pytest.raises(KeyError):
        province_by_name("Hà Tây")  # merged into Hà Nội in 2008
    with pytest.raises(KeyError):
        province("02")  # Hà Giang, merged into Tuyên Quang in 2025
    with pytest.raises(KeyError):
        communes_of("99")
    with pytest.raises(KeyError):
        commune("99999")


def test_names_are_nfc_and_clean() -> None:
    units = load_admin_units()
    names = [n for p in units.provinces for n in (p.name, p.full_name)]
    names += [n for c in units.communes for n in (c.name, c.full_name)]
    for name in names:
        assert unicodedata.is_normalized("NFC", name), name
        assert name == " ".join(name.split()), name
    prefixes = {"province": "Tỉnh", "city": "Thành phố"}
    for p in units.provinces:
        assert p.full_name == f"{prefixes[p.kind]} {p.name}"
    commune_prefixes = {"commune": "Xã", "ward": "Phường", "special_zone": "Đặc khu"}
    for c in units.communes:
        assert c.full_name == f"{commune_prefixes[c.kind]} {c.name}"


def test_codes_are_unique_and_well_formed() -> None:
    units = load_admin_units()
    province_codes = [p.code for p in units.provinces]
    commune_codes = [c.code for c in units.communes]
    assert len(set(province_codes)) == 34
    assert len(set(commune_codes)) == 3321
    assert all(len(code) == 2 and code.isdigit() for code in province_codes)
    assert all(len(code) == 5 and code.isdigit() for code in commune_codes)
    assert {c.province_code for c in units.communes} == set(province_codes)
    assert len({p.name for p in units.provinces}) == 34


def test_data_file_is_sorted() -> None:
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    codes = [p["code"] for p in data["provinces"]]
    assert codes == sorted(codes)
    keys = [(c["province"], c["code"]) for c in data["communes"]]
    assert keys == sorted(keys)


def test_loader_is_cached_and_immutable() -> None:
    assert load_admin_units() is load_admin_units()
    with pytest.raises(AttributeError):
        provinces()[0].name = "x"  # type: ignore[misc]


def test_loader_imports_only_the_standard_library() -> None:
    """The app must never import vietnam-provinces (GPL), nor need Django here."""
    assert admin_units.__file__ is not None
    tree = ast.parse(Path(admin_units.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported, "no imports found: is the path right?"
    assert imported <= sys.stdlib_module_names | {"__future__"}, imported
