from ptdv.core.policies import Policy, limits_choices
from ptdv.organisations.models import Competence, Locality, Organisation

organisation_policy = limits_choices(Policy(Organisation, "path"))
locality_policy = limits_choices(Policy(Locality, "organisation__path"))
competence_policy = Policy(Competence, "subject__path")
