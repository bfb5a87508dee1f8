"""Members exempted from activity and members attached elsewhere, as a province has them
after years of use (issue 12 §2): the roster's "miễn công tác và sinh hoạt" and "sinh hoạt
tạm thời" columns and filters, and the member page's history, show real rows.

Written in bulk after the memberships and their events, with the event each step records
through `membership_act` (ptdv/members/actions.py): an exemption (old age, ill health) from
the cell's resolution, an attachment to a cell or a unit outside the province (work,
study, treatment) with its place.
"""

from __future__ import annotations

import datetime as dt
import random

from ptdv.members.models import MembershipAction, MembershipEvent, MembershipStatus, PartyMembership

# Official members aged 75 or more: the share exempted (at their request, by the cell).
EXEMPT_SHARE_OVER_75 = 0.35
EXEMPT_REASONS = ("Tuổi cao, sức yếu", "Ốm đau dài ngày", "Tuổi cao, xin miễn sinh hoạt")
# Active members under 45: the share working or studying elsewhere for a while.
ATTACHED_SHARE = 0.006
PLACES = (
    "Chi bộ Công ty TNHH Điện tử Samsung, tỉnh Bắc Ninh",
    "Chi bộ Khu công nghiệp VSIP, tỉnh Bình Dương",
    "Chi bộ sinh viên Trường Đại học Bách khoa Hà Nội",
    "Chi bộ Bệnh viện Bạch Mai, Hà Nội",
    "Chi bộ Công ty Cổ phần Xây dựng số 1, TP Hồ Chí Minh",
    "Chi bộ Đại học Vinh, tỉnh Nghệ An",
)
BATCH = 2000


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def membership_states_load(*, seed: int, today: dt.date) -> dict[str, int]:
    """Exempt some of the oldest official members and attach some young ones elsewhere;
    answers how many of each."""
    rng = random.Random(f"membership-states-{seed}")
    old_born = _years_before(today, 75)
    young_born = _years_before(today, 45)
    rows = PartyMembership.objects.filter(
        status__in=(MembershipStatus.OFFICIAL, MembershipStatus.PROBATIONARY),
        exempt_from__isnull=True,
        attached_from__isnull=True,
    ).values_list("id", "status", "official_date", "ceremony_date", "organisation_id",
                  "person__birth_date")  # fmt: skip
    exempt: list[PartyMembership] = []
    attached: list[PartyMembership] = []
    events: list[MembershipEvent] = []
    for pk, status, official, ceremony, cell, birth in rows.order_by("pk").iterator(5000):
        if birth is None:
            continue
        if status == MembershipStatus.OFFICIAL and birth <= old_born:
            if rng.random() >= EXEMPT_SHARE_OVER_75:
                continue
            seventy = dt.date(birth.year + 70, birth.month, min(birth.day, 28))
            start = max(seventy, official or seventy, today - dt.timedelta(days=8 * 365))
            if start >= today:
                continue
            on = start + dt.timedelta(days=rng.randint(0, (today - start).days))
            exempt.append(PartyMembership(pk=pk, exempt_from=on))
            events.append(
                MembershipEvent(
                    membership_id=pk,
                    action=MembershipAction.EXEMPT,
                    date=on,
                    reason=rng.choice(EXEMPT_REASONS),
                    from_organisation_id=cell,
                    facts={},
                )
            )
        elif birth >= young_born and rng.random() < ATTACHED_SHARE:
            joined = ceremony or official
            start = max(joined or today, today - dt.timedelta(days=2 * 365))
            if start >= today:
                continue
            on = start + dt.timedelta(days=rng.randint(0, (today - start).days))
            place = rng.choice(PLACES)
            attached.append(PartyMembership(pk=pk, attached_from=on, attached_note=place))
            events.append(
                MembershipEvent(
                    membership_id=pk,
                    action=MembershipAction.ATTACH,
                    date=on,
                    reason="Đi làm việc, học tập ở nơi khác",
                    from_organisation_id=cell,
                    facts={"place": place},
                )
            )
    PartyMembership.objects.bulk_update(exempt, ["exempt_from"], batch_size=BATCH)
    PartyMembership.objects.bulk_update(
        attached, ["attached_from", "attached_note"], batch_size=BATCH
    )
    MembershipEvent.objects.bulk_create(events, batch_size=BATCH)
    return {"exempt": len(exempt), "attached": len(attached)}
