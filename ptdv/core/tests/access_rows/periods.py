"""Access rows of the reports by period and the review report (issue 14 §6).

The page of an organisation's reports by period, the review report (sơ kết / tổng kết) as a
page download and through the API: each names an organisation, read by its viewers, 404
outside the subtree; the review form names a second organisation in its query (the unit to
report on), checked through the same scope. The period variants of the progress and
indicator downloads reuse their rows in `access_matrix` (the period is not an object).
"""

from __future__ import annotations

from ptdv.core.tests.access_matrix import Command, Door, rev
from ptdv.core.tests.access_world import YEAR

DOORS = [
    Door(
        "reports/<int:pk>/",
        rev("reports:periods"),
        obj="organisation",
        ok=(200, 302),
        # The review form: the unit named in the query is resolved through the scope.
        query=lambda w, s: (
            f"review=1&kind=interim&quarter=2&year=2025&organisation={w.org_site[s].pk}"
        ),
    ),
    Door(
        "reports/review/<int:pk>.docx",
        rev("reports:review", query="kind=final&half=1&year=2025"),
        obj="organisation",
    ),
    Door(
        "api/v1/reports/review/<int:pk>.docx",
        rev("api:report-review", query="from=01/03/2025&to=15/05/2025&kind=interim"),
        obj="organisation",
    ),
]

COMMANDS = {
    "report review": Command(
        lambda w, s, u, out: [
            "report",
            "review",
            "--organisation",
            w.org_site[s].code,
            "--kind",
            "interim",
            "--quarter",
            "2",
            "--year",
            str(YEAR),
            "--output",
            out,
            "--as",
            u.username,
        ]
    ),
}
