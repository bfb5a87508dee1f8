"""Access-matrix rows of the import modes (issue 12 wiring): `ptdv import` in mode "update"
for people (a correction of the person at the site) and for members (the death of the member
at the site). Each is a variant of the `import` command: a key `import#<kind>-<mode>` runs the
same command (test_every_as_command_has_a_row reads the part before "#"). Clerks and above
pass in their own subtree; outside it the row's person or member is "not found" and nothing
changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import Command
from ptdv.core.tests.access_world import World
from ptdv.people.crypto import national_id_encrypt, national_id_hash
from ptdv.people.models import Person

# One national ID per site, given to the site's person and member the first time a row
# needs it (the same value every time: the world stays as it was for every other row).
_SITES = {"a1": "01", "a2": "02", "b1": "03", "up_a": "04", "up_p": "05"}


def _give_national_id(person_id: int, number: str) -> None:
    Person.objects.filter(pk=person_id).update(
        national_id_hash=national_id_hash(number), national_id_encrypted=national_id_encrypt(number)
    )


def _workbook(kind: str, mode: str, row: dict[str, Any], path: Path) -> None:
    from openpyxl import load_workbook

    from ptdv.exchange.columns import kind_spec
    from ptdv.exchange.workbook import template_build

    spec = kind_spec(kind, mode)
    template_build(spec, path)
    book = load_workbook(path)
    sheet = book[spec.sheet]
    index = {c.key: i + 1 for i, c in enumerate(spec.columns)}
    for key, value in row.items():
        sheet.cell(row=2, column=index[key], value=value)
    book.save(path)


def people_update_workbook(world: World, site: str, path: Path) -> None:
    """A correction (education) of the person at `site`, found by national ID."""
    number = f"0423010099{_SITES[site]}"
    _give_national_id(world.obj("person", site).pk, number)
    _workbook("people", "update", {"national_id": number, "education": "Đại học"}, path)


def members_update_workbook(world: World, site: str, path: Path) -> None:
    """The death of the member at `site`, found by national ID."""
    number = f"0423010088{_SITES[site]}"
    _give_national_id(world.obj("membership", site).person_id, number)
    _workbook(
        "members",
        "update",
        {"national_id": number, "action": "Từ trần", "date": dt.date(2025, 1, 3)},
        path,
    )


def _update(kind: str) -> Any:
    return lambda w, s, u, out: [
        "import", out, "--kind", kind, "--mode", "update", "--as", u.username
    ]  # fmt: skip


COMMANDS = {
    "import#people-update": Command(
        _update("people"), who=Role.CLERK, write=True, prepare=people_update_workbook
    ),
    "import#members-update": Command(
        _update("members"), who=Role.CLERK, write=True, prepare=members_update_workbook
    ),
}
