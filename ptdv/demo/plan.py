"""The plan of a province: its tree, localities and how many people each cell should get.

Nothing here touches the database. Paths are assigned exactly as `organisation_create` would
(parent path + `path_step(k)` for the k-th child, `child_seq` left at the number of children),
so organisations created later through the service continue the numbering.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ptdv.core.text import title_sort_key
from ptdv.demo import catalog
from ptdv.demo.catalog import BLOCS, PROFILES, BlocSpec, Profile, UnitSpec
from ptdv.organisations.admin_units import Commune, Province, communes_of
from ptdv.organisations.competence import REFORM_DATE, Competent, competent_for
from ptdv.organisations.models import (
    PATH_STEP,
    AreaFlag,
    Competence,
    CompetenceBasis,
    Kind,
    Locality,
    LocalityKind,
    Organisation,
    Sector,
)
from ptdv.organisations.services import path_step

# The reform that made communes the level directly under the province (REFORM_DATE, QĐ 294):
# from that day a commune's committee is the committee directly above the grassroots
# organisations under it, and its standing committee decides for them.
REFORM_DECISION = ("294-QĐ/TW", "Ban Chấp hành Trung ương Đảng")
COMMUNE_SHARE = 0.76  # of a province's members; the rest are in the blocs
# Typical members of a village cell and of a bloc's unit: the tree grows with the members.
VILLAGE_CELL_SIZE = 60
BLOC_UNIT_SIZE = 85
# Re-admission dossiers per candidate in the pool.
READMISSION_RATE = 0.003


@dataclass
class Area:
    flags: tuple[str, ...] = ()
    religious: bool = False
    minority: bool = False
    coastal: bool = False
    mountainous: bool = False


@dataclass
class CellPlan:
    org: Organisation
    profile: Profile
    workplace: str
    area: Area
    members: float = 0.0
    candidates: float = 0.0
    # Former members back in this cell's pool (kết nạp lại).
    readmissions: int = 0
    # Whether a grassroots committee votes between the cell and the decision (8-KNĐ): not
    # for a grassroots cell, nor under a committee authorised to admit (it decides at once).
    committee_step: bool = True
    # Localities this cell covers (its own, or both of a shared cell).
    localities: list[Locality] = field(default_factory=list)
    # Localities without a cell whose residents belong here, and white ones next to it.
    neighbours: list[Locality] = field(default_factory=list)
    white_neighbours: list[Locality] = field(default_factory=list)
    # Where people of a non-village cell live (the commune's or province's inhabited places).
    residences: Sequence[Locality] = ()
    # Who decides for whom, dated (the province's rows, shared by its cells).
    competences: Sequence[Competence] = ()

    def chain(self) -> list[Organisation]:
        """The cell and its ancestors, nearest first (in memory)."""
        chain = [self.org]
        while chain[-1].parent is not None:
            chain.append(chain[-1].parent)
        return chain

    def chain_competences(self) -> list[Competence]:
        """The rows of `competences` on the cell's chain (read once the tree is written)."""
        cached: list[Competence] | None = getattr(self, "_chain_competences", None)
        if cached is None:
            ids = {o.pk for o in self.chain()}
            cached = [r for r in self.competences if r.subject_id in ids]
            self._chain_competences = cached
        return cached

    def competent_on(self, day: dt.date) -> Competent:
        return competent_for(self.chain(), day, self.chain_competences())

    def committee_step_on(self, day: dt.date | None) -> bool:
        """Whether a grassroots committee votes (8-KNĐ) for this cell's dossiers on `day`:
        before the reform a village cell's commune voted; after it the cell is a grassroots
        cell and the commune's standing committee decides at once."""
        if day is None:
            return self.committee_step
        return self.committee_step and self.competent_on(day).committee_step


@dataclass
class Group:
    """A commune or bloc: the unit people are generated and flushed by."""

    name: str
    cells: list[CellPlan] = field(default_factory=list)


