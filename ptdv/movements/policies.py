"""Who may see and manage mass organisations and movements: the users whose subtree holds
their organisation (viewer sees, clerk and above change). A foreign key to them (a dossier's
movement and referring body in the admin) offers only what the user administers."""

from __future__ import annotations

from ptdv.core.policies import Policy, limits_choices
from ptdv.movements.models import MassOrganisation, MassOrganisationTarget, Movement

mass_organisation_policy = limits_choices(Policy(MassOrganisation, "organisation__path"))
mass_target_policy = Policy(MassOrganisationTarget, "mass_organisation__organisation__path")
movement_policy = limits_choices(Policy(Movement, "organiser__path"))
