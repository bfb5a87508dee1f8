"""The small world the access matrix walks (see `access_matrix`).

A province `P` with a provincial bloc `BL` (one cell `PC` under it), two communes `XA` and
`XB`, each with a grassroots committee and two cells (`A1`, `A2`, `B1`, `B2`), and a
grassroots cell `AG` directly under commune A. Every kind of object a URL or a console
option can name exists at five *sites*:

    a1    inside cell A1 (the own subtree of every matrix user)
    a2    cell A2        (the sibling of a cell A1 user; inside for commune A and above)
    b1    cell B1        (the sibling subtree of a commune A user)
    up_a  at commune A's level, outside cell A1 (the parent of a cell A1 user):
          commune A itself for organisation-level objects, cell AG for dossier-level ones
    up_p  at the province's level, outside commune A (the parent of a commune A user):
          the province itself for organisation-level objects, cell PC for dossier-level ones

Matrix users hold one role each (viewer, clerk, approver, administrator) at one level
(province `P`, commune `XA`, cell `A1`). For a user, the *positions* are:

    own     -> site a1
    sibling -> a2 for a cell A1 user, b1 for a commune A user (none for the province)
    parent  -> up_a for a cell A1 user, up_p for a commune A user (none for the province)

Every site carries names that appear nowhere else (people, localities, cells), so a page, a
JSON list or an exported workbook can be searched for anything outside the user's reach.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from ptdv.accounts.models import ApiToken, Assignment, Role, User
from ptdv.accounts.tokens import api_token_issue
from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy, CandidacyEvent, Stage
from ptdv.candidacies.workflow import candidacy_act
from ptdv.documents.models import Attachment, DocumentNumber, Relation, Relative, Signer
from ptdv.documents.services import (
    RelativeData,
    attachment_create,
    document_number_reserve,
    relative_create,
    signer_create,
)
from ptdv.documents.storage import private_storage
from ptdv.exchange.models import ImportJob
from ptdv.factories import (
    CandidacyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Kind, Locality, Organisation
from ptdv.organisations.services import locality_save
from ptdv.people.models import Person
from ptdv.targets.models import MemberSnapshot, PlanAssignment, Target, Term
from ptdv.targets.services import plan_assign, snapshot_take, target_set, term_create

SITES = ("a1", "a2", "b1", "up_a", "up_p")
LEVELS = ("province", "commune", "cell")
ROLES = (Role.VIEWER, Role.CLERK, Role.APPROVER, Role.ADMINISTRATOR)
POSITIONS = {
    "province": {"own": "a1"},
    "commune": {"own": "a1", "sibling": "b1", "parent": "up_p"},
    "cell": {"own": "a1", "sibling": "a2", "parent": "up_a"},
}
# The sites inside each level's subtree.
INSIDE = {
    "province": set(SITES),
    "commune": {"a1", "a2", "up_a"},
    "cell": {"a1"},
}
YEAR = 2025
TODAY = dt.date(2025, 10, 1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Given names that occur once in the world, one per site (markers of a leak).
GIVEN = {"a1": "Khánh", "a2": "Lộc", "b1": "Mẫn", "up_a": "Nhàn", "up_p": "Oanh"}
HELPER_GIVEN = {"a1": "Phúc", "a2": "Quế", "b1": "Sương", "up_a": "Thắm", "up_p": "Uyên"}


@dataclass
class World:
    orgs: dict[str, Organisation]
    # Organisation-level site -> organisation (a1 A1, a2 A2, b1 B1, up_a XA, up_p P).
    org_site: dict[str, Organisation]
    # Dossier-level site -> cell (a1 A1, a2 A2, b1 B1, up_a AG, up_p PC).
    cell_site: dict[str, Organisation]
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    own_jobs: dict[int, ImportJob] = field(default_factory=dict)
    # An API token of each matrix user's own (a token is its holder's only).
    own_tokens: dict[int, ApiToken] = field(default_factory=dict)
    markers: dict[str, list[str]] = field(default_factory=dict)
    # The organisation each level's users are assigned to.
    level_org: dict[str, Organisation] = field(default_factory=dict)
    # Session cookie of each matrix user (signed in once for the module).
    sessions: dict[int, str] = field(default_factory=dict)

    def obj(self, kind: str, site: str) -> Any:
        return self.objects[kind][site]

    def user(self, level: str, role: str) -> User:
        return self.users[(level, role)]


def _org(parent: Organisation | None, code: str, name: str, kind: str) -> Organisation:
    return OrganisationFactory(parent=parent, code=code, name=name, kind=kind)


def build_world() -> World:
    """Create the world (a few hundred rows) with its files under the current
    PRIVATE_MEDIA_ROOT; the caller rolls the rows back."""
    province = _org(None, "P", "Đảng bộ tỉnh Thử", Kind.PROVINCE)
    bloc = _org(province, "BL", "Đảng bộ khối Cơ quan tỉnh", Kind.BLOC)
    orgs = {"P": province, "BL": bloc}
    orgs["PC"] = _org(bloc, "PC", "Chi bộ Văn phòng khối", Kind.GRASSROOTS_CELL)
    for key in ("A", "B"):
        commune = _org(province, f"X{key}", f"Đảng bộ xã Hòa {key}", Kind.COMMUNE)
        grassroots = _org(commune, f"G{key}", f"Đảng bộ cơ sở Hòa {key}", Kind.GRASSROOTS_COMMITTEE)
        orgs[f"X{key}"] = commune
        orgs[f"G{key}"] = grassroots
        for index in (1, 2):
            orgs[f"{key}{index}"] = _org(
                grassroots, f"{key}{index}", f"Chi bộ thôn Đông {key}{index}", Kind.CELL
            )
    orgs["AG"] = _org(orgs["XA"], "AG", "Chi bộ Trường học xã Hòa A", Kind.GRASSROOTS_CELL)
    world = World(
        orgs=orgs,
        org_site={
            "a1": orgs["A1"],
            "a2": orgs["A2"],
            "b1": orgs["B1"],
            "up_a": orgs["XA"],
            "up_p": province,
        },
        cell_site={
            "a1": orgs["A1"],
            "a2": orgs["A2"],
            "b1": orgs["B1"],
            "up_a": orgs["AG"],
            "up_p": orgs["PC"],
        },
    )
    world.level_org = {"province": province, "commune": orgs["XA"], "cell": orgs["A1"]}
    for level, organisation in world.level_org.items():
        for role in ROLES:
            user = UserFactory(username=f"mx-{level}-{role}", is_staff=True)
            Assignment.objects.create(user=user, organisation=organisation, role=role)
            world.users[(level, role)] = user
    root = world.user("province", Role.ADMINISTRATOR)
    for kind in (
        "person",
        "membership",
        "candidacy",
        "event",
        "attachment",
        "relative",
        "locality",
        "organisation",
        "target",
        "term",
        "plan",
        "signer",
        "number",
        "user",
        "assignment",
        "job",
        "token",
        "snapshot",
        "audit",
    ):
        world.objects[kind] = {}
    for site in SITES:
        cell = world.cell_site[site]
        organisation = world.org_site[site]
        markers = world.markers.setdefault(site, [])
        helper = MembershipFactory(
            organisation=cell,
            person__organisation=cell,
            person__family_name="Vũ",
            person__middle_name="Đình",
            person__given_name=HELPER_GIVEN[site],
        )
        locality = locality_save(
            Locality(
                code=f"L{site}",
                name=f"Xóm Ven {GIVEN[site]}",
                kind="village",
                organisation=organisation,
            )
        )
        person = PersonFactory(
            organisation=cell,
            family_name="Hồ",
            middle_name="Thị",
            given_name=GIVEN[site],
            gender="female",
            residence_locality=locality,
        )
        candidacy = CandidacyFactory(
            person=person, organisation=cell, stage=Stage.SOURCE, helper=helper
        )
        candidacy_act(
            actor=root,
            candidacy_id=candidacy.pk,
            action="record_certificate",
            data={"date": "2025-06-02", "certificate_date": "2025-06-01"},
        )
        candidacy.refresh_from_db()
        event = CandidacyEvent.objects.filter(candidacy=candidacy).latest("pk")
        attachment = attachment_create(
            actor=root,
            candidacy=candidacy,
            upload=io.BytesIO(PDF),
            original_name=f"giay-{site}.pdf",
            title=f"Giấy chứng nhận {GIVEN[site]}",
            event=event,
        )
        relative = relative_create(
            actor=root,
            person=person,
            data=RelativeData(relation=Relation.FATHER, full_name=f"Hồ Văn Cha{GIVEN[site]}"),
        )
        target = target_set(actor=root, organisation=organisation, year=YEAR, number=3)
        term = term_create(
            actor=root,
            organisation=organisation,
            name=f"2025–2030 {site}",
            start_year=2025,
            end_year=2030,
            congress_target=10,
        )
        plan = plan_assign(
            actor=root,
            organisation=cell,
            year=YEAR,
            candidacy=candidacy,
            member=helper,
        )
        signer = signer_create(
            actor=root, organisation=organisation, name=f"Lê Văn Ký{GIVEN[site]}", title="BÍ THƯ"
        )
        number = document_number_reserve(
            actor=root, organisation=organisation, kind="QĐ", on=dt.date(2025, 9, 1)
        )
        subject = UserFactory(username=f"subject-{site}", full_name=f"Cán bộ {GIVEN[site]}")
        assignment = Assignment.objects.create(
            user=subject, organisation=organisation, role=Role.CLERK
        )
        token, _key = api_token_issue(user=subject)
        job = ImportJob.objects.create(
            kind="localities",
            actor=subject,
            original_name=f"nhap-{site}.xlsx",
            storage_name=f"imports/matrix-{site}.xlsx",
        )
        objects = {
            "person": person,
            "membership": helper,
            "candidacy": candidacy,
            "event": event,
            "attachment": attachment,
            "relative": relative,
            "locality": locality,
            "organisation": organisation,
            "target": target,
            "term": term,
            "plan": plan,
            "signer": signer,
            "number": number,
            "user": subject,
            "assignment": assignment,
            "job": job,
            "token": token,
        }
        for kind, value in objects.items():
            world.objects[kind][site] = value
        markers += [
            person.full_name,
            helper.person.full_name,
            locality.name,
            relative.full_name,
            subject.full_name,
            f"nhap-{site}.xlsx",
        ]
        if site in ("a2", "b1", "up_a", "up_p"):
            markers.append(cell.name)
    world.markers["b1"] += [orgs["XB"].name, orgs["GB"].name, orgs["B2"].name]
    world.markers["up_p"] += [bloc.name]
    # A job of each matrix user's own (ImportJob belongs to its sender only), and of each
    # subject user, with the annotated workbook of a rejected file.
    storage = private_storage()
    for user in [*world.users.values(), *world.objects["user"].values()]:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Lỗi", f"dòng của {user.full_name}"])
        handle = io.BytesIO()
        book.save(handle)
        result = storage.save(f"imports/errors-{user.username}.xlsx", handle)
        job = ImportJob.objects.filter(actor=user).first()
        if job is None:
            world.own_jobs[user.pk] = job = ImportJob.objects.create(
                kind="localities",
                actor=user,
                original_name="cua-toi.xlsx",
                storage_name=f"imports/own-{user.pk}.xlsx",
            )
        ImportJob.objects.filter(pk=job.pk).update(result_storage_name=result, status="rejected")
    for user in world.users.values():
        world.own_tokens[user.pk], _key = api_token_issue(user=user)
    snapshot_take(year=YEAR, actor=None, today=TODAY)
    for site in SITES:
        world.objects["snapshot"][site] = MemberSnapshot.objects.get(
            organisation=world.org_site[site], run__year=YEAR
        )
        world.objects["audit"][site] = (
            AuditEntry.objects.filter(person=world.obj("person", site)).order_by("pk").first()
        )
    return world


# Re-exported for the declarations (the models each object kind names).
MODELS: dict[str, type[Any]] = {
    "person": Person,
    "membership": PartyMembership,
    "candidacy": Candidacy,
    "event": CandidacyEvent,
    "attachment": Attachment,
    "relative": Relative,
    "locality": Locality,
    "organisation": Organisation,
    "target": Target,
    "term": Term,
    "plan": PlanAssignment,
    "signer": Signer,
    "number": DocumentNumber,
    "user": User,
    "assignment": Assignment,
    "job": ImportJob,
    "snapshot": MemberSnapshot,
    "audit": AuditEntry,
    "token": ApiToken,
}
