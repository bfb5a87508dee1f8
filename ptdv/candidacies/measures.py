"""The breakdown of admissions (README §5): one definition for the write hook, the recount,
the dashboard, the API and the reports.

Each measure counts admissions whose person matches a predicate on one field (plus the two
age measures, which read the age at the decision). The same table gives the SQL condition
(for the grouped recount) and the Python test (for the write hook), so the two can never
disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ptdv.core.ages import age_expression as age_expression
from ptdv.core.ages import full_years as full_years
from ptdv.people.choices import (
    KINH,
    Education,
    EnterpriseType,
    Gender,
    Occupation,
    Religion,
    TargetGroup,
)

YOUTH_MIN_AGE = 18
YOUTH_MAX_AGE = 30

UPPER_SECONDARY_PLUS = (
    Education.UPPER_SECONDARY,
    Education.VOCATIONAL,
    Education.COLLEGE,
    Education.UNIVERSITY,
    Education.POSTGRADUATE,
)
COLLEGE_PLUS = (Education.COLLEGE, Education.UNIVERSITY, Education.POSTGRADUATE)
# The occupation categories the Central Organization Department reports; everything else is
# "other" (freelance, retired, other).
REPORTED_OCCUPATIONS = (
    Occupation.CIVIL_SERVANT,
    Occupation.PUBLIC_SERVICE,
    Occupation.ENTERPRISE_MANAGER,
    Occupation.FARMER,
    Occupation.WORKER,
    Occupation.ARMED_FORCES,
    Occupation.PUPIL_STUDENT,
)


@dataclass(frozen=True)
class Measure:
    """Admissions whose person's `field` is (or, `negate`, is not) one of `values`."""

    name: str
    label: str
    field: str = ""
    values: tuple[Any, ...] = ()
    negate: bool = False

    def q(self, prefix: str) -> Q:
        condition = Q(**{f"{prefix}{self.field}__in": list(self.values)})
        return ~condition if self.negate else condition

    def test(self, person: Any) -> bool:
        value = getattr(person, self.field)
        return (value not in self.values) if self.negate else (value in self.values)


# Person-attribute measures, in report order.
PERSON_MEASURES: tuple[Measure, ...] = (
    Measure("women", str(_("Nữ")), "gender", (Gender.FEMALE,)),
    Measure("ethnic_minority", str(_("Dân tộc thiểu số")), "ethnicity", (KINH,), negate=True),
    Measure("religious", str(_("Người có đạo")), "religion", (Religion.NONE,), negate=True),
    Measure("youth_union", str(_("Đoàn viên")), "youth_union_member", (True,)),
    Measure(
        "upper_secondary_plus",
        str(_("Trình độ THPT trở lên")),
        "education",
        UPPER_SECONDARY_PLUS,
    ),
    Measure("college_plus", str(_("Cao đẳng, đại học trở lên")), "education", COLLEGE_PLUS),
    Measure("occ_civil_servant", str(_("Cán bộ, công chức")), "occupation", ("civil_servant",)),
    Measure("occ_public_service", str(_("Viên chức")), "occupation", ("public_service",)),
    Measure(
        "occ_enterprise_manager",
        str(_("Chủ, quản lý doanh nghiệp")),
        "occupation",
        ("enterprise_manager",),
    ),
    Measure("occ_farmer", str(_("Nông dân")), "occupation", ("farmer",)),
    Measure("occ_worker", str(_("Công nhân, người lao động")), "occupation", ("worker",)),
    Measure("occ_armed_forces", str(_("Lực lượng vũ trang")), "occupation", ("armed_forces",)),
    Measure("occ_pupil_student", str(_("Học sinh, sinh viên")), "occupation", ("pupil_student",)),
    Measure(
        "occ_other",
        str(_("Nghề nghiệp khác")),
        "occupation",
        tuple(str(o) for o in REPORTED_OCCUPATIONS),
        negate=True,
    ),
    Measure(
        "ent_private",
        str(_("Trong doanh nghiệp tư nhân")),
        "enterprise_type",
        (EnterpriseType.PRIVATE,),
    ),
    Measure(
        "ent_foreign",
        str(_("Trong doanh nghiệp có vốn đầu tư nước ngoài")),
        "enterprise_type",
        (EnterpriseType.FOREIGN,),
    ),
)

