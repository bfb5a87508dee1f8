from ptdv.core.policies import Policy, limits_choices
from ptdv.members.models import PartyMembership

membership_policy = limits_choices(Policy(PartyMembership, "organisation__path"))
