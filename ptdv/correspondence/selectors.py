"""Reads of the requests between organisations: the incoming and outgoing lists and the work
items of "Việc của tôi"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.candidacies.models import Candidacy
from ptdv.core.policies import Actor, subtree_q
from ptdv.core.roles import ROLE_RANK, Role
from ptdv.core.text import fold, nfc
from ptdv.core.work import WorkItem
from ptdv.correspondence.models import (
    OPEN_STATUSES,
    OrganisationRequest,
    RequestKind,
    RequestStatus,
)
from ptdv.correspondence.policies import request_policy
from ptdv.organisations.models import Kind, Organisation, ancestor_paths

INCOMING = "incoming"
OUTGOING = "outgoing"
DIRECTIONS = {INCOMING: "Yêu cầu đến", OUTGOING: "Yêu cầu đã gửi"}
# The work list shows at most this many items of each kind (the oldest due first).
WORK_LIMIT = 200


@dataclass(frozen=True)
class RequestFilters:
    direction: str = ""
    status: str = ""
    kind: str = ""

    def as_audit(self) -> dict[str, Any]:
        return {"direction": self.direction, "status": self.status, "kind": self.kind}


def request_list(*, actor: Actor, filters: RequestFilters) -> QuerySet[OrganisationRequest]:
    """The requests the actor sees, newest first: `incoming` — addressed to an organisation
    of their subtree (including those escalated to it from below); `outgoing` — sent by one;
    neither — both."""
    qs = request_policy.visible_to(actor)
    if filters.direction == INCOMING:
        qs = qs.filter(subtree_q(actor, "addressee__path"))
    elif filters.direction == OUTGOING:
        qs = qs.filter(subtree_q(actor, "sender__path"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("-sent_on", "-pk")


# The kinds of organisation a request from the web form may be addressed to by name.
ADDRESSEE_KINDS = (Kind.COMMUNE, Kind.BLOC, Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)
_PREFIXES = ("đảng bộ ", "đảng ủy ", "đảng uỷ ")


def addressee_lookup(*, candidacy: Candidacy, typed: str) -> Organisation:
    """The organisation of the tree a clerk names on the form by its code (anywhere in the
    tree) or by its name, accents and case aside, "Đảng bộ"/"Đảng ủy" optional (a committee,
    a commune, ward or bloc, or a grassroots cell of the dossier's province). The form lists
    no names: organisations outside the user's scope are not enumerated, the clerk names the
    one they write to. Absent, dissolved or ambiguous: a field error."""
    text = nfc(typed).strip()
    by_code = Organisation.objects.filter(code__iexact=text, valid_to__isnull=True).first()
    if by_code is not None:
        return by_code
    wanted = fold(text)
    for prefix in _PREFIXES:
        wanted = wanted.removeprefix(fold(prefix))
    chain = Organisation.objects.filter(path__in=ancestor_paths(candidacy.organisation.path))
    province = chain.filter(kind=Kind.PROVINCE).first() or chain.order_by("path").first()
    assert province is not None
    found = []
    for pk, name in Organisation.objects.filter(
        path__startswith=province.path, kind__in=ADDRESSEE_KINDS, valid_to__isnull=True
    ).values_list("pk", "name"):
        folded = fold(name)
        for prefix in _PREFIXES:
            folded = folded.removeprefix(fold(prefix))
        if folded == wanted:
            found.append(pk)
    if len(found) != 1:
        message = (
            _("Có nhiều tổ chức trùng tên này; hãy nhập mã tổ chức.")
            if found
            else _("Không tìm thấy tổ chức nhận đang hoạt động có tên hoặc mã này.")
        )
        raise ValidationError({"addressee": [message]})
    return Organisation.objects.get(pk=found[0])


# --- "Việc của tôi" --------------------------------------------------------------------------


def _doer(actor: Actor, path_field: str) -> Q:
    return subtree_q(actor, path_field, min_rank=ROLE_RANK[Role.CLERK])


def work_incoming(actor: Actor, today: dt.date) -> Iterable[WorkItem]:
    """Requests waiting for an answer from an organisation where the actor is a clerk."""
    rows = (
        OrganisationRequest.objects.filter(_doer(actor, "addressee__path"))
        .filter(status__in=OPEN_STATUSES)
        .order_by("due_on", "pk")
        .values_list("pk", "kind", "subject_name", "due_on", "addressee_id", "status")[:WORK_LIMIT]
    )
    labels = dict(RequestKind.choices)
    for pk, kind, name, due, organisation_id, status in rows:
        yield WorkItem(
            kind="request_incoming",
            title=f"{labels[kind]}: {name}",
            url=reverse("correspondence:detail", args=[pk]),
            due=due,
            organisation_id=organisation_id,
            object_key=f"request:{pk}",
            detail="Quá hạn, đã chuyển cấp trên" if status == RequestStatus.OVERDUE else "",
        )


def work_outgoing_overdue(actor: Actor, today: dt.date) -> Iterable[WorkItem]:
    """Requests the actor's organisations sent that are overdue (to chase or cancel)."""
    rows = (
        OrganisationRequest.objects.filter(_doer(actor, "sender__path"))
        .filter(status=RequestStatus.OVERDUE)
        .select_related("addressee")
        .order_by("due_on", "pk")[:WORK_LIMIT]
    )
    for request in rows:
        yield WorkItem(
            kind="request_outgoing_overdue",
            title=f"{request.get_kind_display()}: {request.subject_name}",
            url=reverse("correspondence:detail", args=[request.pk]),
            due=request.due_on,
            organisation_id=request.sender_id,
            object_key=request.object_key,
            detail="Chưa có trả lời của " + request.addressee_label,
        )
