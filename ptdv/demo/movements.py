"""Mass organisations and movements of the demo province (issue 14 §2, §4).

Every commune gets its Youth Union, Women's Union, Farmers' Union (rural communes) and
Veterans' Association; every enterprise's grassroots organisation its trade union and Youth
Union. Each gets a target of candidates to refer for this year and last, near what its
channel brought. Each of them runs a few movements, forums, clubs and groups with their
periods (clubs and groups that run on, yearly movements, a forum each spring), some in a
village. Then a realistic share of the dossiers already there is linked to them, consistent
with each dossier's generic channel: a dossier referred by the Youth Union names the commune's
Youth Union (and often a movement it runs), a dossier of the channel "movement" names a
movement of its commune running when the candidate was found.

Written in bulk (there is no user to act as), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction

from ptdv.candidacies.models import Candidacy
from ptdv.demo.formatting import vn
from ptdv.movements.models import (
    MassOrganisation,
    MassOrganisationKind,
    MassOrganisationTarget,
    Movement,
    MovementKind,
)
from ptdv.organisations.models import PATH_STEP, Kind, Locality, Organisation, Sector

ENTERPRISE_SECTORS = (
    Sector.STATE_ENTERPRISE,
    Sector.NON_STATE_ENTERPRISE,
    Sector.FDI_ENTERPRISE,
)
BODY_NAMES: dict[str, str] = {
    MassOrganisationKind.YOUTH_UNION: "Đoàn Thanh niên",
    MassOrganisationKind.WOMENS_UNION: "Hội Liên hiệp Phụ nữ",
    MassOrganisationKind.FARMERS_UNION: "Hội Nông dân",
    MassOrganisationKind.VETERANS_UNION: "Hội Cựu chiến binh",
    MassOrganisationKind.TRADE_UNION: "Công đoàn",
}
# (name, kind, carried by, how it runs): "on" = since a few years, still running; "year" =
# the calendar year; "summer" = June to August; "spring" = March (the Youth Union's month).
CatalogEntry = tuple[str, str, str, str]
COMMUNE_MOVEMENTS: tuple[CatalogEntry, ...] = (
    ("Câu lạc bộ Thanh niên với pháp luật", MovementKind.CLUB, "youth_union", "on"),
    ("Chiến dịch Thanh niên tình nguyện hè", MovementKind.MOVEMENT, "youth_union", "summer"),
    ("Diễn đàn Thanh niên với Đảng, Đảng với thanh niên", MovementKind.FORUM, "youth_union",
     "spring"),
    ("Câu lạc bộ Phụ nữ khởi nghiệp", MovementKind.CLUB, "womens_union", "on"),
    ("Phong trào Nông dân sản xuất, kinh doanh giỏi", MovementKind.MOVEMENT, "farmers_union",
     "year"),
    ("Tổ hợp tác Cựu chiến binh giúp nhau làm kinh tế", MovementKind.GROUP, "veterans_union",
     "on"),
)  # fmt: skip
ENTERPRISE_MOVEMENTS: tuple[CatalogEntry, ...] = (
    ("Phong trào Lao động giỏi, lao động sáng tạo", MovementKind.MOVEMENT, "trade_union", "year"),
    ("Câu lạc bộ Công nhân trẻ", MovementKind.CLUB, "youth_union", "on"),
    ("Diễn đàn Công nhân với Đảng", MovementKind.FORUM, "trade_union", "spring"),
)
REFERRED_SHARE = 0.75  # of the dossiers whose channel is a mass organisation present
MOVEMENT_SHARE = 0.45  # of those, found in one of the body's movements
MOVEMENT_CHANNEL_SHARE = 0.9  # of the dossiers of the channel "movement"


def _short(name: str) -> str:
    for prefix in ("Đảng bộ cơ sở ", "Chi bộ cơ sở ", "Đảng bộ ", "Chi bộ "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _periods(how: str, today: dt.date, rng: random.Random) -> list[tuple[dt.date, dt.date | None]]:
    if how == "on":
        return [(dt.date(today.year - rng.randint(2, 5), rng.randint(1, 12), 1), None)]
    years = [today.year - 1, today.year]
    if how == "summer":
        spans = [(dt.date(y, 6, 1), dt.date(y, 8, 31)) for y in years]
    elif how == "spring":
        spans = [(dt.date(y, 3, 1), dt.date(y, 3, 31)) for y in years]
    else:
        spans = [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years]
    return [(start, end) for start, end in spans if start <= today]


Host = tuple[Organisation, list[str], tuple[CatalogEntry, ...]]


def _hosts(root: Organisation) -> list[Host]:
    hosts: list[Host] = []
    for org in Organisation.objects.filter(
        path__startswith=root.path, valid_to__isnull=True
    ).order_by("path"):
        if org.kind == Kind.COMMUNE:
            kinds = ["youth_union", "womens_union", "veterans_union"]
            if org.sector != Sector.URBAN_WARD:
                kinds.insert(2, "farmers_union")
            hosts.append((org, kinds, COMMUNE_MOVEMENTS))
        elif org.sector in ENTERPRISE_SECTORS and org.kind in (
            Kind.GRASSROOTS_COMMITTEE,
            Kind.GRASSROOTS_CELL,
        ):
            hosts.append((org, ["trade_union", "youth_union"], ENTERPRISE_MOVEMENTS))
    return hosts


@transaction.atomic
def movements_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    rng = random.Random(seed * 7919 + 14)
    hosts = _hosts(root)
    host_paths = {org.path for org, _k, _m in hosts}
    villages: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in Locality.objects.filter(organisation__path__startswith=root.path).values_list(
        "pk", "organisation_id"
    ):
        villages[org_id].append(pk)

    bodies = MassOrganisation.objects.bulk_create(
        [
            MassOrganisation(
                organisation=org, kind=kind, name=f"{BODY_NAMES[kind]} {_short(org.name)}"
            )
            for org, kinds, _m in hosts
            for kind in kinds
        ],
        batch_size=2000,
    )
    body_of: dict[tuple[str, str], MassOrganisation] = {
        (b.organisation.path, b.kind): b for b in bodies
    }
    movements: list[Movement] = []
    for org, kinds, catalog in hosts:
        chosen = [entry for entry in catalog if entry[2] in kinds]
        for name, kind, carrier, how in rng.sample(chosen, k=min(len(chosen), rng.randint(2, 4))):
            for start, end in _periods(how, today, rng):
                suffix = f" năm {start.year}" if how != "on" else ""
                village = (
                    rng.choice(villages[org.pk])
                    if kind == MovementKind.GROUP and villages.get(org.pk)
                    else None
                )
                movements.append(
                    Movement(
                        name=f"{name}{suffix}",
                        kind=kind,
                        organiser=org,
                        mass_organisation=body_of[(org.path, carrier)],
                        locality_id=village,
                        starts_on=start,
                        ends_on=end,
                        description=f"Do {body_of[(org.path, carrier)].name} tổ chức.",
                    )
                )
    Movement.objects.bulk_create(movements, batch_size=2000)
    movements_of: dict[str, list[Movement]] = defaultdict(list)
    for m in movements:
        movements_of[m.organiser.path].append(m)

    # The dossiers, linked to the body and the movement of the host above their cell.
    updates: list[Candidacy] = []
    referred: dict[tuple[int, int], int] = defaultdict(int)
    rows = Candidacy.objects.filter(organisation__path__startswith=root.path).values_list(
        "pk", "organisation__path", "source_channel", "opened_on"
    )
    for pk, path, channel, opened in rows.iterator(chunk_size=5000):
        host = next(
            (path[:n] for n in range(len(path), 0, -PATH_STEP) if path[:n] in host_paths),
            None,
        )
        if host is None:
            continue
        running = [
            m
            for m in movements_of[host]
            if m.starts_on <= opened
            and (m.ends_on is None or m.ends_on >= opened - dt.timedelta(days=120))
        ]
        body = body_of.get((host, channel))
        movement: Movement | None = None
        if body is not None:
            if rng.random() >= REFERRED_SHARE:
                continue
            own = [m for m in running if m.mass_organisation_id == body.pk]
            if own and rng.random() < MOVEMENT_SHARE:
                movement = rng.choice(own)
            referred[(body.pk, opened.year)] += 1
        elif channel == "movement" and running and rng.random() < MOVEMENT_CHANNEL_SHARE:
            movement = rng.choice(running)
        else:
            continue
        updates.append(
            Candidacy(
                pk=pk,
                movement_id=movement.pk if movement else None,
                referring_body_id=body.pk if body else None,
            )
        )
    Candidacy.objects.bulk_update(updates, ["movement", "referring_body"], batch_size=2000)

    # Targets near what each body referred (some above, some below).
    targets = [
        MassOrganisationTarget(
            mass_organisation=b,
            year=year,
            referrals=max(1, round(referred.get((b.pk, year), 0) * rng.uniform(0.8, 1.4))),
        )
        for b in bodies
        for year in (today.year - 1, today.year)
    ]
    MassOrganisationTarget.objects.bulk_create(targets, batch_size=2000)
    return (
        f"Phong trào và đoàn thể: {vn(len(bodies))} đoàn thể, {vn(len(movements))} phong trào, "
        f"câu lạc bộ, {vn(len(targets))} chỉ tiêu giới thiệu, {vn(len(updates))} hồ sơ gắn với "
        f"nơi phát hiện, giới thiệu."
    )
