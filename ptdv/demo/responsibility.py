"""Responsibility per person in the demo province: a year (and the last one) of plan
assignments and personal quotas, so that the report "what each leader achieved" shows real
use.

The targets demo assigns this year's dossiers close to a vote. Here, for this year and the
last, every dossier decided in the year that had a responsible leader or a helper gets its
assignment too (the leaders and members who brought them in), and the leaders and a share of
the members get a personal quota near what they were given — some reach it, some do not.
Written in bulk (there is no user to act as), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.db import transaction

from ptdv.candidacies.models import Candidacy
from ptdv.demo.formatting import vn
from ptdv.organisations.models import Organisation
from ptdv.targets.models import PlanAssignment, ResponsibilityQuota

NOTE = "Phụ trách bồi dưỡng, giới thiệu kết nạp trong năm."
MEMBER_QUOTA_SHARE = 0.4


@transaction.atomic
def responsibility_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    rng = random.Random(seed * 7919 + 14)
    assignments = quotas = 0
    for year in (today.year - 1, today.year):
        assignments += _decided_assignments(root, year)
        quotas += _quotas(root, year, rng)
    return (
        f"Trách nhiệm phụ trách quần chúng: {vn(assignments)} phân công thêm, "
        f"{vn(quotas)} chỉ tiêu cá nhân (năm {today.year - 1} và {today.year})."
    )


def _decided_assignments(root: Organisation, year: int) -> int:
    """The dossiers decided in `year` with a leader or a helper, not yet assigned that year
    (one query to read, one to write)."""
    taken = set(
        PlanAssignment.objects.filter(
            year=year, organisation__path__startswith=root.path
        ).values_list("candidacy_id", flat=True)
    )
    rows = [
        PlanAssignment(
            year=year,
            organisation_id=organisation_id,
            candidacy_id=candidacy_id,
            responsible_person_id=leader_id,
            # The same person is never both (plan_assign refuses it).
            member_id=None if helper_person_id == leader_id else helper_id,
            note=NOTE,
        )
        for candidacy_id, organisation_id, leader_id, helper_id, helper_person_id in (
            Candidacy.objects.filter(
                organisation__path__startswith=root.path,
                decision_date__gte=dt.date(year, 1, 1),
                decision_date__lte=dt.date(year, 12, 31),
            )
            .exclude(responsible_leader__isnull=True, helper__isnull=True)
            .values_list(
                "id", "organisation_id", "responsible_leader_id", "helper_id", "helper__person_id"
            )
        )
        if candidacy_id not in taken and (leader_id or helper_id)
    ]
    PlanAssignment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _quotas(root: Organisation, year: int, rng: random.Random) -> int:
    """A quota per leader (and for a share of the members) and organisation of the year's
    assignments: the number they were given, give or take one."""
    assigned = PlanAssignment.objects.filter(year=year, organisation__path__startswith=root.path)
    leaders = Counter(
        assigned.filter(responsible_person__isnull=False).values_list(
            "organisation_id", "responsible_person_id"
        )
    )
    members = Counter(
        assigned.filter(member__isnull=False).values_list("organisation_id", "member_id")
    )
    existing_people = set(
        ResponsibilityQuota.objects.filter(year=year, person__isnull=False).values_list(
            "organisation_id", "person_id"
        )
    )
    existing_members = set(
        ResponsibilityQuota.objects.filter(year=year, member__isnull=False).values_list(
            "organisation_id", "member_id"
        )
    )
    rows = [
        ResponsibilityQuota(
            organisation_id=organisation_id,
            year=year,
            person_id=person_id,
            number=max(1, count + rng.choice((-1, 0, 0, 1))),
            note="Cấp ủy giao đầu năm.",
        )
        for (organisation_id, person_id), count in sorted(leaders.items())
        if (organisation_id, person_id) not in existing_people
    ]
    rows += [
        ResponsibilityQuota(
            organisation_id=organisation_id,
            year=year,
            member_id=member_id,
            number=max(1, count + rng.choice((0, 0, 1))),
            note="Chi bộ giao đầu năm.",
        )
        for (organisation_id, member_id), count in sorted(members.items())
        if (organisation_id, member_id) not in existing_members
        and rng.random() < MEMBER_QUOTA_SHARE
    ]
    ResponsibilityQuota.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
