"""Who sees an evaluation: the users whose subtree holds the organisation evaluated; a run:
those whose subtree holds its root. Computing needs the administrator's role at the root."""

from __future__ import annotations

from ptdv.core.policies import Policy
from ptdv.evaluations.models import Evaluation, EvaluationRun

evaluation_policy = Policy(Evaluation, "organisation__path")
run_policy = Policy(EvaluationRun, "organisation__path")
