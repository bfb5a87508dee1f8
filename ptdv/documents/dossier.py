"""Everything the official forms of one dossier print, loaded in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ptdv.candidacies.models import Candidacy, CandidacyEvent, Introducer, IntroducerKind, Outcome
from ptdv.documents.models import RELATION_ORDER, Relative, Signer, SignerCapacity
from ptdv.documents.numbering import number_line
from ptdv.organisations.competence import Competent, competence_rows, competent_for
from ptdv.organisations.models import Competence, Kind, Organisation
from ptdv.people.models import Person

COMMITTEE_KINDS = (
    Kind.PROVINCE,
    Kind.COMMUNE,
    Kind.BLOC,
    Kind.GRASSROOTS_COMMITTEE,
    Kind.PARTIAL_COMMITTEE,
)


def long_date(day: dt.date | None) -> str:
    """ "ngày 05 tháng 04 năm 2026": days and months under 10 take a leading zero
    (Hướng dẫn 36-HD/VPTW)."""
    if day is None:
        return "ngày …… tháng …… năm ………"
    return f"ngày {day:%d} tháng {day:%m} năm {day.year}"


def short_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "……/……/………"


def upper(text: str) -> str:
    return text.upper()


def committee_name(organisation: Organisation) -> str:
    """The body that acts for an organisation: a committee acts through its executive
    committee ("Đảng bộ xã A" → "Đảng ủy xã A", "Đảng bộ tỉnh Hà Tĩnh" → "Tỉnh ủy Hà Tĩnh"),
    a cell in its own name."""
    name = organisation.name.strip()
    lowered = name.lower()
    if organisation.kind == Kind.PROVINCE:
        for prefix, body in (("đảng bộ tỉnh ", "Tỉnh ủy "), ("đảng bộ thành phố ", "Thành ủy ")):
            if lowered.startswith(prefix):
                return body + name[len(prefix) :]
    if organisation.kind in COMMITTEE_KINDS and lowered.startswith("đảng bộ "):
        return "Đảng ủy " + name[len("đảng bộ ") :]
    return name


def issuer_name(organisation: Organisation) -> str:
    """The issuing body as printed in a document's header."""
    return upper(committee_name(organisation))


def superior_line(organisation: Organisation, parent: Organisation | None) -> str:
    if organisation.superior_name:
        return upper(organisation.superior_name)
    return upper(parent.name) if parent is not None else ""


@dataclass
class SignerLine:
    lines: list[str]
    name: str


