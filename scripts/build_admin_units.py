"""Regenerate ``ptdv/organisations/data/admin_units.json`` (maintainers only).

This script turns the data of the ``vietnam-provinces`` package (version
2025.10.1, the official list after the 2025 administrative reform: 34
provinces, 3,321 commune-level units) into a plain JSON file that the PTĐV
application reads with ``ptdv.organisations.admin_units``.

The application never imports ``vietnam-provinces`` (it is GPL-licensed) and
does not depend on it. Only this maintainer script does, and it must run in a
separate, throwaway virtual environment::

    python3.11 -m venv /tmp/vp-venv
    /tmp/vp-venv/bin/pip install vietnam-provinces==2025.10.1
    /tmp/vp-venv/bin/python scripts/build_admin_units.py          # writes the file
    /tmp/vp-venv/bin/python scripts/build_admin_units.py --check  # exit 1 if stale

The output is deterministic (provinces sorted by code, communes by province
code then commune code, keys in a fixed order, one record per line, UTF-8 with
``ensure_ascii=False``) so that regenerating it gives readable diffs. Layout::

    {
     "source": "vietnam-provinces 2025.10.1",
     "provinces": [
      {"code": "42", "name": "Hà Tĩnh", "full_name": "Tỉnh Hà Tĩnh", "kind": "province"},
      ...
     ],
     "communes": [
      {"code": "18073", "name": "Thành Sen", "full_name": "Phường Thành Sen",
       "kind": "ward", "province": "42"},
      ...
     ]
    }

Codes are the official statistical codes as zero-padded strings (2 digits for
provinces, 5 for communes). ``kind`` is ``province`` (tỉnh) or ``city``
(thành phố trực thuộc trung ương) for provinces, and ``commune`` (xã), ``ward``
(phường) or ``special_zone`` (đặc khu) for communes. All names are NFC
normalised and have their whitespace collapsed (the package has a few names
with a double space, e.g. "Phường  Buôn Ma Thuột").
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import vietnam_provinces
from vietnam_provinces import Province, VietNamDivisionType, Ward

PACKAGE_VERSION = "2025.10.1"
SOURCE = f"vietnam-provinces {PACKAGE_VERSION}"
OUTPUT = (
    Path(__file__).resolve().parent.parent / "ptdv" / "organisations" / "data" / "admin_units.json"
)

EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321
HA_TINH_CODE = "42"
EXPECTED_HA_TINH = {"commune": 60, "ward": 9}

PROVINCE_KINDS: dict[VietNamDivisionType, tuple[str, str]] = {
    VietNamDivisionType.TINH: ("province", "Tỉnh"),
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: ("city", "Thành phố"),
}
COMMUNE_KINDS: dict[VietNamDivisionType, tuple[str, str]] = {
    VietNamDivisionType.XA: ("commune", "Xã"),
    VietNamDivisionType.PHUONG: ("ward", "Phường"),
    VietNamDivisionType.DAC_KHU: ("special_zone", "Đặc khu"),
}


class DataError(Exception):
    """The package data is not what this script expects."""


def check(condition: bool, message: str) -> None:
    """Fail loudly (unlike ``assert``, this also works under ``python -O``)."""
    if not condition:
        raise DataError(message)


def clean(text: str) -> str:
    """NFC-normalise and collapse runs of whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_name(raw: str, prefix: str) -> tuple[str, str]:
    """Return ``(short name, full name)`` for a name with or without its prefix.

    The package gives "Thành phố Hà Nội" but "Hà Tĩnh" for provinces, and
    always "Phường Thành Sen" (with prefix) for communes.
    """
    name = clean(raw)
    if name.casefold().startswith(prefix.casefold() + " "):
        name = name[len(prefix) + 1 :]
    check(bool(name), f"empty name in {raw!r}")
    return name, f"{prefix} {name}"


def build_provinces() -> list[dict[str, str]]:
    records = []
    for province in Province.iter_all():
        check(
            province.division_type in PROVINCE_KINDS,
            f"unknown province type {province.division_type!r}",
        )
        kind, prefix = PROVINCE_KINDS[province.division_type]
        name, full_name = split_name(province.name, prefix)
        records.append(
            {
                "code": f"{int(province.code):02d}",
                "name": name,
                "full_name": full_name,
                "kind": kind,
            }
        )
    return sorted(records, key=lambda r: r["code"])


