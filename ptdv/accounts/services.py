"""Write path for user administration. Each change is authorised by
`ptdv.accounts.policies` and leaves an audit entry; a password never reaches the audit trail,
a log or an exception message."""

from __future__ import annotations

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ptdv.accounts.models import ROLE_RANK, Assignment, Role, User
from ptdv.accounts.policies import user_authorize_account_change, user_get_visible
from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor
from ptdv.core.text import nfc
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

# No 0/O, 1/l/I: the password is read off a screen and typed elsewhere.
_PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet, not a password)


def password_generate(length: int = 14) -> str:
    """A random password that passes the configured validators."""
    while True:
        candidate = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        try:
            password_validation.validate_password(candidate)
        except ValidationError:
            continue
        return candidate


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def _named_organisation(actor: Actor, organisation: Organisation) -> Organisation:
    """The organisation a request names for an assignment: resolved through the actor's
    scope (outside = absent, a field error), then the administrator role there (403)."""
    organisation = organisation_policy.resolve_named(
        actor, organisation, field="organisation", message=_("Không tìm thấy tổ chức.")
    )
    organisation_policy.authorize(actor, Action.ADMINISTER, organisation)
    return organisation


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    organisation: Organisation,
    role: Role | str,
    full_name: str = "",
    email: str = "",
) -> User:
    """Create an account with its first assignment, on an organisation the actor administers.
    An organisation outside the actor's scope answers like an absent one (field error)."""
    organisation = _named_organisation(actor, organisation)
    user = User(username=username.strip(), full_name=nfc(full_name), email=email.strip())
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    assignment = Assignment(user=user, organisation=organisation, role=role)
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        summary="Tạo người dùng",
        data={"username": user.username, "organisation": organisation.code, "role": str(role)},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, is_active: bool) -> User:
    """Lock (`is_active=False`) or unlock an account; a locked user's sessions and API tokens
    stop working at their next request."""
    user_authorize_account_change(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="change",
            obj=user,
            summary="Mở khóa tài khoản" if is_active else "Khóa tài khoản",
            data={"is_active": is_active},
        )
    return user


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> None:
    """Set a new password chosen by the administrator (or generated); the user's open
    sessions end."""
    user_authorize_account_change(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="change", obj=user, summary="Đặt lại mật khẩu")


@transaction.atomic
def user_change_own_password(*, user: User, password: str) -> None:
    """`user` sets a new password for themselves (the caller has checked the current one).

    The new password must pass the password validators; the change is audited with the user
    as the actor. Other sessions of the user end (their session hash no longer matches); the
    caller keeps the current one with `update_session_auth_hash`.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="change", obj=user, summary="Tự đổi mật khẩu")


@transaction.atomic
def assignment_create(
    *, actor: Actor, user: User, organisation: Organisation, role: Role | str
) -> Assignment:
    """Give `user` a role on `organisation`, which the actor must administer."""
    user_get_visible(actor, user.pk)
    organisation = _named_organisation(actor, organisation)
    if Assignment.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": [_("Người dùng đã được phân quyền tại tổ chức này.")]}
        )
    assignment = Assignment(user=user, organisation=organisation, role=role)
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action="create",
        obj=assignment,
        summary="Phân quyền người dùng",
        data={"user": user.pk, "organisation": organisation.code, "role": str(role)},
    )
    return assignment


@transaction.atomic
def assignment_delete(*, actor: Actor, assignment: Assignment) -> None:
    """Remove an assignment on an organisation the actor administers.

    The last assignment of a user is kept (lock the account instead), so no account drops
    out of every administrator's sight; an administrator never removes their own.
    """
    organisation_policy.authorize(actor, Action.ADMINISTER, assignment.organisation)
    if assignment.user_id == getattr(actor, "pk", None):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=assignment.user_id)
    if Assignment.objects.filter(user=user).count() <= 1:
        raise ValidationError(
            _("Không thể xóa phân quyền cuối cùng của người dùng; hãy khóa tài khoản.")
        )
    data = {
        "user": user.pk,
        "organisation": assignment.organisation.code,
        "role": assignment.role,
    }
    object_id = str(assignment.pk)
    assignment.delete()
    audit_record(
        actor=actor,
        action="delete",
        object_type="accounts.assignment",
        object_id=object_id,
        summary="Xóa phân quyền người dùng",
        data=data,
    )


@transaction.atomic
def assignments_follow(
    *, source: Organisation, target: Organisation, actor: Actor | None, reason: str
) -> int:
    """`source` ends (merger, dissolution, split) and `target` succeeds it: the roles users
    held on `source` now hold on `target`, so its clerks keep working. A user who already has
    a role on `target` keeps one assignment there, with the higher of the two roles. Each
    move is audited (`reason` names the change). Returns the assignments moved or merged."""
    rows = list(
        Assignment.objects.select_for_update()
        .filter(organisation_id__in=[source.pk, target.pk])
        .order_by("pk")
    )
    at_target = {a.user_id: a for a in rows if a.organisation_id == target.pk}
    count = 0
    for assignment in rows:
        if assignment.organisation_id != source.pk:
            continue
        count += 1
        data = {
            "user": assignment.user_id,
            "from": source.code,
            "to": target.code,
            "role": assignment.role,
            "reason": reason,
        }
        kept = at_target.get(assignment.user_id)
        if kept is None:
            assignment.organisation = target
            assignment.save(update_fields=["organisation"])
            audit_record(
                actor=actor,
                action="change",
                obj=assignment,
                organisation=target,
                summary=f"Chuyển phân quyền sang tổ chức kế thừa: {target.name}"[:255],
                data=data,
            )
            continue
        if ROLE_RANK[Role(assignment.role)] > ROLE_RANK[Role(kept.role)]:
            data["replaced_role"] = kept.role
            kept.role = assignment.role
            kept.save(update_fields=["role"])
        else:
            data["kept_role"] = kept.role
        object_id = str(assignment.pk)
        assignment.delete()
        audit_record(
            actor=actor,
            action="change",
            obj=kept,
            organisation=target,
            summary=f"Gộp phân quyền vào tổ chức kế thừa: {target.name}"[:255],
            data={**data, "merged_assignment": object_id},
        )
    return count
