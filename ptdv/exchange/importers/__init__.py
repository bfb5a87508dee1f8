"""Row validation and bulk writes for each import kind, one module per kind.

An import is all or nothing: every row is parsed and checked (values, codes, the user's
scope, duplicates in the file and against the database) before anything is written; then
everything is written in one transaction with bulk inserts, and the organisation counters
are adjusted once per organisation with the totals.

- `context`: the import's context (actor, sheet, organisations in scope) and its issues;
- `parsing`: typed values from the sheet's cells;
- `people`: checks and columns of the new people;
- one module per kind: `organisations`, `organisation_changes`, `localities`, `users`,
  `members`, `candidates`, `dossiers` (with `dossier_steps`, the legacy file's row as the
  past steps it attests), `people_update` (corrections of people matched by national ID:
  mode "update"), `members_update` (exits of members matched by national ID: mode "update").

A kind's modes are those its importers declare (`Importer.modes`; the first importer's first
mode is the default): "create" writes new records, "update" corrects existing ones through
their own write service. `importer_for(kind, mode)` is the importer of one mode, and
`ptdv.exchange.columns.kind_spec(kind, mode)` its columns.
"""

from __future__ import annotations

from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.candidates import CandidateImporter
from ptdv.exchange.importers.context import ImportContext, Issue, OrgInfo
from ptdv.exchange.importers.dossiers import DossierImporter
from ptdv.exchange.importers.enrolments import EnrolmentImporter
from ptdv.exchange.importers.localities import LocalityImporter
from ptdv.exchange.importers.members import MemberImporter
from ptdv.exchange.importers.members_update import MemberUpdateImporter
from ptdv.exchange.importers.organisation_changes import OrganisationChangeImporter
from ptdv.exchange.importers.organisations import OrganisationImporter
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.exchange.importers.people_update import PeopleUpdateImporter
from ptdv.exchange.importers.users import UserImporter

__all__ = [
    "IMPORTERS",
    "IMPORTERS_BY_MODE",
    "CandidateImporter",
    "DossierImporter",
    "EnrolmentImporter",
    "ImportContext",
    "Importer",
    "Issue",
    "LocalityImporter",
    "MemberImporter",
    "MemberUpdateImporter",
    "OrgInfo",
    "OrganisationChangeImporter",
    "OrganisationImporter",
    "PeopleUpdateImporter",
    "UserImporter",
    "importer_for",
    "kind_modes",
    "parse_rows",
]

_CLASSES: tuple[type[Importer], ...] = (
    OrganisationImporter,
    LocalityImporter,
    UserImporter,
    MemberImporter,
    MemberUpdateImporter,
    CandidateImporter,
    DossierImporter,
    PeopleUpdateImporter,
    OrganisationChangeImporter,
    EnrolmentImporter,
)

# (kind, mode) → its importer.
IMPORTERS_BY_MODE: dict[tuple[str, str], type[Importer]] = {
    (cls.kind, mode): cls for cls in _CLASSES for mode in cls.modes
}
# kind → the importer of its default mode.
IMPORTERS: dict[str, type[Importer]] = {cls.kind: cls for cls in reversed(_CLASSES)}


def kind_modes(kind: str) -> tuple[str, ...]:
    """The modes of `kind`, the default first."""
    return tuple(mode for (k, mode) in IMPORTERS_BY_MODE if k == kind)


def importer_for(kind: str, mode: str) -> type[Importer]:
    """The importer of `kind` in `mode` (KeyError when the kind has no such mode)."""
    return IMPORTERS_BY_MODE[(kind, mode)]
