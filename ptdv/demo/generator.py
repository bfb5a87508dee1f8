"""Load the demo province (or the whole country) built from the official list of communes.

Everything is drawn from `random.Random` instances derived from the seed and the province
code, in a fixed order, against a fixed reference date: the same seed gives the same tree,
names and dates (only the Fernet ciphertexts and the creation timestamps differ — Fernet draws
a random IV).

A province is planned in memory (`plan.py`: its tree and localities are small), the tree goes
in level by level with `bulk_create` (a child needs its parent's id), then its people are
generated commune by commune and bloc by bloc (`people.py`) and written in batches
(`bulk.py`), so memory stays bounded by one province's tree plus one batch: the national scale
streams through the same code. The subtree counters and the monitoring tallies are rebuilt
once at the end with grouped queries.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.db.models import Count, Q

from ptdv.audit.models import AuditAction, AuditEntry
from ptdv.audit.services import audit_record
from ptdv.candidacies.counters import organisation_counters_rebuild
from ptdv.candidacies.models import POOL_STAGES, Candidacy, CandidacyEvent, Consent, Introducer
from ptdv.candidacies.search import candidacy_search_refresh
from ptdv.demo import catalog
from ptdv.demo.activity import demo_activity_load
from ptdv.demo.bulk import reset_sequences
from ptdv.demo.extras import tallies_rebuild
from ptdv.demo.membership_states import membership_states_load
from ptdv.demo.people import PeopleGenerator, Tables
from ptdv.demo.plan import ProvincePlan, Tree
from ptdv.demo.signers import demo_signers_create
from ptdv.documents.models import DocumentNumber
from ptdv.members.models import ACTIVE_STATUSES, PartyMembership
from ptdv.members.services import membership_events_backfill
from ptdv.organisations.admin_units import Province, communes_of, province, provinces
from ptdv.organisations.models import Competence, Kind, Locality, Organisation
from ptdv.people.models import Person

Scale = Literal["province", "national"]

DEFAULT_TODAY = dt.date(2026, 11, 29)
DEFAULT_PROVINCE = catalog.HA_TINH_CODE
# README §3: a Hà Tĩnh-like province and the whole country.
PROVINCE_MEMBERS = 110_000
PROVINCE_POOL = 15_000
NATIONAL_MEMBERS = 5_600_000
NATIONAL_POOL = 800_000
# Cities have more members per commune than provinces (national-scale weights).
CITY_WEIGHT = 1.6


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 1
    scale: Scale = "province"
    # National scale: only the first K provinces (by code), for quick tries.
    provinces: int | None = None
    province_code: str = DEFAULT_PROVINCE
    # Active members and open pool over the whole scale; None: the real size (README §3).
    members: int | None = None
    candidates: int | None = None
    today: dt.date = DEFAULT_TODAY
    # Judge every replayed step by the rule engine (None: at the province scale only; the
    # national scale's ~6 million steps are replayed through the specs without the engine,
    # their dates planned to the same rules — see story.py).
    judge: bool | None = None
    # Replay the events as rows of column values rather than model instances (the same rows,
    # faster; histories.py). None: at the national scale only.
    event_rows: bool | None = None


@dataclass
class LoadReport:
    seconds: float = 0.0
    provinces: list[str] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class Progress:
    """One province done: what the command prints while a long load runs."""

    number: int
    total: int
    name: str
    rows: int
    seconds: float


def province_rng(seed: int, code: str) -> random.Random:
    """One generator per province, from the seed and the province code.

    A run limited to K provinces therefore produces exactly the first K provinces of the full
    run, and a province's data does not depend on which others were built before it.
    """
    return random.Random(f"ptdv-demo/{seed}/{code}")


def _targets(options: DemoOptions) -> tuple[list[Province], list[float], float, float]:
    """The provinces to build, each one's share, and the members and pool in total."""
    if options.scale == "province":
        members = PROVINCE_MEMBERS if options.members is None else options.members
        ratio = PROVINCE_POOL / PROVINCE_MEMBERS
        pool = members * ratio if options.candidates is None else options.candidates
        return [province(options.province_code)], [1.0], members, pool
    every = list(provinces())
    weights = [len(communes_of(p.code)) * (CITY_WEIGHT if p.kind == "city" else 1.0) for p in every]
    total = sum(weights)
    chosen = every[: options.provinces] if options.provinces else every
    members = NATIONAL_MEMBERS if options.members is None else options.members
    ratio = NATIONAL_POOL / NATIONAL_MEMBERS
    pool = members * ratio if options.candidates is None else options.candidates
    return chosen, [w / total for w in weights[: len(chosen)]], members, pool


