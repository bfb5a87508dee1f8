"""API tokens: issued at POST /api/v1/auth/token/, valid `settings.PTDV_TOKEN_TTL_DAYS` days,
listed to their owner, revoked by their owner or by an administrator who may change the
owner's account (ptdv.accounts.policies). The key is shown once; only its SHA-256 digest is
stored, so a copy of the database gives no working token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ptdv.accounts.models import ApiToken, User, stored_user
from ptdv.accounts.policies import user_authorize_account_change
from ptdv.audit.services import audit_record
from ptdv.core.policies import Actor
from ptdv.core.statements import Statement

# Recording every use would write on every API call; every five minutes is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (to hand to the client once, never stored)."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        key_digest=token_digest(key),
        prefix=key[:8],
        expires_at=timezone.now() + dt.timedelta(days=settings.PTDV_TOKEN_TTL_DAYS),
    )
    audit_record(
        actor=user,
        action="login",
        obj=token,
        summary="Cấp mã truy cập API",
        data={"expires_at": token.expires_at.isoformat()},
    )
    return token, key


# Every API request reads its token: a compiled statement (ptdv.core.statements).
_TOKEN = Statement(
    lambda digest: ApiToken.objects.select_related("user").filter(key_digest=digest)[:1]
)


def api_token_lookup(key: str) -> ApiToken | None:
    """The token with this key, with its user, whatever its state (the caller checks)."""
    token: ApiToken | None = _TOKEN.first(token_digest(key))
    return token


def api_token_touch(token: ApiToken) -> None:
    """Record a use, at most once per LAST_USED_RESOLUTION."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """Every token of `user`, newest first (revoked and expired ones included, for the record)."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by")


def api_token_get_own(*, actor: Actor, pk: Any) -> ApiToken:
    """One of the actor's own tokens; another user's token is 404, like an absent one."""
    try:
        return ApiToken.objects.get(pk=int(pk), user__pk=getattr(actor, "pk", 0))
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke `token`: by its owner, or by an administrator who may change the owner's
    account (404 outside the administrator's subtrees, 403 inside but beyond their reach).
    Revoking twice changes nothing."""
    if token.user_id != getattr(actor, "pk", None):
        user_authorize_account_change(actor, token.user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = stored_user(actor)
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="change",
            obj=token,
            summary="Thu hồi mã truy cập API",
            data={"user": token.user_id, "prefix": token.prefix},
        )
    return token
