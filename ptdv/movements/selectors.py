"""Reads of mass organisations and movements: the lists (scoped to the actor's subtrees),
the candidates that came from one of them, the choices a dossier form offers, and the yield
(candidates found, trained, admitted per movement, channel and mass organisation in a year).

Every figure is one grouped query over the dossiers (no loop of queries), or, for the yield
by channel, the dossiers' own tally of it when the user's role covers the whole subtree. The
dossiers are reached through the reverse relations of the two foreign keys the dossier holds
(`Candidacy.movement`, `Candidacy.referring_body`) and the tally through a hook: this app
sits below the dossiers and does not import them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery

from ptdv.core import hooks
from ptdv.core.policies import Actor, role_rank_at, subtree_q
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.text import nfc
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement
from ptdv.movements.policies import mass_organisation_policy, movement_policy
from ptdv.organisations.models import Organisation


def candidacy_model() -> Any:
    """The dossier model (candidacies.Candidacy), named through its foreign key."""
    return Movement._meta.get_field("candidacies").related_model


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- lists ----------------------------------------------------------------------------------


def mass_organisation_list(
    *, actor: Actor, organisation: Organisation | None = None, kind: str = "", q: str = ""
) -> QuerySet[MassOrganisation]:
    qs = mass_organisation_policy.visible_to(actor).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if kind:
        qs = qs.filter(kind=kind)
    for word in nfc(q).split():
        qs = qs.filter(name__icontains=word)
    return qs.annotate(referred=Count("referred_candidacies")).order_by(
        "organisation__path", "kind", "name"
    )


def movement_list(
    *,
    actor: Actor,
    organisation: Organisation | None = None,
    kind: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Movement]:
    """The movements of the actor's subtrees (within `organisation`), those running in `year`
    when given, the newest first, each with the number of candidates linked to it."""
    qs = movement_policy.visible_to(actor).select_related(
        "organiser", "mass_organisation", "locality"
    )
    if organisation is not None:
        qs = qs.filter(organiser__path__startswith=organisation.path)
    if kind:
        qs = qs.filter(kind=kind)
    if year is not None:
        start, end = year_bounds(year)
        qs = qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start), starts_on__lte=end)
    for word in nfc(q).split():
        qs = qs.filter(name__icontains=word)
    return qs.annotate(candidates=Count("candidacies")).order_by("-starts_on", "-pk")


def movement_get(*, actor: Actor, pk: Any) -> Movement:
    return movement_policy.get_visible(
        actor, pk, Movement.objects.select_related("organiser", "mass_organisation", "locality")
    )


def mass_organisation_get(*, actor: Actor, pk: Any) -> MassOrganisation:
    """One mass organisation (404 outside the scope), with the number it referred."""
    return mass_organisation_policy.get_visible(
        actor,
        pk,
        MassOrganisation.objects.select_related("organisation")
        .prefetch_related("targets")
        .annotate(referred=Count("referred_candidacies")),
    )


def mass_targets(*, body: MassOrganisation) -> QuerySet[MassOrganisationTarget]:
    return body.targets.order_by("-year")


def candidates_of(*, actor: Actor, movement: Movement | None = None, body: Any = None) -> Any:
    """The dossiers linked to a movement or a referring body, inside the actor's subtrees,
    sorted by the person's given name."""
    qs = candidacy_model().objects.filter(subtree_q(actor, "organisation__path"))
    if movement is not None:
        qs = qs.filter(movement=movement)
    if body is not None:
        qs = qs.filter(referring_body=body)
    return qs.select_related("person", "organisation").order_by("search_entry__sort_key", "pk")


def organiser_choices(*, actor: Actor) -> QuerySet[Organisation]:
    """The organisations where the actor may record a mass organisation or a movement."""
    return Organisation.objects.filter(
        subtree_q(actor, "path", min_rank=ROLE_RANK[Role.CLERK]), valid_to__isnull=True
    ).order_by("path")


