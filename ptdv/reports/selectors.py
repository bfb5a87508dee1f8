"""Finding what a report is about, through the access policy (404 outside the subtree)."""

from __future__ import annotations

from django.http import Http404

from ptdv.core.policies import Actor
from ptdv.organisations.models import Organisation
from ptdv.targets.models import Term
from ptdv.targets.selectors import term_current, term_list


def report_term(*, actor: Actor, organisation: Organisation, term: str | None, year: int) -> Term:
    """The term named (by id or name) among the organisation's own, else the one covering
    `year`, else its latest; 404 when there is none."""
    terms = term_list(actor=actor, organisation=organisation)
    if term:
        found = (
            terms.filter(pk=int(term)).first()
            if term.isdigit()
            else terms.filter(name=term).first()
        )
    else:
        found = term_current(actor=actor, organisation=organisation, year=year) or terms.first()
    if found is None:
        raise Http404
    return found
