"""Reads of candidacies, scoped by the access policy; lists keep a fixed query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from ptdv.accounts.models import ROLE_RANK
from ptdv.candidacies.actions import SPECS, ActionSpec, DossierAction
from ptdv.candidacies.actions.record import COMMITTEE_CHECKED, stage_refusals
from ptdv.candidacies.models import (
    Candidacy,
    CandidacyEvent,
    CandidacySearch,
    Consent,
    Introducer,
    Stage,
)
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.search import (
    SORT_MATCHES_UP_TO,
    candidacy_name_filter,
    name_order_of_matches,
)
from ptdv.core.policies import REQUIRED_ROLE, Actor, subtree_q
from ptdv.core.presence import has_related, has_reverse
from ptdv.core.search import person_search_filter as person_search_filter
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.organisations.competence import Competent, competence_rows, competent_for
from ptdv.organisations.models import (
    CELL_KINDS,
    PATH_STEP,
    Competence,
    Organisation,
    commune_level_unit,
)
from ptdv.people.models import Person, full_name
from ptdv.people.policies import person_policy


def candidacy_list(
    *,
    actor: Actor,
    filters: dict[str, Any] | None = None,
    helper: bool = True,
    fields: Sequence[str] = (),
) -> QuerySet[Candidacy]:
    """Open and closed candidacies the user may see, in Vietnamese name order.

    Filters: `organisation` (an Organisation: its whole subtree), `stage`, `target_group`,
    `sector` and `area_flag` (of the dossier's cell), `search` (accent-insensitive name
    tokens), `open` (bool), `due` (overdue | 30d). Each dossier comes with its person and
    organisation, and with its helper and the helper's person unless `helper` is False (a
    reader that needs no more than the helper's id: two fewer rows to build per dossier).
    `fields`: the only columns a reader shows (`.only()`, relations included), so that a page
    of rows does not read and decode the JSON and timestamps it never shows.

    The scope, the subtree and the name are read from the candidacies' search entries
    (`CandidacySearch`: path, folded name, sort key), which also give the name order; when
    no other filter is asked, the returned queryset carries `count_source` (the same rows on
    the narrow table) and `id_source` (a callable giving their ids in name order there), so
    that ptdv.core.api's paginators count and page on the narrow table alone.
    """
    filters = filters or {}
    organisation: Organisation | None = filters.get("organisation")
    search = str(filters.get("search") or "")

    def on_entries(queryset: QuerySet[Any], prefix: str) -> QuerySet[Any]:
        """Scope, subtree and name, on the search entry `prefix` leads to."""
        queryset = queryset.filter(subtree_q(actor, f"{prefix}path"))
        if organisation is not None:
            queryset = queryset.filter(**{f"{prefix}path__startswith": organisation.path})
        return candidacy_name_filter(queryset, search, prefix=prefix) if search else queryset

    entries = on_entries(CandidacySearch.objects.all(), "")
    qs = on_entries(Candidacy.objects.all(), "search_entry__").select_related(
        "person", "organisation", *(["helper__person"] if helper else [])
    )
    qs = qs.only(*fields) if fields else qs
    narrow = True
    if filters.get("stage"):
        qs, narrow = qs.filter(stage=filters["stage"]), False
    if filters.get("open") is not None:
        qs, narrow = qs.filter(is_open=filters["open"]), False
    if filters.get("sector"):
        qs, narrow = qs.filter(organisation__sector=filters["sector"]), False
    if filters.get("area_flag"):
        qs = qs.filter(organisation__area_flags__icontains=f'"{filters["area_flag"]}"')
        narrow = False
    if filters.get("target_group"):
        # JSON containment is not portable to SQLite; the stored list is sorted codes in a
        # JSON array, so the quoted code is a safe substring.
        qs = qs.filter(person__target_groups__icontains=f'"{filters["target_group"]}"')
        narrow = False
    due = filters.get("due")
    if due:
        today = timezone.localdate()
        qs = qs.filter(is_open=True)
        if due == "overdue":
            return qs.filter(next_due__lt=today).order_by("next_due", "id")
        return qs.filter(next_due__gte=today, next_due__lte=today + dt.timedelta(days=30)).order_by(
            "next_due", "id"
        )
    qs = qs.order_by("search_entry__sort_key", "id")
    if narrow:

        def page_ids(count: int | None = None) -> QuerySet[Any]:
            """The list's ids in name order on the entries (asked only when a page is read:
            choosing the plan costs a count, see ptdv/candidacies/search.py, unless the
            paginator passes the `count` of these same entries it has made already)."""
            order: Any = "sort_key"
            if search:
                if count is None:
                    count = entries[:SORT_MATCHES_UP_TO].count()
                if count < SORT_MATCHES_UP_TO:
                    order = name_order_of_matches("sort_key")
            return entries.order_by(order, "candidacy_id").values_list("candidacy_id", flat=True)

        qs.count_source = entries  # type: ignore[attr-defined]
        qs.id_source = page_ids  # type: ignore[attr-defined]
    return qs


def acting_body(action: str, competent: Competent) -> Organisation:
    """Who must act for a dossier's next action: the grassroots committee for its vote, the
    competent body for a decision (as the tree's competence stands), else the cell."""
    if action == DossierAction.COMMITTEE_VOTE:
        return competent.grassroots
    if action in (DossierAction.ADMISSION_DECISION, DossierAction.RECOGNITION_DECISION):
        return competent.decider
    return competent.cell


def candidacy_attach_escalations(candidacies: list[Candidacy]) -> list[Candidacy]:
    """Set `escalated_to` on each overdue candidacy of a page: the organisation one level
    above the body that had to act (docs/workflow.md: "overdue items escalate one level up
    the tree"), with two queries."""
    today = timezone.localdate()
    overdue = [c for c in candidacies if c.is_open and c.next_due and c.next_due < today]
    for candidacy in candidacies:
        candidacy.escalated_to = None  # type: ignore[attr-defined]
    if not overdue:
        return candidacies
    paths = {p for c in overdue for p in c.organisation.ancestor_paths}
    found = {o.path: o for o in Organisation.objects.filter(path__in=paths)}
    rows = competence_rows(found.values())
    for candidacy in overdue:
        chain = [found[p] for p in reversed(candidacy.organisation.ancestor_paths) if p in found]
        body = acting_body(candidacy.next_action, competent_for(chain, today, rows))
        above = body.path[:-PATH_STEP] if len(body.path) > PATH_STEP else body.path
        candidacy.escalated_to = found.get(above)  # type: ignore[attr-defined]
    return candidacies


def candidacy_helper_choices(
    *, actor: Actor, organisation: Organisation | Iterable[Organisation]
) -> QuerySet[PartyMembership]:
    """Official members of `organisation` (or of any of several cells: a transfer's
    targets) who may be assigned to help a candidate there."""
    cells = (
        PartyMembership.objects.filter(organisation=organisation)
        if isinstance(organisation, Organisation)
        else PartyMembership.objects.filter(organisation__in=organisation)
    )
    return membership_policy.visible_to(
        actor,
        cells.filter(status=MembershipStatus.OFFICIAL).select_related("person", "organisation"),
    ).order_by("person__sort_key", "id")


def candidacy_leader_choices(*, actor: Actor, organisation: Organisation) -> QuerySet[Person]:
    """The people a clerk may name responsible for nurturing a candidate of the cell: its
    official members (the cell's committee and secretary among them). The API accepts any
    person in the user's scope."""
    return person_policy.visible_to(
        actor,
        Person.objects.filter(
            memberships__organisation=organisation,
            memberships__status=MembershipStatus.OFFICIAL,
        ),
    ).order_by("sort_key", "id")


def candidacy_amendable_events(*, candidacy: Candidacy) -> QuerySet[CandidacyEvent]:
    """The steps whose recorded facts an amendment may correct (those not void)."""
    return (
        CandidacyEvent.objects.effective()
        .filter(candidacy=candidacy)
        .exclude(action=DossierAction.AMEND)
        .order_by("on", "id")
    )


def candidacy_detail_queryset() -> QuerySet[Candidacy]:
    """What a candidacy page shows, joined in one query (scope it with the policy)."""
    return Candidacy.objects.select_related(
        "person", "organisation", "helper__person", "responsible_leader"
    )


def candidacy_page_queryset() -> QuerySet[Candidacy]:
    """What the dossier page (`candidacy_detail_view`) shows, in one query (scope it with the
    policy): `candidacy_detail_queryset` less the rows of the helper, the helper's person and
    the responsible leader, of whom the page shows the names only, given as `helper_*` and
    `leader_*` (`family_name`, `middle_name`, `given_name`; None when not assigned). Three
    joined models' columns were the larger part of building the page's costliest query.

    With whether the dossier has any introducer (`has_introducers`), consent
    (`has_consents`), exemplar (`has_exemplars`) or attachment (`has_attachments`) at all
    (ptdv.core.presence): most have none of some (no introducer before the application, a
    consent only in the cases that need one, few exemplars, no scan before the first
    signed step), and the page skips reading those then. The last two are the exemplars'
    and the documents' apps' rows, named by the relations the page's template reads."""
    return Candidacy.objects.select_related("person", "organisation").annotate(
        has_introducers=has_related(Introducer, "candidacy"),
        has_consents=has_related(Consent, "candidacy"),
        has_exemplars=has_reverse(Candidacy, "exemplars"),
        has_attachments=has_reverse(Candidacy, "attachments"),
        helper_family_name=F("helper__person__family_name"),
        helper_middle_name=F("helper__person__middle_name"),
        helper_given_name=F("helper__person__given_name"),
        leader_family_name=F("responsible_leader__family_name"),
        leader_middle_name=F("responsible_leader__middle_name"),
        leader_given_name=F("responsible_leader__given_name"),
    )


def candidacy_events(*, candidacy: Candidacy) -> QuerySet[CandidacyEvent]:
    """The dossier's timeline, oldest first (the void ones too, shown struck through), with
    what names who recorded each step and who voided it: `actor_full_name` and
    `actor_username`, `voided_by_full_name` and `voided_by_username` (a user reads as the
    full name, else the username). Not the users' rows: their every column, for two names,
    made this one of the page's costliest queries to build."""
    return candidacy.events.annotate(
        actor_full_name=F("actor__full_name"),
        actor_username=F("actor__username"),
        voided_by_full_name=F("voided_by__full_name"),
        voided_by_username=F("voided_by__username"),
    ).order_by("on", "id")


def candidacy_introducers(*, candidacy: Candidacy) -> QuerySet[Introducer]:
    """All of them (the withdrawn too), with each member's name and status: what the dossier
    page shows and the engine and the list of forms (ptdv.documents.dossier, which reads the
    same rows on the page) ask. Not the member's organisation nor their other columns, which
    only a printed form shows: building the query with them took longer than reading it."""
    return (
        candidacy.introducers.select_related("membership__person")
        .only(
            "candidacy",
            "kind",
            "months_together",
            "replacement",
            "declared_official",
            "date",
            "withdrawn",
            "membership__status",
            # What `Person.full_name` reads.
            "membership__person__family_name",
            "membership__person__middle_name",
            "membership__person__given_name",
        )
        .order_by("date", "id")
    )


def candidacy_consents(*, candidacy: Candidacy) -> QuerySet[Consent]:
    return candidacy.consents.order_by("date", "id")


def candidacy_available_actions(
    *,
    actor: Actor,
    candidacy: Candidacy,
    ancestors: list[Organisation] | None = None,
    competences: list[Competence] | None = None,
) -> list[ActionSpec]:
    """The actions `actor` may take on the dossier now, in the order of the transition table.

    An action is offered when the stage is one of its sources and the user's role allows it;
    the committee step appears only where a grassroots committee must vote (and the decision
    from `branch_resolved` only where it need not), the recognition decision only after the
    cell's recognition resolution — the same conditions `candidacy_act` enforces.

    `ancestors` (the cell first) and their `competences`, when the page has read them
    already for the dossier's next action, are not read again; the competences are read
    only at a stage where a step that asks who decides could be offered.
    """
    if ancestors is None:
        ancestors = sorted(
            Organisation.objects.filter(path__in=candidacy.organisation.ancestor_paths),
            key=lambda o: -len(o.path),
        )
    stage = Stage(candidacy.stage)
    if competences is None and any(stage in SPECS[a].sources for a in COMMITTEE_CHECKED):
        competences = competence_rows(ancestors)
    offered = []
    for spec in SPECS.values():
        if stage_refusals(spec, candidacy, ancestors, None, competences):
            continue
        if not candidacy_policy.can(actor, spec.permission, candidacy):
            continue
        offered.append(spec)
    return offered


def candidacy_introducer_choices(
    *, actor: Actor, candidacy: Candidacy
) -> QuerySet[PartyMembership]:
    """Members of the dossier's cell (official or probationary) who may be named as its
    introducer; whether they qualify is the rule engine's call at the branch vote."""
    return (
        membership_policy.visible_to(
            actor,
            PartyMembership.objects.filter(
                organisation=candidacy.organisation, status__in=ACTIVE_STATUSES
            ),
        )
        .exclude(person=candidacy.person_id)
        .select_related("person")
        .order_by("person__sort_key", "id")
    )


def candidacy_transfer_choices(*, actor: Actor, candidacy: Candidacy) -> QuerySet[Organisation]:
    """The lawful targets of a transfer, exactly what `candidacy_act` accepts: active cells
    where the user holds the role the action needs, inside the dossier's commune-level unit,
    other than the dossier's own."""
    lineage = list(Organisation.objects.filter(path__in=candidacy.organisation.ancestor_paths))
    unit = commune_level_unit(lineage)
    rank = ROLE_RANK[REQUIRED_ROLE[SPECS[DossierAction.TRANSFER].permission]]
    queryset = Organisation.objects.filter(
        subtree_q(actor, "path", min_rank=rank), kind__in=CELL_KINDS, valid_to__isnull=True
    )
    if unit is not None:
        queryset = queryset.filter(path__startswith=unit.path)
    return queryset.exclude(pk=candidacy.organisation_id).select_related("parent").order_by("path")


_STAGE_LABELS = dict(Stage.choices)  # lazy labels: translated when shown


def person_candidacies(*, actor: Actor, person: Person) -> list[dict[str, Any]]:
    """The person's candidacies the user may see, newest first, as the person page lists
    them: plain rows of what it shows (`pk`, `url`, `stage_label`, `is_readmission`,
    `opened_on`, `is_open`, `closed_on`, `organisation_name`, `helper_name`: empty when no
    helper is assigned). Read as values: building model instances through three joins, for
    the names of two of them, cost more than reading the rows."""
    rows = (
        candidacy_policy.visible_to(actor, Candidacy.objects.filter(person=person))
        .values(
            "pk",
            "stage",
            "is_readmission",
            "opened_on",
            "is_open",
            "closed_on",
            "helper_id",
            organisation_name=F("organisation__name"),
            helper_family_name=F("helper__person__family_name"),
            helper_middle_name=F("helper__person__middle_name"),
            helper_given_name=F("helper__person__given_name"),
        )
        .order_by("-opened_on", "-id")
    )
    return [
        {
            **row,
            "url": reverse("candidacies:detail", args=[row["pk"]]),
            # As `get_stage_display()` reads it.
            "stage_label": str(_STAGE_LABELS.get(row["stage"], row["stage"])),
            "helper_name": full_name(
                row["helper_family_name"], row["helper_middle_name"], row["helper_given_name"]
            )
            if row["helper_id"]
            else "",
        }
        for row in rows
    ]