# The directive's target groups (a person may be in several): a column `tg_<code>` of the
# admission and pipeline tallies each, so the dashboard's table by group reads one row.
TARGET_GROUP_FIELDS: tuple[str, ...] = tuple(f"tg_{code}" for code in TargetGroup.values)


def target_group_values(person: Any) -> dict[str, int]:
    groups = set(person.target_groups or [])
    return {f"tg_{code}": int(code in groups) for code in TargetGroup.values}


def target_group_q(person_prefix: str, code: str) -> Q:
    """Rows whose person is in the group `code` (the JSON list holds the quoted code; the
    text match works the same on SQLite and PostgreSQL)."""
    return Q(**{f"{person_prefix}target_groups__icontains": f'"{code}"'})


# Every stored column of an admission tally, in order.
ADMISSION_FIELDS: tuple[str, ...] = (
    "admitted",
    "age_18_30",
    "age_sum",
    *(m.name for m in PERSON_MEASURES),
    *TARGET_GROUP_FIELDS,
)
LABELS: dict[str, str] = {
    "admitted": str(_("Số kết nạp")),
    "age_18_30": str(_("Tuổi từ 18 đến 30")),
    "age_sum": str(_("Tổng số tuổi")),
    "average_age": str(_("Tuổi bình quân")),
    **{m.name: m.label for m in PERSON_MEASURES},
}


def admission_values(person: Any, decided_on: dt.date) -> dict[str, int]:
    """What one admission adds to each column of a tally."""
    age = full_years(person.birth_date, decided_on)
    values = {
        "admitted": 1,
        "age_18_30": int(YOUTH_MIN_AGE <= age <= YOUTH_MAX_AGE),
        "age_sum": age,
    }
    for measure in PERSON_MEASURES:
        values[measure.name] = int(measure.test(person))
    values.update(target_group_values(person))
    return values


def admission_aggregates(person_prefix: str) -> dict[str, Any]:
    """Conditional aggregates giving every column of a tally, over rows annotated with
    `age` (see `age_expression`)."""
    aggregates: dict[str, Any] = {
        "admitted": models.Count("pk"),
        "age_18_30": models.Count("pk", filter=Q(age__gte=YOUTH_MIN_AGE, age__lte=YOUTH_MAX_AGE)),
        "age_sum": models.Sum(F("age")),
    }
    for measure in PERSON_MEASURES:
        aggregates[measure.name] = models.Count("pk", filter=measure.q(person_prefix))
    for code in TargetGroup.values:
        aggregates[f"tg_{code}"] = models.Count("pk", filter=target_group_q(person_prefix, code))
    return aggregates


def breakdown_from(values: dict[str, int]) -> dict[str, Any]:
    """The breakdown as the API and the reports show it."""
    admitted = values.get("admitted", 0)
    return {
        "women": values.get("women", 0),
        "ethnic_minority": values.get("ethnic_minority", 0),
        "religious": values.get("religious", 0),
        "youth_union": values.get("youth_union", 0),
        "age_18_30": values.get("age_18_30", 0),
        "average_age": round(values.get("age_sum", 0) / admitted, 1) if admitted else None,
        "upper_secondary_plus": values.get("upper_secondary_plus", 0),
        "college_plus": values.get("college_plus", 0),
        "occupation": {
            m.name.removeprefix("occ_"): values.get(m.name, 0)
            for m in PERSON_MEASURES
            if m.name.startswith("occ_")
        },
        "enterprise": {
            "private": values.get("ent_private", 0),
            "foreign": values.get("ent_foreign", 0),
        },
    }
