from ptdv.core.policies import Policy
from ptdv.people.models import Person

person_policy = Policy(Person, "organisation__path")
