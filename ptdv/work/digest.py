"""The daily digest: one e-mail per user, rather than one per event.

It lists (1) the user's work that is overdue or falls due within DIGEST_DAYS — the same
items as "Việc của tôi", from the same sources, so it names nothing outside the user's
scope — and (2) the notifications of other kinds (requests, courses, targets…) created since
the last digest, within the user's scope; those are then marked as mailed. A user gets no
mail when they turned the digest off, have no e-mail address, or have nothing to read.

Mail goes through Django's e-mail backend (SMTP from the environment in production, the
console in the demo, the in-memory outbox in tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from ptdv.accounts.models import Assignment, User
from ptdv.core.work import WORK_KINDS, WorkItem
from ptdv.notifications.models import Notification, NotificationPreference
from ptdv.notifications.selectors import notification_list
from ptdv.work.selectors import work_list

DIGEST_DAYS = 7
# At most this many lines per section of a mail; the rest are counted, with a link.
DIGEST_MAX_ITEMS = 100
# Kinds the work section already covers.
WORK_NOTIFICATION_KINDS = ("dossier_due", "dossier_overdue")


@dataclass
class Digest:
    user: User
    today: dt.date
    overdue: list[WorkItem] = field(default_factory=list)
    due: list[WorkItem] = field(default_factory=list)
    news: list[Notification] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due or self.news)

    def subject(self) -> str:
        return (
            f"[PTĐV] Việc ngày {self.today:%d/%m/%Y}: {len(self.overdue)} quá hạn, "
            f"{len(self.due)} sắp đến hạn, {len(self.news)} thông báo mới"
        )


def site_url() -> str:
    return str(getattr(settings, "PTDV_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def digest_for(user: User, today: dt.date) -> Digest:
    """What the digest of `user` on `today` says (nothing is marked)."""
    digest = Digest(user=user, today=today)
    horizon = today + dt.timedelta(days=DIGEST_DAYS)
    for item in work_list(actor=user, today=today):
        if item.due is None:
            continue
        if item.due < today:
            digest.overdue.append(item)
        elif item.due <= horizon:
            digest.due.append(item)
    digest.news = list(
        notification_list(actor=user)
        .filter(digested_at__isnull=True)
        .exclude(kind__in=WORK_NOTIFICATION_KINDS)
        .order_by("created_at", "pk")
    )
    return digest


def digest_body(digest: Digest) -> str:
    return render_to_string(
        "work/digest.txt",
        {
            "digest": digest,
            "site": site_url(),
            "kinds": WORK_KINDS,
            "limit": DIGEST_MAX_ITEMS,
            "overdue": digest.overdue[:DIGEST_MAX_ITEMS],
            "overdue_more": max(0, len(digest.overdue) - DIGEST_MAX_ITEMS),
            "due": digest.due[:DIGEST_MAX_ITEMS],
            "due_more": max(0, len(digest.due) - DIGEST_MAX_ITEMS),
            "news": digest.news[:DIGEST_MAX_ITEMS],
            "news_more": max(0, len(digest.news) - DIGEST_MAX_ITEMS),
        },
    )


def digest_recipients() -> list[User]:
    """Active users with an e-mail address and an assignment, who did not turn it off."""
    assigned = Assignment.objects.filter(user=OuterRef("pk"), organisation__valid_to__isnull=True)
    off = NotificationPreference.objects.filter(user=OuterRef("pk"), digest=False)
    return list(
        User.objects.filter(is_active=True)
        .exclude(Q(email="") | Q(email__isnull=True))
        .filter(Exists(assigned))
        .exclude(Exists(off))
        .order_by("pk")
    )


def digest_send(today: dt.date, users: list[User] | None = None) -> int:
    """Send the day's digests; answers how many mails were sent."""
    sent = 0
    with get_connection() as connection:  # one connection (SMTP session) for every mail
        for user in digest_recipients() if users is None else users:
            digest = digest_for(user, today)
            if digest.empty:
                continue
            EmailMessage(
                subject=digest.subject(),
                body=digest_body(digest),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
                connection=connection,
            ).send()
            # Mailed: tomorrow's digest does not repeat them.
            if digest.news:
                Notification.objects.filter(pk__in=[n.pk for n in digest.news]).update(
                    digested_at=timezone.now()
                )
            sent += 1
    return sent
