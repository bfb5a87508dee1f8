"""How a dossier's recorded steps read on its page: labels, figures and dates in Vietnamese."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ptdv.candidacies.actions import COMMON_LABELS, spec_for
from ptdv.candidacies.forms import AMEND_EVENT_LABELS, DOSSIER_LABELS
from ptdv.candidacies.models import (
    CandidacyEvent,
    ConsentKind,
    DossierAction,
    IntroducerKind,
    Stage,
)

register = template.Library()

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Facts an event records that point at other rows (shown elsewhere on the page) or that the
# event shows in its own block.
_HIDDEN_FACTS = {
    "introducer",
    "consent",
    "membership",
    "organisation",
    "field",
    "value",
    "before",
    "after",
    "event",
    "helper",
    "responsible_leader",
}

_EXTRA_FACT_LABELS = {
    "from": "Chuyển từ tổ chức (mã)",
    "to": "Chuyển đến tổ chức (mã)",
    "official_date": "Ngày trở thành đảng viên chính thức",
    "helper_name": "Đảng viên giúp đỡ",
    "leader_name": "Người chịu trách nhiệm bồi dưỡng",
}

_CHOICE_VALUES: dict[str, dict[str, Any]] = {
    "kind": {**dict(IntroducerKind.choices), **dict(ConsentKind.choices)},
    "decider": {
        "standing_committee_above": "Ban Thường vụ cấp ủy cấp trên trực tiếp",
        "authorised_grassroots_committee": "Đảng ủy cơ sở được ủy quyền",
    },
}


def vn_date(value: Any) -> str:
    """A date (or an ISO date string) as dd/mm/yyyy; anything else unchanged."""
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            return value
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if name in _CHOICE_VALUES:
        return str(_CHOICE_VALUES[name].get(str(value), value))
    if value is None or value == "":
        return "—"
    return vn_date(value)


@register.filter
def action_label(action: str) -> str:
    spec = spec_for(action)
    if spec is not None:
        return spec.label
    if action == "register":
        return _("Đưa vào nguồn")
    return action


@register.filter
def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


@register.filter(name="vn_date")
def vn_date_filter(value: Any) -> str:
    return vn_date(value)


# The vote figures the timeline shows, in this order.
_VOTE_FIGURES = (
    ("summoned", _lazy("triệu tập")),
    ("present", _lazy("có mặt")),
    ("agree", _lazy("tán thành")),
    ("body_size", _lazy("tổng số thành viên")),
    ("official_members", _lazy("đảng viên chính thức")),
    ("temporarily_attached_elsewhere", _lazy("sinh hoạt tạm thời nơi khác")),
    ("exempted_absent", _lazy("miễn sinh hoạt vắng mặt")),
    ("denominator", _lazy("mẫu số")),
)


def event_details(event: CandidacyEvent) -> dict[str, Any]:
    """What the timeline shows of one event besides its date, action and actor."""
    facts = event.facts or {}
    # An unset option (no replacement, not waived, no months) says nothing worth a line.
    rows = [
        (str(COMMON_LABELS.get(name) or _EXTRA_FACT_LABELS.get(name, name)), _value(name, value))
        for name, value in facts.items()
        if name not in _HIDDEN_FACTS and value is not None and value is not False and value != ""
    ]
    vote = event.vote or {}
    figures = [(str(label), vote[key]) for key, label in _VOTE_FIGURES if vote.get(key) is not None]
    amend = None
    if event.action == DossierAction.AMEND and "field" in facts:
        labels = {**DOSSIER_LABELS, **AMEND_EVENT_LABELS}
        amend = {
            "field": str(labels.get(facts["field"], facts["field"])),
            "before": vn_date(facts.get("before")) or "—",
            "after": vn_date(facts.get("after")) or "—",
        }
    document = None
    if event.document_number or event.document_date or event.issuing_body or event.signer:
        document = {
            "number": event.document_number,
            "date": event.document_date,
            "issuing_body": event.issuing_body,
            "signer": event.signer,
        }
    return {
        "facts": rows,
        "vote": figures,
        DossierAction.AMEND: amend,
        "document": document,
        "stage_changed": event.stage_before != event.stage_after,
    }


def _user_name(full_name: str, username: str) -> str:
    """A user's name as `str(user)` gives it: the full name, else the username."""
    return full_name or username


def timeline(events: list[CandidacyEvent]) -> list[dict[str, Any]]:
    """The dossier page's timeline: for each event, all that its line shows (`event_details`,
    the labels of its action and stages, its dates as text, who recorded and who voided it)
    in one plain dict, worked out here once per page. The events come from
    `candidacy_events`, with the users' names rather than their rows. Tags and filters in
    the template's loop, and its lookups on model objects (each a failed subscript before
    the attribute), were a third of the page's rendering. The labels repeat from event to
    event: each is looked up once."""
    actions: dict[str, str] = {}
    stages: dict[str, str] = {}

    def stage(value: str) -> str:
        if value not in stages:
            stages[value] = stage_label(value)
        return stages[value]

    rows = []
    for event in events:
        if event.action not in actions:
            actions[event.action] = action_label(event.action)
        row = event_details(event)
        names: Any = event  # with the users' names (`candidacy_events`)
        if row["document"] is not None:
            row["document"]["date"] = vn_date(row["document"]["date"])
        row.update(
            event=event,
            pk=event.pk,
            action=event.action,
            label=actions[event.action],
            on=vn_date(event.on),
            outcome=event.outcome,
            outcome_label=event.get_outcome_display() if event.outcome else "",
            flagged=event.flagged,
            actor=_user_name(names.actor_full_name, names.actor_username) if event.actor_id else "",
            voided=event.voided,
            voided_by=_user_name(names.voided_by_full_name, names.voided_by_username)
            if event.voided_by_id
            else "",
            stage_before=stage(event.stage_before),
            stage_after=stage(event.stage_after),
            reason=event.reason,
            warnings=event.warnings or [],
        )
        rows.append(row)
    return rows