def _insert_tree(plan: ProvincePlan, report: LoadReport) -> None:
    by_depth: dict[int, list[Organisation]] = {}
    for org in plan.tree.orgs:
        by_depth.setdefault(org.depth, []).append(org)
    for depth in sorted(by_depth):
        # A child needs its parent's id: one level at a time, ids come back from the insert.
        Organisation.objects.bulk_create(by_depth[depth], batch_size=2000)
    Locality.objects.bulk_create(plan.localities, batch_size=2000)
    # Who decides for whom from 1 July 2025 (the organisations have their ids now).
    Competence.objects.bulk_create(plan.competences, batch_size=2000)
    report.rows["organisation"] += len(plan.tree.orgs)
    report.rows["locality"] += len(plan.localities)


def national_root_create(report: LoadReport) -> Organisation:
    """The national root (national scale), written at once: provinces need its id."""
    tree = Tree()
    national = tree.add(None, code="VN", name="Toàn quốc", kind=Kind.NATIONAL, abbreviation="TQ")
    Organisation.objects.bulk_create(tree.orgs)
    report.rows["organisation"] += 1
    return national


def demo_provinces_load(
    options: DemoOptions,
    *,
    national: Organisation | None,
    tables: Tables,
    report: LoadReport,
    first: int = 0,
    last: int | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> None:
    """Generate the chosen provinces `first` to `last` (0-based, end excluded) in order.

    Each province draws only from its own generator, so a part of the country comes out the
    same whether it is built alone or after the provinces before it (ids aside: they follow
    the rows already in the database). Under the national root, province number `n` takes
    the path of the root's n-th child, as in a run over every province.
    """
    chosen, shares, members, pool = _targets(options)
    last = len(chosen) if last is None else last
    for index in range(first, last):
        prov, share = chosen[index], shares[index]
        tick = time.perf_counter()
        before = report.total_rows + sum(t.written for t in tables.all())
        if national is not None:
            national.child_seq = index  # the provinces before this one are its siblings
        rng = province_rng(options.seed, prov.code)
        plan = ProvincePlan(
            rng=rng, province=prov, members=members * share, pool=pool * share,
            parent=national,
        )  # fmt: skip
        _insert_tree(plan, report)
        report.rows["signer"] += demo_signers_create(plan.tree.orgs)
        judge = options.scale == "province" if options.judge is None else options.judge
        as_rows = options.scale == "national" if options.event_rows is None else options.event_rows
        PeopleGenerator(
            rng=rng,
            plan=plan,
            today=options.today,
            tables=tables,
            judge=judge,
            rows=as_rows,
            # The bench's national dataset leaves out each event's state before it (disk):
            # its steps can be amended, not voided. The province demo keeps it.
            keep_before=options.scale != "national",
        ).run()
        report.provinces.append(prov.full_name)
        if progress is not None:
            rows = report.total_rows + sum(t.written for t in tables.all()) - before
            progress(
                Progress(index + 1, len(chosen), prov.full_name, rows, time.perf_counter() - tick)
            )


def demo_load_finish(
    options: DemoOptions, *, national: Organisation | None, report: LoadReport
) -> None:
    """After the rows are written: the root's child counter, the id sequences, the candidate
    search's entries, the subtree counters, the monitoring tallies and one
    audit entry for the whole load."""
    if national is not None:
        # Provinces were numbered under the root in memory: store the root's counter.
        Organisation.objects.filter(pk=national.pk).update(child_seq=national.child_seq)
    reset_sequences(
        [Person, PartyMembership, Candidacy, CandidacyEvent, Introducer, Consent, DocumentNumber]
    )
    if options.scale == "province":
        # Each membership's history (admission, recognition, exit: the member page). Not at
        # the national scale, the benchmark's dataset: ~12 million steps, 2.0 GB of the
        # SQLite file and the longest part of its end of load, for pages the bench does not
        # measure (the PostgreSQL copy never carried them).
        membership_events_backfill(CandidacyEvent)
        # Exempted and attached members (the roster's columns, the member pages' history).
        states = membership_states_load(seed=options.seed, today=options.today)
        report.rows.update({f"members_{key}": value for key, value in states.items()})
    candidacy_search_refresh()
    organisation_counters_rebuild()
    tallies_rebuild()
    if options.scale == "province":
        # The staff's trail over the years of use (ptdv/demo/activity.py): ~a few hundred
        # thousand entries for the province. Not at the national scale, the benchmark's
        # dataset (~10 M dossier steps): its trail would be tens of millions of rows and
        # multiply the generation time, and the bench measures the domain tables, not this.
        activity = demo_activity_load(seed=options.seed, today=options.today)
        report.rows["staff"] = activity["staff"]
        report.rows["audit"] = activity["audit"]
        reset_sequences([AuditEntry])
    # One entry for the whole load: rows written in bulk have no entry of their own.
    audit_record(
        actor=None,
        action=AuditAction.IMPORT,
        object_type="demo",
        summary=f"Nạp dữ liệu trình diễn (hạt giống {options.seed})",
        data={"scale": options.scale, "provinces": report.provinces, **report.rows},
    )


def demo_load(
    options: DemoOptions, *, progress: Callable[[Progress], None] | None = None
) -> LoadReport:
    """Build the demo data, in one transaction, into a domain the caller has emptied."""
    report = LoadReport()
    started = time.perf_counter()
    with transaction.atomic():
        tables = Tables()
        national = national_root_create(report) if options.scale == "national" else None
        demo_provinces_load(
            options, national=national, tables=tables, report=report, progress=progress
        )
        if national is not None:
            national.child_seq = len(report.provinces)
        report.rows["person"] = tables.persons.written
        report.rows["membership"] = tables.memberships.written
        report.rows["candidacy"] = tables.candidacies.written
        histories = tables.histories
        report.rows["event"] = histories.events.written
        report.rows["introducer"] = histories.introducers.written
        report.rows["consent"] = histories.consents.written
        report.rows["document_number"] = histories.numbers.written
        demo_load_finish(options, national=national, report=report)
    report.seconds = time.perf_counter() - started
    return report


def demo_summary() -> dict[str, Any]:
    """Row counts by kind, status and stage (a handful of grouped queries)."""

    def grouped(qs: Any, column: str) -> dict[str, int]:
        return dict(qs.order_by().values_list(column).annotate(n=Count("id")))

    localities = Locality.objects.aggregate(
        total=Count("id"),
        with_cell=Count("id", filter=Q(cell__isnull=False)),
        shared=Count("id", filter=Q(cell_is_shared=True)),
    )
    resided = PartyMembership.objects.filter(
        status__in=ACTIVE_STATUSES, person__residence_locality__isnull=False
    ).values("person__residence_locality")
    localities["white"] = Locality.objects.exclude(pk__in=resided).count()
    return {
        "organisations": grouped(Organisation.objects, "kind"),
        "localities": localities,
        "persons": Person.objects.count(),
        "memberships": grouped(PartyMembership.objects, "status"),
        "candidacies": grouped(Candidacy.objects, "stage"),
        "pool": Candidacy.objects.filter(is_open=True, stage__in=POOL_STAGES).count(),
        "readmissions": Candidacy.objects.filter(is_readmission=True, is_open=True).count(),
    }