class Tree:
    """Assigns materialised paths exactly as `organisation_create` would."""

    def __init__(self) -> None:
        self.orgs: list[Organisation] = []

    def add(
        self,
        parent: Organisation | None,
        *,
        code: str,
        name: str,
        kind: str,
        sector: str = Sector.OTHER,
        flags: Iterable[str] = (),
        admin_unit_code: str = "",
        abbreviation: str = "",
        authorised_to_admit: bool = False,
        valid_from: dt.date | None = None,
        root_number: int = 1,
    ) -> Organisation:
        if parent is None:
            path = path_step(root_number)
        else:
            parent.child_seq += 1
            path = parent.path + path_step(parent.child_seq)
        org = Organisation(
            parent=parent,
            code=code,
            name=name,
            abbreviation=abbreviation,
            kind=kind,
            sector=sector,
            area_flags=sorted(set(flags)),
            admin_unit_code=admin_unit_code,
            authorised_to_admit=authorised_to_admit,
            valid_from=valid_from,
            path=path,
            depth=len(path) // PATH_STEP,
            child_seq=0,
        )
        self.orgs.append(org)
        return org


def _unit_workplace(name: str) -> str:
    for prefix in ("Chi bộ ", "Đảng bộ "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


class ProvincePlan:
    """The tree, localities and per-cell targets of one province (no database access)."""

    def __init__(
        self,
        *,
        rng: random.Random,
        province: Province,
        members: float,
        pool: float,
        parent: Organisation | None,
        root_number: int = 1,
    ) -> None:
        self.rng = rng
        self.province = province
        self.members = members
        self.pool = pool
        self.tree = Tree()
        self.localities: list[Locality] = []
        self.groups: list[Group] = []
        self.competences: list[Competence] = []
        self.communes = communes_of(province.code)
        is_city = province.kind == "city"
        self.fmt = {
            "unit": "thành phố" if is_city else "tỉnh",
            "place": province.name,
            "committee": "Thành ủy" if is_city else "Tỉnh ủy",
        }
        self.root = self.tree.add(
            parent,
            code=f"P{province.code}",
            name=f"Đảng bộ {self.fmt['unit']} {province.name}",
            kind=Kind.PROVINCE,
            admin_unit_code=province.code,
            root_number=root_number,
        )
        # Localities where members may live (white ones excluded), province-wide and in wards.
        self.inhabited: list[Locality] = []
        self.urban_inhabited: list[Locality] = []
        self.commune_inhabited: list[Locality] = []
        self.commune_flags: dict[str, tuple[str, ...]] = {}
        self._communes()
        self._blocs()
        self._allocate_pool()

    # -- communes ------------------------------------------------------------------------

    def _commune_area(self, commune: Commune) -> tuple[str, ...]:
        if self.province.code == catalog.HA_TINH_CODE:
            return catalog.HA_TINH_AREAS.get(commune.code, ())
        # Elsewhere: plausible shares of each kind of area, drawn per commune.
        rng, flags = self.rng, []
        if commune.kind == "special_zone":
            return (AreaFlag.ISLAND, AreaFlag.COASTAL)
        if rng.random() < 0.28:
            flags.append(AreaFlag.MOUNTAINOUS)
            if rng.random() < 0.25:
                flags.append(AreaFlag.BORDER)
            if rng.random() < 0.35:
                flags.append(AreaFlag.ETHNIC_MINORITY_AREA)
            if rng.random() < 0.15:
                flags.append(AreaFlag.EXTREME_HARDSHIP)
        elif rng.random() < 0.15:
            flags.append(AreaFlag.COASTAL)
        if rng.random() < 0.06:
            flags.append(AreaFlag.RELIGIOUS_AREA)
        return tuple(str(f) for f in flags)

    def _communes(self) -> None:
        rng = self.rng
        weights = []
        for commune in self.communes:
            weight = rng.uniform(0.6, 1.5)
            if commune.kind == "ward":
                weight *= 1.25
            elif commune.kind == "special_zone":
                weight *= 0.4
            weights.append(weight)
        total = sum(weights) or 1.0
        commune_members = self.members * COMMUNE_SHARE
        for commune, weight in zip(self.communes, weights, strict=True):
            self._commune(commune, commune_members * weight / total)

    def _commune(self, commune: Commune, members: float) -> None:
        level = {"commune": "xã", "ward": "phường", "special_zone": "đặc khu"}[commune.kind]
        flags = self._commune_area(commune)
        self.commune_flags[commune.code] = flags
        urban = commune.kind == "ward"
        org = self.tree.add(
            self.root,
            code=f"X{commune.code}",
            name=f"Đảng bộ {level} {commune.name}",
            kind=Kind.COMMUNE,
            sector=Sector.URBAN_WARD if urban else Sector.RURAL_COMMUNE,
            flags=flags,
            admin_unit_code=commune.code,
            valid_from=REFORM_DATE,
        )
        number, body = REFORM_DECISION
        self.competences.append(
            Competence(
                subject=org,
                decider=org,
                basis=CompetenceBasis.ABOVE,
                valid_from=REFORM_DATE,
                decision_number=number,
                issuing_body=body,
                note="Đảng bộ xã, phường, đặc khu là cấp trên trực tiếp của tổ chức cơ sở đảng.",
            )
        )
        area = Area(
            flags=flags,
            coastal=AreaFlag.COASTAL in flags,
            mountainous=AreaFlag.MOUNTAINOUS in flags,
        )
        group = Group(name=org.name)
        fmt = {**self.fmt, "level": level, "commune": commune.name}
        institutions = self._commune_institutions(org, group, area, fmt, members, urban)
        village_members = max(members - institutions, members * 0.3)
        self._villages(org, group, area, commune, village_members, urban)
        for cell in group.cells:
            if not cell.residences:
                cell.residences = self.commune_inhabited
        self.groups.append(group)

    def _add_cell(
        self,
        group: Group,
        parent: Organisation,
        *,
        name: str,
        kind: str,
        sector: str,
        profile: str,
        area: Area,
        members: float,
        workplace: str | None = None,
        flags: Iterable[str] = (),
        under_authorised: bool = False,
    ) -> CellPlan:
        org = self.tree.add(
            parent,
            code=f"{parent.code}-{parent.child_seq + 1:03d}",
            name=name,
            kind=kind,
            sector=sector,
            flags=(*area.flags, *flags),
        )
        plan = CellPlan(
            org=org,
            profile=PROFILES[profile],
            workplace=_unit_workplace(name) if workplace is None else workplace,
            area=area,
            members=members,
            committee_step=kind == Kind.CELL and not under_authorised,
            competences=self.competences,
        )
        group.cells.append(plan)
        return plan

    def _committee(
        self,
        group: Group,
        parent: Organisation,
        spec: UnitSpec,
        area: Area,
        members: float,
        fmt: dict[str, str],
    ) -> None:
        """A grassroots committee (or grassroots cell) with its cells and partial committees."""
        name = spec.name.format(**fmt)
        if spec.kind == Kind.GRASSROOTS_CELL:
            self._add_cell(
                group, parent, name=name, kind=spec.kind, sector=spec.sector,
                profile=spec.profile, area=area, members=members, flags=spec.area_flags,
            )  # fmt: skip
            return
        committee = self.tree.add(
            parent,
            code=f"{parent.code}-{parent.child_seq + 1:03d}",
            name=name,
            kind=Kind.GRASSROOTS_COMMITTEE,
            sector=spec.sector,
            flags=(*area.flags, *spec.area_flags),
            authorised_to_admit=spec.authorised_to_admit,
        )
        workplace = _unit_workplace(name)
        slots: list[tuple[Organisation, str]] = [(committee, cell) for cell in spec.cells]
        for partial_name, cells in spec.partial:
            partial = self.tree.add(
                committee,
                code=f"{committee.code}-{committee.child_seq + 1:03d}",
                name=partial_name,
                kind=Kind.PARTIAL_COMMITTEE,
                sector=spec.sector,
                flags=(*area.flags, *spec.area_flags),
            )
            slots.extend((partial, cell) for cell in cells)
        weights = [self.rng.uniform(0.7, 1.3) for _ in slots]
        total = sum(weights)
        for (cell_parent, cell_name), weight in zip(slots, weights, strict=True):
            self._add_cell(
                group, cell_parent, name=cell_name, kind=Kind.CELL, sector=spec.sector,
                profile=spec.profile, area=area, members=members * weight / total,
                workplace=workplace, flags=spec.area_flags,
                under_authorised=spec.authorised_to_admit,
            )  # fmt: skip

    def _commune_institutions(
        self,
        org: Organisation,
        group: Group,
        area: Area,
        fmt: dict[str, str],
        members: float,
        urban: bool,
    ) -> float:
        """Agencies, police, military, health, schools and enterprises of a commune.

        Returns the members they take; the villages get the rest.
        """
        rng = self.rng
        used = 0.0
        for template, sector, profile, share, smallest in catalog.COMMUNE_INSTITUTIONS:
            if members < smallest:
                continue
            size = members * share * rng.uniform(0.7, 1.3)
            self._add_cell(
                group, org, name=template.format(**fmt), kind=Kind.CELL, sector=sector,
                profile=profile, area=area, members=size,
            )  # fmt: skip
            used += size
        if members >= 150:
            school_sets = max(1, round(members / 650))
            places = [fmt["commune"], *self._syllable_names(school_sets - 1)]
            for place in places:
                for school, share in zip(catalog.SCHOOL_KINDS, (0.008, 0.012, 0.013), strict=True):
                    size = members * share * rng.uniform(0.7, 1.3)
                    self._add_cell(
                        group, org, name=f"Chi bộ {school} {place}", kind=Kind.CELL,
                        sector=Sector.EDUCATION, profile="school", area=area, members=size,
                    )  # fmt: skip
                    used += size
        if members >= 800 and rng.random() < 0.15:
            size = members * 0.05
            spec = UnitSpec(
                f"Đảng bộ Trung tâm Y tế khu vực {fmt['commune']}",
                Kind.GRASSROOTS_COMMITTEE, Sector.HEALTH, "health",
                cells=catalog.HEALTH_CENTRE_CELLS[: rng.randint(2, 4)],
                authorised_to_admit=rng.random() < 0.3,
            )  # fmt: skip
            self._committee(group, org, spec, area, size, fmt)
            used += size
        enterprises = 0
        if members >= 200:
            enterprises = rng.randint(1, 3) if urban else int(rng.random() < 0.3)
        for _ in range(enterprises):
            size = members * 0.012 * rng.uniform(0.6, 1.6)
            self._add_cell(
                group, org, name=f"Chi bộ {self._enterprise_name()}",
                kind=Kind.GRASSROOTS_CELL, sector=Sector.NON_STATE_ENTERPRISE,
                profile="private_enterprise", area=area, members=size,
            )  # fmt: skip
            used += size
        if urban and members >= 800 and rng.random() < 0.3:
            size = members * 0.04
            spec = UnitSpec(
                f"Đảng bộ {self._enterprise_name()}",
                Kind.GRASSROOTS_COMMITTEE, Sector.NON_STATE_ENTERPRISE, "private_enterprise",
                cells=catalog.FACTORY_CELLS[: rng.randint(2, 4)],
            )  # fmt: skip
            self._committee(group, org, spec, area, size, fmt)
            used += size
        return used

    def _syllable_names(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            first, second = self.rng.sample(catalog.VILLAGE_SYLLABLES, 2)
            name = f"{first} {second}"
            if name not in names:
                names.append(name)
        return names

    def _enterprise_name(self) -> str:
        rng = self.rng
        first, second = rng.sample(catalog.VILLAGE_SYLLABLES, 2)
        return (
            f"{rng.choice(catalog.ENTERPRISE_FORMS)} {rng.choice(catalog.ENTERPRISE_TRADES)}"
            f" {first} {second}"
        )

    def _villages(
        self,
        org: Organisation,
        group: Group,
        area: Area,
        commune: Commune,
        members: float,
        urban: bool,
    ) -> None:
        rng = self.rng
        count = max(2, round(members / VILLAGE_CELL_SIZE * rng.uniform(0.9, 1.2)))
        numbered = urban or rng.random() < 0.3
        names = [str(n) for n in range(1, count + 1)] if numbered else self._syllable_names(count)
        kind = LocalityKind.RESIDENTIAL_GROUP if urban else LocalityKind.VILLAGE
        word = "tổ dân phố" if urban else "thôn"
        parishes = AreaFlag.RELIGIOUS_AREA in area.flags
        minority = AreaFlag.ETHNIC_MINORITY_AREA in area.flags
        hamlets = list(catalog.HAMLET_NAMES)
        cells: list[CellPlan] = []
        inhabited: list[Locality] = []
        for number, name in enumerate(names, start=1):
            loc_kind, loc_word, loc_name = kind, word, name
            loc_area = Area(flags=area.flags, coastal=area.coastal, mountainous=area.mountainous)
            loc_flags = [
                f for f in area.flags if f not in ("religious_area", "ethnic_minority_area")
            ]
            if parishes and rng.random() < 0.4:
                loc_flags.append(AreaFlag.RELIGIOUS_AREA)
                loc_area.religious = True
            if minority and hamlets and rng.random() < 0.3:
                loc_kind, loc_word, loc_name = LocalityKind.HAMLET, "bản", hamlets.pop(0)
                loc_flags.append(AreaFlag.ETHNIC_MINORITY_AREA)
                loc_area.minority = True
            loc_area.flags = tuple(sorted(set(map(str, loc_flags))))
            locality = Locality(
                code=f"L{commune.code}{number:03d}",
                name=f"{loc_word.capitalize()} {loc_name}",
                sort_key=title_sort_key(f"{loc_word.capitalize()} {loc_name}"),
                kind=loc_kind,
                organisation=org,
                area_flags=list(loc_area.flags),
            )
            self.localities.append(locality)
            draw = rng.random()
            if cells and draw < 0.03:
                # A white locality: nobody living there is a party member (yet).
                cells[-1].white_neighbours.append(locality)
                continue
            inhabited.append(locality)
            if cells and draw < 0.09:
                cells[-1].neighbours.append(locality)
            elif cells and draw < 0.17 and len(cells[-1].localities) == 1:
                shared = cells[-1]
                first = shared.localities[0]
                first.cell_is_shared = True
                locality.cell = shared.org
                locality.cell_is_shared = True
                shared.localities.append(locality)
                shared.org.name = f"{shared.org.name} – {loc_word} {loc_name}"
                shared.members += members / count
            else:
                cell = self._add_cell(
                    group, org, name=f"Chi bộ {loc_word} {loc_name}", kind=Kind.CELL,
                    sector=Sector.URBAN_WARD if urban else Sector.RURAL_COMMUNE,
                    profile="urban" if urban else "village", area=loc_area,
                    members=members / count * rng.uniform(0.6, 1.4), workplace="",
                )  # fmt: skip
                locality.cell = cell.org
                cell.localities.append(locality)
                cells.append(cell)
        # Rescale so the villages hold `members` whatever the random sizes came to.
        total = sum(c.members for c in cells) or 1.0
        for cell in cells:
            cell.members *= members / total
            cell.residences = [*cell.localities, *cell.neighbours]
        self.commune_inhabited = inhabited
        self.inhabited.extend(inhabited)
        if urban:
            self.urban_inhabited.extend(inhabited)

    # -- blocs ---------------------------------------------------------------------------

    def _blocs(self) -> None:
        total_share = sum(b.share for b in BLOCS)
        bloc_members = self.members * (1 - COMMUNE_SHARE)
        for number, spec in enumerate(BLOCS, start=1):
            self._bloc(number, spec, bloc_members * spec.share / total_share)

    def _bloc(self, number: int, spec: BlocSpec, members: float) -> None:
        rng = self.rng
        org = self.tree.add(
            self.root,
            code=f"P{self.province.code}-K{number:02d}",
            name=spec.name.format(**self.fmt),
            kind=Kind.BLOC,
            sector=spec.sector,
            flags=spec.area_flags,
            abbreviation=spec.abbreviation,
        )
        area = Area(flags=tuple(map(str, spec.area_flags)))
        group = Group(name=org.name)
        units: list[tuple[UnitSpec, float]] = []
        capacity = 0.0
        for unit in spec.units:
            if capacity >= members:
                break
            weight = unit.weight * rng.uniform(0.8, 1.2)
            units.append((unit, weight))
            capacity += weight * BLOC_UNIT_SIZE
        index = 0
        while capacity < members:
            unit = self._repeat_unit(spec, index)
            weight = unit.weight * rng.uniform(0.6, 1.6)
            units.append((unit, weight))
            capacity += weight * BLOC_UNIT_SIZE
            index += 1
        total = sum(w for _u, w in units) or 1.0
        for unit, weight in units:
            self._committee(group, org, unit, area, members * weight / total, self.fmt)
        # Staff of provincial bodies live in the wards (the provincial capital area), or in
        # the localities of other provinces, which are not in this database.
        for cell in group.cells:
            cell.residences = self.urban_inhabited or self.inhabited
        self.groups.append(group)

    def _repeat_unit(self, spec: BlocSpec, index: int) -> UnitSpec:
        """The `index`-th unit added to a bloc bigger than its named units."""
        rng, kind = self.rng, spec.repeat
        if kind == "upper_school":
            patrons = catalog.SCHOOL_PATRONS
            place = patrons[index] if index < len(patrons) else self._commune_name(index)
            return UnitSpec(f"Chi bộ Trường THPT {place}", Kind.GRASSROOTS_CELL,
                            Sector.EDUCATION, "upper_school")  # fmt: skip
        if kind == "police_unit":
            units = catalog.POLICE_UNITS
            name = units[index] if index < len(units) else (
                f"Đội Cảnh sát phản ứng nhanh số {index - len(units) + 1}"
            )  # fmt: skip
            return UnitSpec(f"Chi bộ {name}", Kind.GRASSROOTS_CELL, Sector.POLICE, "police")
        if kind == "defence_zone":
            return UnitSpec(
                f"Chi bộ Ban Chỉ huy Phòng thủ khu vực {index + 1} – {self._commune_name(index)}",
                Kind.GRASSROOTS_CELL, Sector.ARMED_FORCES, "military",
            )  # fmt: skip
        if kind == "border_post":
            posts = [
                c for c in self.communes
                if {"border", "coastal"} & set(self.commune_flags.get(c.code, ()))
            ] or list(self.communes)  # fmt: skip
            return UnitSpec(
                f"Chi bộ Đồn Biên phòng {posts[index % len(posts)].name}"
                + (f" {index // len(posts) + 1}" if index >= len(posts) else ""),
                Kind.GRASSROOTS_CELL, Sector.ARMED_FORCES, "military",
            )  # fmt: skip
        if kind == "fdi_enterprise":
            names = catalog.FDI_NAMES
            base = names[index % len(names)]
            suffix = f" {index // len(names) + 1}" if index >= len(names) else ""
            name = f"Công ty TNHH {base}{suffix} Việt Nam"
            if index % 3 == 0:
                return UnitSpec(f"Đảng bộ {name}", Kind.GRASSROOTS_COMMITTEE,
                                Sector.FDI_ENTERPRISE, "fdi_enterprise", 2.5,
                                cells=catalog.FDI_CELLS[: rng.randint(2, 4)],
                                authorised_to_admit=rng.random() < 0.3)  # fmt: skip
            return UnitSpec(f"Chi bộ {name}", Kind.GRASSROOTS_CELL, Sector.FDI_ENTERPRISE,
                            "fdi_enterprise")  # fmt: skip
        if kind != "private_enterprise":
            # Blocs without a pattern of their own (only reached at the biggest scales).
            first = spec.units[0]
            return UnitSpec(f"Chi bộ Đơn vị trực thuộc số {index + 1}", Kind.GRASSROOTS_CELL,
                            first.sector, first.profile)  # fmt: skip
        name = self._enterprise_name()
        if index % 5 == 0:
            return UnitSpec(f"Đảng bộ {name}", Kind.GRASSROOTS_COMMITTEE,
                            Sector.NON_STATE_ENTERPRISE, "private_enterprise", 2.0,
                            cells=catalog.FACTORY_CELLS[: rng.randint(2, 4)],
                            authorised_to_admit=rng.random() < 0.2)  # fmt: skip
        return UnitSpec(f"Chi bộ {name}", Kind.GRASSROOTS_CELL, Sector.NON_STATE_ENTERPRISE,
                        "private_enterprise")  # fmt: skip

    def _commune_name(self, index: int) -> str:
        return self.communes[(index * 7) % len(self.communes)].name

    # -- candidates ----------------------------------------------------------------------

    def _allocate_pool(self) -> None:
        cells = [cell for group in self.groups for cell in group.cells]
        weights = [cell.members * cell.profile.candidate_factor for cell in cells]
        total = sum(weights) or 1.0
        for cell, weight in zip(cells, weights, strict=True):
            cell.candidates = self.pool * weight / total
        # A few re-admissions per province, at least one so every demo shows the case.
        if cells:
            count = max(1, round(self.pool * READMISSION_RATE))
            for cell in self.rng.choices(cells, weights=[c.members + 1e-9 for c in cells], k=count):
                cell.readmissions += 1
