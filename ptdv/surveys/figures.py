"""The figures a response is pre-filled with, read from the data in a few grouped queries.

Each figure is a number under a stable key (`FIGURES`, in the order the form, the roll-up and
the export show them). A unit's figures count its *own part* of the tree: the organisations
of its subtree that are not inside a responding unit below it (`parts`).

- members: active party memberships (official, probationary) of the part's cells;
- Youth Union and trade-union members: the people the part manages (`Person.organisation`)
  recorded as such, who are not party members, by age band on the reference date;
- candidates: open dossiers before admission (the pool), by stage and by priority group;
  trained ones: those whose awareness-course certificate (CN-NTVĐ) is recorded;
- localities: the villages and residential groups of the part's communes, those without a
  cell of their own and the "white" ones where no member lives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.measures import PERSON_MEASURES, YOUTH_MAX_AGE, YOUTH_MIN_AGE
from ptdv.candidacies.models import POOL_STAGES, Candidacy, Stage
from ptdv.members.models import ACTIVE_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import Locality, Organisation
from ptdv.people.models import Person
from ptdv.targets.measures import PriorityGroup

# Age bands of the mass-organisation members: (key, label, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, Any, int, int | None], ...] = (
    ("under_18", _("dưới 18 tuổi"), 0, 17),
    ("18_30", _("từ 18 đến 30 tuổi"), 18, 30),
    ("31_45", _("từ 31 đến 45 tuổi"), 31, 45),
    ("over_45", _("trên 45 tuổi"), 46, None),
)

# Which Person measure counts each priority group among the candidates (youth: by age).
_GROUP_MEASURE = {
    PriorityGroup.WOMEN: "women",
    PriorityGroup.ETHNIC_MINORITY: "ethnic_minority",
    PriorityGroup.RELIGIOUS: "religious",
    PriorityGroup.WORKER: "occ_worker",
    PriorityGroup.PUPIL_STUDENT: "occ_pupil_student",
    PriorityGroup.YOUTH_UNION: "youth_union",
}
_MEASURES = {m.name: m for m in PERSON_MEASURES}


def _figure_list() -> list[tuple[str, str, Any]]:
    """(section, key, label) of every figure, in order."""
    rows: list[tuple[str, str, Any]] = [
        ("members", "members", _("Tổng số đảng viên")),
        ("members", "members_official", _("Đảng viên chính thức")),
        ("members", "members_probationary", _("Đảng viên dự bị")),
    ]
    for union, label in (("yu", _("Đoàn viên thanh niên")), ("tu", _("Đoàn viên công đoàn"))):
        rows.append((union, union, label))
        rows += [(union, f"{union}_{band}", band_label) for band, band_label, _lo, _hi in AGE_BANDS]
    rows.append(("candidates", "candidates", _("Tổng số quần chúng trong nguồn")))
    rows += [("stages", f"stage_{stage}", Stage(stage).label) for stage in POOL_STAGES]
    rows += [("groups", f"group_{group}", PriorityGroup(group).label) for group in PriorityGroup]
    rows.append(("candidates", "trained", _("Đã có giấy chứng nhận lớp nhận thức về Đảng")))
    rows += [
        ("localities", "localities", _("Số thôn, tổ dân phố")),
        ("localities", "localities_without_cell", _("Chưa có chi bộ riêng")),
        ("localities", "localities_white", _("Chưa có đảng viên")),
    ]
    return rows


FIGURE_ROWS = _figure_list()
FIGURES: dict[str, Any] = {key: label for _section, key, label in FIGURE_ROWS}
SECTIONS: dict[str, Any] = {
    "members": _("Đảng viên"),
    "yu": _("Đoàn viên thanh niên (chưa là đảng viên), theo độ tuổi"),
    "tu": _("Đoàn viên công đoàn (chưa là đảng viên), theo độ tuổi"),
    "candidates": _("Quần chúng trong nguồn"),
    "stages": _("Quần chúng theo giai đoạn"),
    "groups": _("Quần chúng theo đối tượng"),
    "localities": _("Thôn, tổ dân phố"),
}


def figure_sections(figures: Mapping[str, int]) -> list[dict[str, Any]]:
    """The figures grouped by section, for the templates."""
    out: list[dict[str, Any]] = []
    for section, key, label in FIGURE_ROWS:
        if not out or out[-1]["key"] != section:
            out.append({"key": section, "label": SECTIONS[section], "rows": []})
        out[-1]["rows"].append({"key": key, "label": label, "value": figures.get(key, 0)})
    return out


def parts(root: Organisation, respondent_ids: Iterable[int]) -> dict[int, int]:
    """organisation id -> the responding unit whose part it is, for every active
    organisation of `root`'s subtree inside a responding unit (the nearest one above or
    itself)."""
    respondents = set(respondent_ids)
    rows = list(
        Organisation.objects.filter(path__startswith=root.path, valid_to__isnull=True)
        .order_by("path")
        .values_list("pk", "path")
    )
    by_path: dict[str, int] = {}
    owner: dict[int, int] = {}
    for pk, path in rows:  # parents come before their children (ordered by path)
        if pk in respondents:
            by_path[path] = pk
            owner[pk] = pk
            continue
        for end in range(len(path) - 4, 0, -4):
            found = by_path.get(path[:end])
            if found is not None:
                by_path[path] = found
                owner[pk] = found
                break
    return owner


def _years_ago(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _age_q(prefix: str, on: dt.date, lowest: int, highest: int | None) -> Q:
    """People aged lowest..highest (full years) on `on`."""
    condition = Q(**{f"{prefix}birth_date__lte": _years_ago(on, lowest)})
    if highest is not None:
        condition &= Q(**{f"{prefix}birth_date__gt": _years_ago(on, highest + 1)})
    return condition


def compute_figures(
    root: Organisation, respondent_ids: Iterable[int], on: dt.date
) -> dict[int, dict[str, int]]:
    """respondent id -> its figures on `on` (every key of FIGURES, zeros included)."""
    ids = list(respondent_ids)
    owner = parts(root, ids)
    result: dict[int, dict[str, int]] = {pk: dict.fromkeys(FIGURES, 0) for pk in ids}

    def add(org_id: int, values: Mapping[str, Any]) -> None:
        unit = owner.get(org_id)
        if unit is None:
            return
        target = result[unit]
        for key, value in values.items():
            if key != "organisation_id":
                target[key] += int(value or 0)

    # The subtree by its path prefix (one indexed range, however many organisations it holds);
    # rows of organisations outside every part (inactive ones) are left out by `add`.
    in_tree = {"organisation__path__startswith": root.path}
    members = (
        PartyMembership.objects.filter(**in_tree, status__in=ACTIVE_STATUSES)
        .values("organisation_id")
        .annotate(
            members=Count("pk"),
            members_official=Count("pk", filter=Q(status=MembershipStatus.OFFICIAL)),
            members_probationary=Count("pk", filter=Q(status=MembershipStatus.PROBATIONARY)),
        )
    )
    for member_row in members:
        add(member_row["organisation_id"], member_row)

    is_member = PartyMembership.objects.filter(person_id=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    people = Person.objects.filter(**in_tree).filter(~Exists(is_member))
    for union, field in (("yu", "youth_union_member"), ("tu", "trade_union_member")):
        aggregates: dict[str, Any] = {union: Count("pk")}
        for band, _label, lowest, highest in AGE_BANDS:
            aggregates[f"{union}_{band}"] = Count("pk", filter=_age_q("", on, lowest, highest))
        for row in people.filter(**{field: True}).values("organisation_id").annotate(**aggregates):
            add(row["organisation_id"], row)

    pool: dict[str, Any] = {
        "candidates": Count("pk"),
        "trained": Count("pk", filter=Q(certificate_date__isnull=False)),
    }
    for stage in POOL_STAGES:
        pool[f"stage_{stage}"] = Count("pk", filter=Q(stage=stage))
    for group in PriorityGroup:
        if group == PriorityGroup.YOUTH:
            condition = _age_q("person__", on, YOUTH_MIN_AGE, YOUTH_MAX_AGE)
        elif group == PriorityGroup.NON_STATE_ENTERPRISE:
            condition = _MEASURES["ent_private"].q("person__") | _MEASURES["ent_foreign"].q(
                "person__"
            )
        else:
            condition = _MEASURES[_GROUP_MEASURE[group]].q("person__")
        pool[f"group_{group}"] = Count("pk", filter=condition)
    candidacies = (
        Candidacy.objects.filter(**in_tree, is_open=True, stage__in=POOL_STAGES)
        .values("organisation_id")
        .annotate(**pool)
    )
    for pool_row in candidacies:
        add(pool_row["organisation_id"], pool_row)

    localities = (
        Locality.objects.filter(**in_tree)
        .values("organisation_id")
        .annotate(
            localities=Count("pk"),
            localities_without_cell=Count(
                "pk", filter=Q(cell__isnull=True) | Q(cell_is_shared=True)
            ),
            localities_white=Count("pk", filter=Q(active_members=0)),
        )
    )
    for locality_row in localities:
        add(locality_row["organisation_id"], locality_row)
    return result


def sum_figures(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            if isinstance(value, int):
                total[key] = total.get(key, 0) + value
    return total
