"""Who may see and manage a course: the users whose subtree holds the course's organiser.

A course has no role of its own (ptdv/core/roles.py ranks viewer < clerk < approver <
administrator on subtrees): the organiser's viewers see the course, its clerks and above
manage it (enrol, sessions, attendance, results, certificates). A commune's political centre
is thus served by the commune's office; a course of the province by the province's staff.
"""

from __future__ import annotations

from ptdv.core.policies import Policy
from ptdv.courses.models import Course

course_policy = Policy(Course, "organiser__path")