@dataclass
class Dossier:
    candidacy: Candidacy
    chain: list[Organisation]  # the cell first, then each ancestor up to the root
    events: list[CandidacyEvent]
    introducers: list[Introducer]
    relatives: list[Relative]
    signers: dict[int, list[Signer]]
    numbers: dict[str, str] = field(default_factory=dict)  # slug → "12-QĐ/ĐU"
    today: dt.date = field(default_factory=dt.date.today)
    # Who decides for whom, dated: the competence rows of the chain's organisations. None:
    # not read yet, read on first use (`competent_on`): which forms a dossier page offers
    # seldom depends on them, and most dossiers never ask.
    competences: list[Competence] | None = field(default_factory=list)
    # The day the form being built speaks of (its step's date), set by `form_document`.
    on: dt.date | None = None

    @property
    def person(self) -> Person:
        return self.candidacy.person

    @property
    def cell(self) -> Organisation:
        return self.chain[0]

    def parent_of(self, organisation: Organisation) -> Organisation | None:
        for index, node in enumerate(self.chain):
            if node.pk == organisation.pk:
                return self.chain[index + 1] if index + 1 < len(self.chain) else None
        return None

    def competent_on(self, day: dt.date | None) -> Competent:
        """Who acted for the dossier on `day` (today when None): the competence recorded for
        the tree that day, else today's rule (ptdv/organisations/competence.py)."""
        if self.competences is None:
            self.competences = competence_rows(self.chain)
        return competent_for(self.chain, day or self.today, self.competences)

    @property
    def competent(self) -> Competent:
        """Who acts on the day the form being built speaks of (`on`), else on the day of the
        admission decision, else today: a dossier decided before 1 July 2025 keeps the
        bodies of its time."""
        return self.competent_on(self.on or self.candidacy.decision_date)

    @property
    def grassroots(self) -> Organisation:
        """The grassroots organisation: the cell itself when it is a grassroots cell."""
        return self.competent.grassroots

    def grassroots_on(self, day: dt.date | None) -> Organisation:
        return self.competent_on(day).grassroots

    @property
    def partial(self) -> Organisation | None:
        return next((o for o in self.chain if o.kind == Kind.PARTIAL_COMMITTEE), None)

    @property
    def decider(self) -> Organisation:
        """The body that decides admission and recognition: an authorised grassroots
        committee itself, else the committee directly above the grassroots organisation."""
        return self.competent.decider

    def decider_on(self, day: dt.date | None) -> Organisation:
        return self.competent_on(day).decider

    @property
    def decider_is_grassroots(self) -> bool:
        who = self.competent
        return who.authorised or who.decider.pk == who.grassroots.pk

    @property
    def committee_step(self) -> bool:
        return self.competent.committee_step

    def committee_step_on(self, day: dt.date | None) -> bool:
        return self.competent_on(day).committee_step

    def event(self, action: str) -> CandidacyEvent | None:
        """The latest event of `action` that did not fail."""
        found = [e for e in self.events if e.action == action and e.outcome != Outcome.FAILED]
        return found[-1] if found else None

    def member_introducers(self) -> list[Introducer]:
        return [i for i in self.introducers if i.kind == IntroducerKind.MEMBER]

    def union_introducer(self, kind: str) -> Introducer | None:
        return next((i for i in self.introducers if i.kind == kind), None)

    def place(self, organisation: Organisation | None = None) -> str:
        """Where a document is issued: the nearest place name up the tree, else the
        province's name."""
        start = 0
        if organisation is not None:
            start = next((i for i, o in enumerate(self.chain) if o.pk == organisation.pk), 0)
        for node in self.chain[start:]:
            if node.place_name:
                return node.place_name
        root = self.chain[-1].name
        for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ "):
            if root.startswith(prefix):
                return root[len(prefix) :]
        return root

    def place_date(self, organisation: Organisation | None, day: dt.date | None) -> str:
        return f"{self.place(organisation)}, {long_date(day)}"

    def number(self, slug: str, event: CandidacyEvent | None = None) -> str:
        """ "Số 12-QĐ/ĐU" from the event's recorded document, else from the register."""
        recorded = event.document_number if event is not None else ""
        return number_line(recorded or self.numbers.get(slug, ""))

    def signer(
        self,
        organisation: Organisation,
        collective: str,
        event: CandidacyEvent | None = None,
        title: str = "BÍ THƯ",
    ) -> SignerLine:
        """The signer block: the event's signer if known to the organisation's list, else
        the organisation's default signer, else the event's signer name with `title`."""
        wanted = (event.signer if event is not None else "").strip()
        candidates = [s for s in self.signers.get(organisation.pk, []) if s.active]
        chosen = None
        if wanted:
            chosen = next((s for s in candidates if s.name.lower() == wanted.lower()), None)
        if chosen is None and not wanted:
            chosen = next((s for s in candidates if s.is_default), None) or (
                candidates[0] if candidates else None
            )
        if chosen is None:
            return SignerLine([f"T/M {collective}", title], wanted)
        lines = []
        if chosen.capacity != SignerCapacity.PERSONAL:
            lines.append(f"T/M {chosen.collective or collective}")
        if chosen.capacity == SignerCapacity.DEPUTY:
            lines.append(f"K/T {chosen.principal_title or 'BÍ THƯ'}")
        lines.append(chosen.title)
        return SignerLine(lines, chosen.name)


def dossier_load(
    candidacy: Candidacy,
    today: dt.date,
    *,
    chain: list[Organisation] | None = None,
    competences: list[Competence] | None = None,
    events: list[CandidacyEvent] | None = None,
    introducers: list[Introducer] | None = None,
    printing: bool = True,
) -> Dossier:
    """The dossier of `candidacy` (fetched with person and organisation) for its forms.

    A page that has read them already passes the `chain` (the cell first), its `competences`
    and the dossier's `events` (all of them, in the timeline's order "on", id: the void ones
    are left out here) and `introducers` (all of them, with their membership's person, and
    for a printed form its organisation too; the withdrawn ones are left out here) rather
    than have them read again.

    `printing=False`: only to ask which forms are available (`FormSpec.available` reads the
    dossier, its chain, competences, events and introducers): the relatives, signers and
    document numbers, which only a printed form needs, are not read (three queries)."""
    if chain is None:
        chain = sorted(
            Organisation.objects.filter(path__in=candidacy.organisation.ancestor_paths),
            key=lambda o: -len(o.path),
        )
    if events is None:
        events = list(candidacy.events.filter(voided=False).order_by("on", "id"))
    else:
        events = [event for event in events if not event.voided]
    if introducers is None:
        introducers = list(
            candidacy.introducers.filter(withdrawn=False).select_related(
                "membership__person", "membership__organisation"
            )
        )
    else:
        introducers = [introducer for introducer in introducers if not introducer.withdrawn]
    relatives: list[Relative] = []
    signers: dict[int, list[Signer]] = {}
    numbers: dict[str, str] = {}
    if printing:
        relatives = sorted(
            candidacy.person.relatives.all(),
            key=lambda r: (RELATION_ORDER.get(r.relation, 99), r.pk),
        )
        for signer in Signer.objects.filter(organisation__in=[o.pk for o in chain]):
            signers.setdefault(signer.organisation_id, []).append(signer)
        numbers = dict(candidacy.document_numbers.values_list("slug", "symbol"))
    return Dossier(
        # Read on first use when not given (`Dossier.competent_on`).
        competences=competences,
        candidacy=candidacy,
        chain=chain,
        events=events,
        introducers=introducers,
        relatives=relatives,
        signers=signers,
        numbers=numbers,
        today=today,
    )
