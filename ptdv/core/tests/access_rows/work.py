"""Access rows of "Việc của tôi", the notifications and the in-app guide (issue 13 §3).

Every one is about the signed-in user's own things: any user with an assignment passes;
what they see is scoped inside (the work sources, the notifications of organisations in
their subtrees), which `outside_markers` checks on every page. The home page's row (`""`) is
in the main table."""

from __future__ import annotations

from ptdv.core.tests.access_matrix import ANY, Door, rev

DOORS = [
    Door("api/v1/work/", rev("api:work-list", pk=None), read=ANY),
    Door("notifications/", rev("notifications:inbox", pk=None), read=ANY),
    Door("notifications/count/", rev("notifications:count", pk=None), read=ANY),
    Door(
        "notifications/read/",
        rev("notifications:read", pk=None),
        reads=(),
        writes=("POST",),
        write=ANY,
        data=lambda w, s, u: {"all": "1"},
    ),
    Door(
        "notifications/preferences/",
        rev("notifications:preferences", pk=None),
        read=ANY,
        writes=("POST",),
        write=ANY,
        data=lambda w, s, u: {"kinds": ["dossier_overdue", "dossier_due"], "digest": "on"},
    ),
    Door("api/v1/notifications/", rev("api:notification-list", pk=None), read=ANY),
    Door(
        "api/v1/notifications/read/",
        rev("api:notification-read", pk=None),
        reads=(),
        writes=("POST",),
        write=ANY,
        body="json",
        data=lambda w, s, u: {"all": True},
    ),
    Door("help/", rev("work:guide", pk=None), read=ANY),
    Door(
        "help/<slug:slug>/",
        rev("work:guide_section", pk=None, slug="dang-nhap"),
        read=ANY,
    ),
]
