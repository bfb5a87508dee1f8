"""`ptdv pipeline refresh`: the next lawful action of every open dossier, in bulk.

A full run recomputes every open dossier; the nightly incremental run touches only those
whose facts changed (`next_stale`) or whose stored answer may change today by the calendar
alone (`next_valid_until` reached). Everything a case needs is loaded per chunk with a fixed
number of queries — never a query per dossier — and written back with one bulk update.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from ptdv.candidacies.models import Candidacy, Consent, Introducer
from ptdv.candidacies.workflow import (
    DossierContext,
    _engine_consent,
    _engine_introducer,
    candidacy_next,
    next_fields,
    previous_membership_from,
)
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.rules.services import rules_calendar

NEXT_FIELDS = [
    "next_action",
    "next_earliest",
    "next_due",
    "next_missing",
    "next_expiring",
    "next_checked_on",
    "next_valid_until",
    "next_stale",
]


@dataclass
class RefreshStats:
    mode: str
    examined: int
    changed: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.examined / self.seconds if self.seconds else 0.0


class _Tree:
    """Organisations by id and their ancestor chains, loaded once per run."""

    def __init__(self, ids: set[int] | None = None) -> None:
        fields = (
            "id", "path", "kind", "area_flags", "authorised_to_admit", "has_youth_union",
            "has_trade_union", "parent_id", "code", "name", "valid_to",
        )  # fmt: skip
        qs = Organisation.objects.only(*fields)
        self.by_id: dict[int, Organisation] = {o.pk: o for o in qs.iterator(chunk_size=10000)}
        self.by_path = {o.path: o for o in self.by_id.values()}
        self._chains: dict[int, list[Organisation]] = {}

    def ancestors(self, org_id: int) -> list[Organisation]:
        chain = self._chains.get(org_id)
        if chain is None:
            path = self.by_id[org_id].path
            chain = [
                self.by_path[path[:end]]
                for end in range(len(path), 0, -PATH_STEP)
                if path[:end] in self.by_path
            ]
            self._chains[org_id] = chain
        return chain


def pipeline_refresh(
    *,
    today: dt.date,
    full: bool = True,
    chunk: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> RefreshStats:
    started = time.perf_counter()
    tree = _Tree()
    official = dict(
        PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    calendar = rules_calendar()
    base = Candidacy.objects.filter(is_open=True)
    if not full:
        base = base.filter(
            Q(next_stale=True) | Q(next_valid_until__lte=today) | Q(next_checked_on__isnull=True)
        )
    examined = changed = 0
    last_id = 0
    while True:
        rows = list(
            base.filter(pk__gt=last_id)
            .select_related("person", "person__residence_locality")
            .order_by("pk")[:chunk]
        )
        if not rows:
            break
        last_id = rows[-1].pk
        ids = [c.pk for c in rows]
        introducers: dict[int, list[Any]] = defaultdict(list)
        for introducer in Introducer.objects.filter(
            candidacy_id__in=ids, withdrawn=False
        ).select_related("membership"):
            introducers[introducer.candidacy_id].append(_engine_introducer(introducer))
        consents: dict[int, list[Any]] = defaultdict(list)
        for consent in Consent.objects.filter(candidacy_id__in=ids):
            consents[consent.candidacy_id].append(_engine_consent(consent))
        readmitted = [c.person_id for c in rows if c.is_readmission]
        former: dict[int, list[PartyMembership]] = defaultdict(list)
        if readmitted:
            for membership in PartyMembership.objects.filter(
                person_id__in=readmitted, status__in=FORMER_MEMBER_STATUSES
            ):
                former[membership.person_id].append(membership)
        dirty = []
        for candidacy in rows:
            candidacy.organisation = tree.by_id[candidacy.organisation_id]
            context = DossierContext(
                ancestors=tree.ancestors(candidacy.organisation_id),
                official_members=official.get(candidacy.organisation_id, 0),
                introducers=introducers.get(candidacy.pk, []),
                consents=consents.get(candidacy.pk, []),
                previous_membership=previous_membership_from(former.get(candidacy.person_id, []))
                if candidacy.is_readmission
                else None,
            )
            fields = next_fields(candidacy_next(candidacy, today, context, calendar), today)
            before = tuple(getattr(candidacy, name) for name in NEXT_FIELDS)
            for name, value in fields.items():
                setattr(candidacy, name, value)
            after = tuple(fields[name] for name in NEXT_FIELDS)
            if before != after:
                dirty.append(candidacy)
        with transaction.atomic():
            Candidacy.objects.bulk_update(dirty, NEXT_FIELDS, batch_size=500)
        examined += len(rows)
        changed += len(dirty)
        if progress:
            progress(examined)
    return RefreshStats(
        mode="full" if full else "incremental",
        examined=examined,
        changed=changed,
        seconds=time.perf_counter() - started,
    )
