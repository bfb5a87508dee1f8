"""The dossiers' derived data when the organisation tree changes (ptdv/organisations/
changes.py fires the hooks; ptdv/targets/tree.py listens and calls these): the tallies an
organisation carries move with it from its old ancestors to its new ones, and the candidate
search entries follow the re-keyed paths. Nothing is recounted: the stored rows move, so
`ptdv aggregates verify` stays as clean as it was. The members' retention tally moves the
same way (ptdv.members.retention.retention_move).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from ptdv.candidacies.measures import ADMISSION_FIELDS
from ptdv.candidacies.models import (
    AdmissionTally,
    Candidacy,
    CandidacySearch,
    DueTally,
    PipelineTally,
    YieldTally,
)
from ptdv.candidacies.tallies import (
    PIPELINE_COLUMNS,
    YIELD_FIELDS,
    _apply,
    _due_apply,
)
from ptdv.members.retention import retention_move
from ptdv.organisations.tallies import tally_add


def tallies_move(
    *, organisation_ids: Sequence[int], old: Sequence[str], new: Sequence[str]
) -> None:
    """Take the tallies of `organisation_ids` (their subtree totals summed, every year) out of the
    organisations at the `old` paths and add them to those at the `new` paths (ancestors in
    both are left alone). For a node moving whole, `old`/`new` are its ancestors; for the
    own rows of an organisation that ends, `old` includes the organisation itself."""
    common = set(old) & set(new)
    gone, come = sorted(set(old) - common), sorted(set(new) - common)
    if not gone and not come:
        return
    ids = list(organisation_ids)
    retention_move(organisation_ids=ids, old=old, new=new)  # the members' tally, first
    by_year: dict[int, list[int]] = {}
    for year, *values in AdmissionTally.objects.filter(organisation_id__in=ids).values_list(
        "year", *ADMISSION_FIELDS
    ):
        total = by_year.setdefault(year, [0] * len(ADMISSION_FIELDS))
        for index, value in enumerate(values):
            total[index] += int(value)
    open_total = [0] * len(PIPELINE_COLUMNS)
    for values in PipelineTally.objects.filter(organisation_id__in=ids).values_list(
        *PIPELINE_COLUMNS
    ):
        for index, value in enumerate(values):
            open_total[index] += int(value)
    admissions: dict[Any, dict[str, int]] = {}
    pipeline: dict[Any, dict[str, int]] = {}
    for paths, sign in ((gone, -1), (come, 1)):
        for path in paths:
            for year, values in by_year.items():
                admissions[(path, year)] = {
                    name: sign * value for name, value in zip(ADMISSION_FIELDS, values, strict=True)
                }
            pipeline[(path,)] = {
                name: sign * value for name, value in zip(PIPELINE_COLUMNS, open_total, strict=True)
            }
    _apply(AdmissionTally, admissions)
    _apply(PipelineTally, pipeline)
    due_totals: dict[Any, int] = {}
    for due, n in DueTally.objects.filter(organisation_id__in=ids).values_list("due", "dossiers"):
        due_totals[due] = due_totals.get(due, 0) + n
    yields: dict[tuple[int, str], list[int]] = {}
    for year, channel, *values in YieldTally.objects.filter(organisation_id__in=ids).values_list(
        "year", "channel", *YIELD_FIELDS
    ):
        total = yields.setdefault((year, channel), [0] * len(YIELD_FIELDS))
        for index, value in enumerate(values):
            total[index] += int(value)
    tally_add(
        YieldTally,
        ("year", "channel"),
        YIELD_FIELDS,
        {
            (path, year, channel): {
                name: sign * value for name, value in zip(YIELD_FIELDS, values, strict=True)
            }
            for paths, sign in ((gone, -1), (come, 1))
            for path in paths
            for (year, channel), values in yields.items()
        },
    )
    _due_apply(
        {
            (path, due): sign * n
            for paths, sign in ((gone, -1), (come, 1))
            for path in paths
            for due, n in due_totals.items()
        }
    )


def search_paths_rekey(*, old_path: str, new_path: str) -> None:
    """The search entries of a subtree whose paths were re-keyed."""
    CandidacySearch.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )


def candidacies_reassign(*, source_id: int, target_id: int, target_path: str) -> list[int]:
    """Every dossier of `source_id` goes to `target_id` (its next action is recomputed by the
    next refresh); returns their ids."""
    ids = list(Candidacy.objects.filter(organisation_id=source_id).values_list("pk", flat=True))
    if ids:
        Candidacy.objects.filter(pk__in=ids).update(
            organisation_id=target_id, next_stale=True, version=F("version") + 1
        )
        CandidacySearch.objects.filter(candidacy_id__in=ids).update(path=target_path)
    return ids
