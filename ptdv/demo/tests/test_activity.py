"""The demo's audit trail: every dossier step since the system started has its entry, by a
staff account allowed to take it, with the fields the real doors write and no name."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from ptdv.accounts.models import Assignment, Role, User
from ptdv.audit.models import AuditEntry
from ptdv.audit.selectors import audit_visible_to
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.transitions import TRANSITIONS
from ptdv.demo.people import SYSTEM_START
from ptdv.organisations.models import Kind, Organisation
from ptdv.people.models import Person

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 11, 29)  # the generator's reference date
# A small province (the 69 real communes and the blocs), a few dossiers per unit.
SMALL = ("--members", "1500")
# Which step each dated column of a dossier records (docs/workflow.md §1), written out here
# rather than read from the generator so the test states the expectation on its own.
STEP_OF = {
    "certificate_date": "record_certificate",
    "application_date": "record_application",
    "verification_concluded_on": "record_verification",
    "opinions_date": "record_opinions",
    "branch_resolution_date": "branch_vote",
    "committee_resolution_date": "committee_vote",
    "decision_date": "admission_decision",
    "ceremony_date": "ceremony",
    "member_file_date": "record_member_file",
    "newmember_course_date": "record_newmember_course",
    "recognition_resolution_date": "recognition_vote",
    "recognition_decision_date": "recognition_decision",
}
CLOSED_STEP = {
    "withdrawn": "withdraw",
    "lapsed": "lapse",
    "rejected": "reject",
    "removed": "remove",
}


def load(*args: str) -> str:
    out = StringIO()
    call_command("demo", "load", *SMALL, *args, stdout=out)
    return out.getvalue()


def expected_steps() -> Counter[tuple[int, str, dt.date]]:
    steps: Counter[tuple[int, str, dt.date]] = Counter()
    for candidacy in Candidacy.objects.all():
        dated = [(getattr(candidacy, column), step) for column, step in STEP_OF.items()]
        if candidacy.closed_reason:
            dated.append((candidacy.closed_on, CLOSED_STEP[candidacy.closed_reason]))
        for day, step in dated:
            if day is not None and SYSTEM_START <= day <= TODAY:
                steps[(candidacy.pk, step, day)] += 1
    return steps


def test_every_dossier_step_has_its_entry_by_a_staff_member_allowed_to_take_it() -> None:
    load("--seed", "1")
    expected = expected_steps()
    assert len(expected) > 1000
    entries = list(AuditEntry.objects.filter(action="action").select_related("actor"))
    found = Counter(
        (int(e.object_id), e.data["action"], e.at.astimezone(ZONE).date()) for e in entries
    )
    assert found == expected
    dossiers = Candidacy.objects.select_related("organisation").in_bulk(
        [int(e.object_id) for e in entries]
    )
    doors: Counter[str] = Counter()
    for entry in entries:
        dossier = dossiers[int(entry.object_id)]
        transition = TRANSITIONS[entry.data["action"]]
        assert entry.object_type == "candidacies.candidacy"
        assert entry.person_id == dossier.person_id
        assert entry.org_path == dossier.organisation.path
        assert entry.summary == transition.label
        assert set(entry.data) == {
            "action", "stage_before", "stage_after", "outcome", "event", "document"
        }  # fmt: skip
        if transition.target is not None:
            assert entry.data["stage_after"] == transition.target
        # The actor is a staff member of the dossier's unit whose role allows the step.
        assert entry.actor is not None and entry.actor.full_name
        assert candidacy_policy.can(entry.actor, transition.permission, dossier)
        assert not entry.actor.has_usable_password()
        local = entry.at.astimezone(ZONE).time()
        assert dt.time(7, 30) <= local < dt.time(17, 0)
        assert not dt.time(11, 30) <= local < dt.time(13, 30)
        doors[entry.channel] += 1
    assert doors["web"] > 0.8 * len(entries)
    assert doors["api"] > 0 and doors["console"] > 0


def test_staff_reads_exports_and_sign_ins_fill_the_years_of_use() -> None:
    load("--seed", "1")
    units = Organisation.objects.filter(
        parent__parent__isnull=True, kind__in=(Kind.COMMUNE, Kind.BLOC)
    )
    staff = Assignment.objects.filter(organisation__in=units)
    assert staff.filter(role=Role.CLERK).count() == units.count()
    assert staff.filter(role=Role.APPROVER).count() == units.count()
    by_kind = Counter(AuditEntry.objects.values_list("action", "object_type", "summary").order_by())
    assert by_kind[("view", "candidacies.candidacy", "Xem hồ sơ phát triển đảng viên")] > 300
    assert by_kind[("view", "people.person", "Xem hồ sơ công dân")] > 150
    assert by_kind[("view", "candidacies.candidacy", "Xem danh sách hồ sơ phát triển đảng viên")]
    assert any(a == "export" and t == "exchange.export" for a, t, _s in by_kind)
    assert any(a == "export" and t == "organisations.organisation" for a, t, _s in by_kind)
    # Each person viewed is the entry's person, in the organisation that manages the record.
    for entry in AuditEntry.objects.filter(object_type="people.person").select_related(
        "person__organisation"
    )[:500]:
        assert entry.person is not None and entry.object_id == str(entry.person_id)
        assert entry.org_path == entry.person.organisation.path
    # Each user signs in before the first thing they do on the web that day.
    sign_ins = AuditEntry.objects.filter(action="login")
    assert sign_ins.count() > 1000
    first = sign_ins.order_by("at").first()
    assert first is not None and first.actor is not None
    day = first.at.astimezone(ZONE).date()
    that_day = [
        e.at
        for e in AuditEntry.objects.filter(actor=first.actor, channel="web")
        if e.at.astimezone(ZONE).date() == day
    ]
    assert min(that_day) == first.at
    assert first.org_path == first.actor.assignments.get().organisation.path
    moments = AuditEntry.objects.exclude(object_type="demo").values_list("at", flat=True)
    assert min(moments).astimezone(ZONE).date() >= SYSTEM_START
    assert max(moments).astimezone(ZONE).date() <= TODAY


def test_no_entry_names_a_person() -> None:
    load("--seed", "1")
    names = {
        f"{p.family_name} {p.middle_name} {p.given_name}".replace("  ", " ")
        for p in Person.objects.all()
    }
    names |= {u.full_name for u in User.objects.exclude(full_name="")}
    assert len(names) > 1000
    for summary, data in AuditEntry.objects.values_list("summary", "data").iterator():
        text = summary + " " + json.dumps(data, ensure_ascii=False)
        # Names have two or three words: no run of words of an entry is one.
        words = text.replace('"', " ").replace(",", " ").split()
        runs = {" ".join(words[i : i + n]) for n in (2, 3, 4) for i in range(len(words))}
        assert not runs & names, text


def test_a_commune_administrator_reads_only_the_entries_of_that_commune() -> None:
    load("--seed", "1")
    communes = list(Organisation.objects.filter(kind=Kind.COMMUNE).order_by("path"))
    commune, other = communes[0], communes[1]
    admin = User.objects.create(username="qt-xa")
    Assignment.objects.create(user=admin, organisation=commune, role=Role.ADMINISTRATOR)
    visible = audit_visible_to(admin)
    own = AuditEntry.objects.filter(org_path__startswith=commune.path)
    assert visible.count() == own.count() > 100
    assert not visible.filter(org_path__startswith=other.path).exists()
    client = Client()
    client.force_login(admin)
    response = client.get("/audit/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and all(row.org_path.startswith(commune.path) for row, _org in rows)
    response = client.get("/audit/", {"action": "action"})
    rows = response.context["rows"]
    assert rows and all(row.action == "action" for row, _org in rows)


def test_replace_rewrites_the_same_trail_and_keeps_the_trail_append_only() -> None:
    load("--seed", "1")

    def trail() -> Counter[tuple[Any, ...]]:
        return Counter(
            AuditEntry.objects.exclude(object_type="demo").values_list(
                "at", "action", "channel", "object_type", "summary", "actor__username"
            )
        )

    first, users = trail(), User.objects.count()
    load("--seed", "1", "--replace")
    # The staff accounts are reused, not doubled; the same seed draws the same trail.
    assert User.objects.count() == users
    assert trail() == first
    assert AuditEntry.objects.filter(object_type="demo").count() == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_entry_append_only'"
            )
            assert cursor.fetchone() == ("O",)  # in place and enabled
        entry = AuditEntry.objects.filter(action="action").first()
        assert entry is not None
        with pytest.raises(DatabaseError, match="Nhật ký chỉ được ghi thêm"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {AuditEntry._meta.db_table} SET summary = '' WHERE id = %s",  # noqa: S608
                    [entry.pk],
                )
        # New entries go on after the bulk ones (the id sequence was moved past them).
        call_command("demo", "load", *SMALL, "--seed", "2", "--replace", stdout=StringIO())
        assert AuditEntry.objects.filter(object_type="demo").count() == 1
