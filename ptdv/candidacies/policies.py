from ptdv.candidacies.models import Candidacy
from ptdv.core.policies import Policy

candidacy_policy = Policy(Candidacy, "organisation__path")
