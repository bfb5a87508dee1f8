"""Enrolments in courses ("enrolments"): the list of students a cell or a centre sends in.

Each row names a course by its number ("Mã lớp", shown on the course's page) and a dossier by
its number ("Mã hồ sơ", the candidate list's export) or the person's national ID. Both are
looked up among what the actor may change (clerk or above): outside the scope a row reads
"not found", like an absent number. Every row is then judged as the enrolment service judges
it (the dossier in the organiser's subtree, at a stage the course takes, not yet enrolled, the
course with room) before anything is written; then each course's dossiers are enrolled
through `ptdv.courses.services.enrolments_add` (row lock, audit) in the import's one
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ptdv.candidacies.models import Candidacy
from ptdv.core.policies import subtree_q
from ptdv.courses.models import Course
from ptdv.courses.services import enrolment_refusals, enrolments_add
from ptdv.exchange.importers.base import Importer
from ptdv.exchange.importers.context import CLERK, chunks
from ptdv.exchange.importers.parsing import parse_rows
from ptdv.people.crypto import national_id_hash

MAX_ID = 2**31 - 1  # a number beyond any id is simply not found (and no database overflows)


class EnrolmentImporter(Importer):
    kind = "enrolments"

    def check(self) -> None:
        ctx = self.ctx
        rows = parse_rows(ctx)
        courses = self._courses([data["course"] for _row, data in rows])
        by_id, by_number = self._candidacies(rows)
        wanted: dict[int, list[tuple[int, Candidacy]]] = defaultdict(list)
        seen: dict[tuple[int, int], int] = {}
        for row, data in rows:
            course = courses.get(data["course"])
            if course is None:
                ctx.error(row, "course", "Không tìm thấy lớp này trong phạm vi được phân quyền.")
                continue
            candidacy = self._candidacy(row, data, by_id, by_number)
            if candidacy is None:
                continue
            key = (course.pk, candidacy.pk)
            if key in seen:
                ctx.error(row, "candidacy", f"Hồ sơ này đã có ở dòng {seen[key]}.")
                continue
            seen[key] = row
            wanted[course.pk].append((row, candidacy))
        for course_id, entries in wanted.items():
            course = courses[course_id]
            refusals = enrolment_refusals(course, [c for _row, c in entries])
            for row, candidacy in entries:
                for message in refusals.get(candidacy.pk, []):
                    ctx.error(row, "candidacy", message)
            free = course.capacity - course.enrolments.count()
            if len(entries) > free:
                ctx.error(
                    entries[0][0],
                    "course",
                    f"Lớp “{course.name}” còn {max(free, 0)} chỗ, "
                    f"tệp ghi danh {len(entries)} người.",
                )
            self.items.append((course, [c.pk for _row, c in entries]))

    def _courses(self, ids: list[Any]) -> dict[int, Course]:
        wanted = sorted({int(i) for i in ids if i is not None and 0 < int(i) <= MAX_ID})
        found: dict[int, Course] = {}
        scope = subtree_q(self.ctx.actor, "organiser__path", min_rank=CLERK)
        for chunk in chunks(wanted):
            for course in Course.objects.filter(scope, pk__in=chunk).select_related("organiser"):
                found[course.pk] = course
        return found

    def _candidacies(
        self, rows: list[tuple[int, dict[str, Any]]]
    ) -> tuple[dict[int, Candidacy], dict[str, Candidacy]]:
        """The dossiers the rows name (by number or by the person's national ID, an open
        dossier), among those the actor may change."""
        scope = subtree_q(self.ctx.actor, "organisation__path", min_rank=CLERK)
        ids = sorted(
            {
                int(d["candidacy"])
                for _r, d in rows
                if d.get("candidacy") and 0 < d["candidacy"] <= MAX_ID
            }
        )
        hashes = {
            national_id_hash(d["national_id"]): d["national_id"]
            for _r, d in rows
            if d.get("national_id")
        }
        base = Candidacy.objects.filter(scope).select_related("person", "organisation")
        by_id: dict[int, Candidacy] = {}
        by_number: dict[str, Candidacy] = {}
        for chunk in chunks(ids):
            for candidacy in base.filter(pk__in=chunk):
                by_id[candidacy.pk] = candidacy
        for hash_chunk in chunks(list(hashes)):
            for candidacy in base.filter(is_open=True, person__national_id_hash__in=hash_chunk):
                by_number[hashes[str(candidacy.person.national_id_hash)]] = candidacy
        return by_id, by_number

    def _candidacy(
        self,
        row: int,
        data: dict[str, Any],
        by_id: dict[int, Candidacy],
        by_number: dict[str, Candidacy],
    ) -> Candidacy | None:
        if data.get("candidacy"):
            found = by_id.get(int(data["candidacy"]))
            column = "candidacy"
        elif data.get("national_id"):
            found = by_number.get(data["national_id"])
            column = "national_id"
        else:
            self.ctx.error(row, "candidacy", "Cần mã hồ sơ hoặc số định danh của người học.")
            return None
        if found is None:
            self.ctx.error(row, column, "Không tìm thấy hồ sơ trong phạm vi được phân quyền.")
        return found

    def write(self) -> int:
        written = 0
        for course, candidacy_ids in self.items:
            written += len(
                enrolments_add(
                    actor=self.ctx.actor,
                    course_id=course.pk,
                    candidacy_ids=candidacy_ids,
                    today=self.ctx.today,
                )
            )
        return written
