from ptdv.core.policies import Policy, limits_choices
from ptdv.people.models import Person

person_policy = limits_choices(Policy(Person, "organisation__path"))
