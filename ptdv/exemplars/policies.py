"""Who sees and records exemplars: the users whose subtree holds the exemplar's organisation
(viewers read, clerks and above record, change and link)."""

from __future__ import annotations

from ptdv.core.policies import Policy
from ptdv.exemplars.models import Exemplar

exemplar_policy = Policy(Exemplar, "organisation__path")
