"""Access rows of the dated competence (who decides admission for whom, from when).

The admin page of `organisations.Competence` lists the rows of the user's subtrees; an
administrator records a new one (an authorisation to admit, a reform) through the service,
which also checks that the actor administers the committee above the deciding body. A row is
never changed or deleted afterwards: a later record ends it.
"""

from __future__ import annotations

from ptdv.accounts.models import Role
from ptdv.core.tests.access_matrix import ANY, NOBODY, AdminModel

ADMIN_MODELS = {
    "organisations.competence": AdminModel(
        None, view=ANY, add=Role.ADMINISTRATOR, change=NOBODY, delete=NOBODY
    ),
}