def source_choices(
    *, actor: Actor, cell: Organisation, today: dt.date
) -> tuple[QuerySet[Movement], QuerySet[MassOrganisation]]:
    """What a dossier of `cell` may name as its source: the movements running (or ended in the
    last year) and the mass organisations on the cell's line, inside the actor's scope."""
    line = [cell.path[:i] for i in range(1, len(cell.path) + 1)]
    since = dt.date(today.year - 1, 1, 1)
    movements = (
        movement_policy.visible_to(actor)
        .filter(organiser__path__in=line, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .order_by("name")
    )
    bodies = (
        mass_organisation_policy.visible_to(actor)
        .filter(organisation__path__in=line)
        .select_related("organisation")
        .order_by("kind", "name")
    )
    return movements, bodies


# --- yield ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YieldRow:
    key: Any
    label: str
    found: int
    trained: int
    admitted: int
    target: int | None = None
    obj: Any = None

    @property
    def target_share(self) -> float | None:
        if not self.target:
            return None
        return self.found / self.target


@dataclass(frozen=True)
class Yield:
    year: int
    organisation: Organisation
    total: YieldRow
    channels: list[YieldRow]
    movements: list[YieldRow]
    mass_organisations: list[YieldRow]


def _counts(start: dt.date, end: dt.date) -> dict[str, Count]:
    return {
        "found": Count("pk", filter=Q(opened_on__range=(start, end))),
        "trained": Count("pk", filter=Q(certificate_date__range=(start, end))),
        "admitted": Count("pk", filter=Q(decision_date__range=(start, end))),
    }


def _related_counts(relation: str, start: dt.date, end: dt.date, scope: Q) -> dict[str, Any]:
    return {
        key: Count(relation, filter=scope & Q(**{f"{relation}__{field}__range": (start, end)}))
        for key, field in (
            ("found", "opened_on"),
            ("trained", "certificate_date"),
            ("admitted", "decision_date"),
        )
    }


def _in_year(start: dt.date, end: dt.date) -> Q:
    return (
        Q(opened_on__range=(start, end))
        | Q(certificate_date__range=(start, end))
        | Q(decision_date__range=(start, end))
    )


def movement_yield(*, actor: Actor, organisation: Organisation, year: int) -> Yield:
    """Candidates found (put into the pool), trained (awareness-course certificate) and
    admitted (admission decision) in `year` among the dossiers of `organisation`'s subtree
    (which the caller has resolved through the actor's scope), by generic channel, by
    movement and by referring mass organisation — with each mass organisation's target for
    the year beside its referred count (= found). Three queries: the channels (their tally,
    or one grouped query, `_channel_counts`), the movements and the bodies; the total is the
    sum of the channels' rows (every dossier has one channel), not a pass of its own."""
    channel_field = candidacy_model()._meta.get_field("source_channel")
    labels = dict(channel_field.choices)
    by_channel = _channel_counts(actor, organisation, year)
    channels = [
        YieldRow(channel, str(labels.get(channel, channel)), found, trained, admitted)
        for channel, (found, trained, admitted) in sorted(
            by_channel.items(), key=lambda item: (-item[1][0], item[0])
        )
    ]
    movements, bodies = _movement_and_body_rows(actor, organisation, year)
    total = YieldRow(
        None,
        "Tổng số",
        sum(row.found for row in channels),
        sum(row.trained for row in channels),
        sum(row.admitted for row in channels),
    )
    return Yield(year, organisation, total, channels, movements, bodies)


@dataclass(frozen=True)
class YieldPanel:
    """What the organisation's dashboard shows of the yield: the first movements (most
    found first) and mass organisations, not the channels nor the total."""

    year: int
    organisation: Organisation
    movements: list[YieldRow]
    mass_organisations: list[YieldRow]


def movement_yield_panel(
    *, actor: Actor, organisation: Organisation, year: int, limit: int
) -> YieldPanel:
    """The first `limit` rows of `movement_yield`'s movements and mass organisations, in
    its order, for the dashboard's panel (which links to the whole yield page): two
    queries, each limited in the database; the channels (a third query) are not read."""
    movements, bodies = _movement_and_body_rows(actor, organisation, year, limit=limit)
    return YieldPanel(year, organisation, movements, bodies)


def _movement_and_body_rows(
    actor: Actor, organisation: Organisation, year: int, limit: int | None = None
) -> tuple[list[YieldRow], list[YieldRow]]:
    """The movements that ran in `year` (most found first, then by name) and the mass
    organisations (by organisation, kind, name) of the subtree, with their counts; the
    first `limit` of each when given — the dashboard's panel, which names them only: their
    other columns and their organisation's are then not read."""
    start, end = year_bounds(year)
    # A movement or a body of the subtree appears even with nothing yet (its zero is news);
    # the movements only when they ran in the year.
    movement_counts = _related_counts(
        "candidacies", start, end, subtree_q(actor, "candidacies__organisation__path")
    )
    running: QuerySet[Any] = (
        movement_policy.visible_to(actor)
        .filter(organiser__path__startswith=organisation.path)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start), starts_on__lte=end)
        .annotate(**movement_counts)
    )
    if limit is None:
        # By name, then (a stable sort) most found first.
        movements = sorted(
            (
                YieldRow(m.pk, m.name, m.found, m.trained, m.admitted, obj=m)
                for m in running.select_related("organiser").order_by("name", "pk")
            ),
            key=lambda row: -row.found,
        )
    else:
        # The same order, sorted in the database so that only the first rows are read.
        movements = [
            YieldRow(m.pk, m.name, m.found, m.trained, m.admitted, obj=m)
            for m in running.only("name").order_by("-found", "name", "pk")[:limit]
        ]
    body_counts = _related_counts(
        "referred_candidacies",
        start,
        end,
        subtree_q(actor, "referred_candidacies__organisation__path"),
    )
    target = MassOrganisationTarget.objects.filter(
        mass_organisation=OuterRef("pk"), year=year
    ).values("referrals")[:1]
    body_rows: QuerySet[Any] = (
        mass_organisation_policy.visible_to(actor)
        .filter(organisation__path__startswith=organisation.path)
        .annotate(**body_counts, target=Subquery(target, output_field=IntegerField()))
        # The id last: a first page cut by LIMIT is then always the same.
        .order_by("organisation__path", "kind", "name", "pk")
    )
    if limit is None:
        body_rows = body_rows.select_related("organisation")
    else:
        body_rows = body_rows.only("name")[:limit]
    bodies = [
        YieldRow(b.pk, b.name, b.found, b.trained, b.admitted, target=b.target, obj=b)
        for b in body_rows
    ]
    return movements, bodies


