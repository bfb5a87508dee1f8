"""What the catalogue declares of one official form (`FormSpec`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ptdv.candidacies.models import CandidacyEvent
from ptdv.documents.dossier import Dossier
from ptdv.documents.layout import OfficialDocument
from ptdv.organisations.models import Organisation


@dataclass(frozen=True)
class FormSpec:
    slug: str
    code: str
    title: str
    subtitle: str
    name: str  # what the list on the dossier page shows
    personal: bool
    kind: str | None  # the register's document kind for a numbered document
    available: Callable[[Dossier], bool]
    issuer: Callable[[Dossier], Organisation | None]
    date: Callable[[Dossier], dt.date | None]
    event: Callable[[Dossier], CandidacyEvent | None]
    build: Callable[[Dossier, FormSpec], OfficialDocument]
