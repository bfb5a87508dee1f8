"""How long the addressee has to answer, per kind of request, in working days.

No regulation read for PTĐV sets a time for answering a verification, an opinion or a dossier
transfer between organisations (the deadlines the rule sets hold run from the cell's resolution, a
later step). Each value below is
therefore the working practice assumed here, marked UNCONFIRMED with what it rests on, and is
kept in this one table (listed on the request pages and in the README) so that a confirmed
value changes one line. Counting follows the project's calendar (ptdv.rules: the N-th working
day after the day the request is sent, that day not counted).
"""

from __future__ import annotations

from dataclasses import dataclass

from ptdv.correspondence.models import RequestKind

UNCONFIRMED = "UNCONFIRMED"


@dataclass(frozen=True)
class DueParameter:
    working_days: int
    source: str  # a citation, or UNCONFIRMED with what the value rests on


DUE: dict[str, DueParameter] = {
    RequestKind.VERIFICATION: DueParameter(
        20,
        f"{UNCONFIRMED}: no central deadline found; about one month of working days, assumed "
        "here for a letter between committees",
    ),
    RequestKind.RESIDENCE_OPINION: DueParameter(
        10,
        f"{UNCONFIRMED}: no central deadline found; two working weeks, assumed here (the "
        "committee answers at its next regular meeting)",
    ),
    RequestKind.MASS_OPINION: DueParameter(
        10,
        f"{UNCONFIRMED}: no central deadline found; as for the residence cell committee",
    ),
    RequestKind.TRANSFER: DueParameter(
        10,
        f"{UNCONFIRMED}: no central deadline found for accepting a dossier under way; two "
        "working weeks, as for an opinion",
    ),
}


def due_parameter(kind: str) -> DueParameter:
    return DUE[RequestKind(kind)]