def _channel_counts(
    actor: Actor, organisation: Organisation, year: int
) -> dict[str, tuple[int, int, int]]:
    """Channel → (found, trained, admitted) in `year` among the dossiers of the subtree the
    actor sees. When the actor's role covers the whole subtree, the dossiers' yield tally
    answers (one row per channel, ptdv.candidacies.tallies, through the "dossier_yield"
    hook: the dossiers lie above this app); otherwise — a subtree seen only in part, or a
    year not tallied — one grouped query over the dossiers."""
    if role_rank_at(actor, organisation.path) >= 1:
        answers: list[dict[str, tuple[int, int, int]]] = []
        hooks.fire("dossier_yield", organisation=organisation, year=year, answers=answers)
        if answers:
            return answers[0]
    start, end = year_bounds(year)
    dossiers = candidacy_model().objects.filter(
        subtree_q(actor, "organisation__path"),
        organisation__path__startswith=organisation.path,
    )
    return {
        row["source_channel"]: (row["found"], row["trained"], row["admitted"])
        for row in dossiers.filter(_in_year(start, end))
        .values("source_channel")
        .annotate(**_counts(start, end))
        .order_by()
    }


def review_figures(actor: Actor, organisation: Any, start: dt.date, end: dt.date) -> list[Any]:
    """The figures of directive tasks 1 and 5 for the review report (ptdv.core.review): the
    movements, forums and clubs that ran in the period and the candidates they and the mass
    organisations brought, in `organisation`'s subtree. Three grouped queries."""
    from ptdv.core.review import ReviewFigure

    running = movement_policy.visible_to(actor).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start),
        organiser__path__startswith=organisation.path,
        starts_on__lte=end,
    )
    by_kind = dict(running.values_list("kind").annotate(n=Count("pk")).order_by())
    dossiers = candidacy_model().objects.filter(
        subtree_q(actor, "organisation__path"),
        organisation__path__startswith=organisation.path,
    )
    period = Q(opened_on__range=(start, end))
    counts = dossiers.aggregate(
        found=Count("pk", filter=period),
        from_movements=Count("pk", filter=period & Q(movement__isnull=False)),
        referred=Count("pk", filter=period & Q(referring_body__isnull=False)),
        admitted_movements=Count(
            "pk",
            filter=Q(decision_date__range=(start, end))
            & (Q(movement__isnull=False) | Q(referring_body__isnull=False)),
        ),
    )
    bodies = mass_organisation_policy.visible_to(actor).filter(
        organisation__path__startswith=organisation.path
    )
    figures = [
        ReviewFigure(
            "Số phong trào, diễn đàn, câu lạc bộ, tổ nhóm hoạt động",
            sum(by_kind.values()),
            "phong trào",
        ),
        ReviewFigure("Trong đó câu lạc bộ", by_kind.get("club", 0), "câu lạc bộ"),
        ReviewFigure("Số đoàn thể tham gia giới thiệu quần chúng", bodies.count(), "đoàn thể"),
        ReviewFigure("Số quần chúng được phát hiện, đưa vào nguồn", counts["found"], "người"),
        ReviewFigure(
            "Trong đó phát hiện qua phong trào, câu lạc bộ", counts["from_movements"], "người"
        ),
        ReviewFigure("Trong đó do đoàn thể giới thiệu", counts["referred"], "người"),
        ReviewFigure(
            "Số được kết nạp từ nguồn phong trào, đoàn thể giới thiệu",
            counts["admitted_movements"],
            "người",
        ),
    ]
    return figures