def build_communes() -> list[dict[str, str]]:
    records = []
    for ward in Ward.iter_all():
        check(ward.division_type in COMMUNE_KINDS, f"unknown commune type {ward.division_type!r}")
        kind, prefix = COMMUNE_KINDS[ward.division_type]
        check(
            clean(ward.name).startswith(prefix + " "),
            f"commune {int(ward.code)} {ward.name!r} does not start with {prefix!r}",
        )
        name, full_name = split_name(ward.name, prefix)
        records.append(
            {
                "code": f"{int(ward.code):05d}",
                "name": name,
                "full_name": full_name,
                "kind": kind,
                "province": f"{int(ward.province_code):02d}",
            }
        )
    return sorted(records, key=lambda r: (r["province"], r["code"]))


def validate(provinces: list[dict[str, str]], communes: list[dict[str, str]]) -> None:
    check(
        len(provinces) == EXPECTED_PROVINCES,
        f"expected {EXPECTED_PROVINCES} provinces, got {len(provinces)}",
    )
    check(
        len(communes) == EXPECTED_COMMUNES,
        f"expected {EXPECTED_COMMUNES} communes, got {len(communes)}",
    )

    province_codes = [p["code"] for p in provinces]
    check(len(set(province_codes)) == len(province_codes), "duplicate province codes")
    check(len({p["name"] for p in provinces}) == len(provinces), "duplicate province names")
    commune_codes = [c["code"] for c in communes]
    check(len(set(commune_codes)) == len(commune_codes), "duplicate commune codes")
    unknown = {c["province"] for c in communes} - set(province_codes)
    check(not unknown, f"communes refer to unknown provinces {sorted(unknown)}")
    empty = set(province_codes) - {c["province"] for c in communes}
    check(not empty, f"provinces without communes {sorted(empty)}")
    duplicates = [
        k for k, n in Counter((c["province"], c["full_name"]) for c in communes).items() if n > 1
    ]
    check(not duplicates, f"duplicate commune names within a province: {duplicates}")

    ha_tinh = [c for c in communes if c["province"] == HA_TINH_CODE]
    ha_tinh_kinds = dict(Counter(c["kind"] for c in ha_tinh))
    check(
        ha_tinh_kinds == EXPECTED_HA_TINH,
        f"Hà Tĩnh: expected {EXPECTED_HA_TINH}, got {ha_tinh_kinds} ({len(ha_tinh)} in all)",
    )
    check(
        next(p["name"] for p in provinces if p["code"] == HA_TINH_CODE) == "Hà Tĩnh",
        f"province {HA_TINH_CODE} is not Hà Tĩnh",
    )


def render(provinces: list[dict[str, str]], communes: list[dict[str, str]]) -> str:
    """Serialise as JSON with one record per line."""

    def records(items: list[dict[str, str]]) -> str:
        return ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in items)

    text = (
        "{\n"
        f' "source": {json.dumps(SOURCE, ensure_ascii=False)},\n'
        ' "provinces": [\n'
        f"{records(provinces)}\n"
        " ],\n"
        ' "communes": [\n'
        f"{records(communes)}\n"
        " ]\n"
        "}\n"
    )
    parsed = json.loads(text)
    check(
        parsed == {"source": SOURCE, "provinces": provinces, "communes": communes},
        "rendered JSON does not round-trip",
    )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help=f"file to write (default: {OUTPUT})"
    )
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the file is out of date"
    )
    args = parser.parse_args(argv)

    check(
        vietnam_provinces.__version__ == PACKAGE_VERSION,
        f"need vietnam-provinces=={PACKAGE_VERSION}, found {vietnam_provinces.__version__}",
    )
    provinces = build_provinces()
    communes = build_communes()
    validate(provinces, communes)
    text = render(provinces, communes)

    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != text:
            print(
                f"{output} is out of date; run {Path(__file__).name} to regenerate it",
                file=sys.stderr,
            )
            return 1
        print(f"{output} is up to date")
        return 0

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    kinds = Counter(c["kind"] for c in communes)
    print(
        f"wrote {output}: {len(provinces)} provinces, {len(communes)} communes "
        f"({', '.join(f'{k}={n}' for k, n in sorted(kinds.items()))})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
