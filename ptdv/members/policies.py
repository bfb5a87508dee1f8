from ptdv.core.policies import Policy
from ptdv.members.models import PartyMembership

membership_policy = Policy(PartyMembership, "organisation__path")
