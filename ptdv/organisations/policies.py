from ptdv.core.policies import Policy
from ptdv.organisations.models import Locality, Organisation

organisation_policy = Policy(Organisation, "path")
locality_policy = Policy(Locality, "organisation__path")
