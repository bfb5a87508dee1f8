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
  mode "update").

A kind declares its modes (`Importer.modes`, the first is the default): "create" writes new
records, "update" corrects existing ones through their own write service.
"""

from __future__ import annotations

from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.candidates import CandidateImporter
from ptdv.exchange.importers.context import ImportContext, Issue, OrgInfo
from ptdv.exchange.importers.dossiers import DossierImporter
from ptdv.exchange.importers.localities import LocalityImporter
from ptdv.exchange.importers.members import MemberImporter
from ptdv.exchange.importers.organisation_changes import OrganisationChangeImporter
from ptdv.exchange.importers.organisations import OrganisationImporter
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.exchange.importers.people_update import PeopleUpdateImporter
from ptdv.exchange.importers.users import UserImporter

__all__ = [
    "IMPORTERS",
    "CandidateImporter",
    "DossierImporter",
    "ImportContext",
    "Importer",
    "Issue",
    "LocalityImporter",
    "MemberImporter",
    "OrgInfo",
    "OrganisationChangeImporter",
    "OrganisationImporter",
    "PeopleUpdateImporter",
    "UserImporter",
    "parse_rows",
]

IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        OrganisationImporter,
        LocalityImporter,
        UserImporter,
        MemberImporter,
        CandidateImporter,
        DossierImporter,
        PeopleUpdateImporter,
        OrganisationChangeImporter,
    )
}
