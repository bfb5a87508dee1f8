from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ptdv.accounts.models import Assignment, User
from ptdv.accounts.policies import (
    assignment_policy,
    is_administrator,
    user_can_change_account,
    users_visible_to,
)
from ptdv.audit.services import audit_record
from ptdv.core.admin import administered
from ptdv.core.policies import Action
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy

# Two-factor secrets and recovery codes are nobody else's to read, in the admin or elsewhere:
# a user enrols at /accounts/two-factor/setup/, an administrator resets it on the user's page.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AssignmentInline(admin.TabularInline):  # type: ignore[type-arg]  # not subscriptable at run time
    """The user's roles, limited to the organisations the requester administers; roles held
    elsewhere are neither listed nor changed here."""

    model = Assignment
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)
    verbose_name = _("phân quyền")
    verbose_name_plural = _("phân quyền trong phạm vi bạn quản trị")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        qs = assignment_policy.visible_to(request.user, super().get_queryset(request))
        return qs.filter(pk__in=administered(assignment_policy, request.user).values("pk"))

    def get_min_num(self, request: HttpRequest, obj: User | None = None, **kwargs: Any) -> int:
        # A new user without an assignment would be out of everyone's reach.
        return 1 if obj is None else 0

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.related_model is Organisation:
            kwargs["queryset"] = administered(organisation_policy, request.user).filter(
                valid_to__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may(self, request: HttpRequest, obj: Any) -> bool:
        if isinstance(obj, Assignment):
            return assignment_policy.can(request.user, Action.ADMINISTER, obj)
        if isinstance(obj, User):
            return obj.pk != request.user.pk and is_administrator(request.user)
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """Users an administrator manages: those with a role in the subtrees they administer
    (ptdv.accounts.policies). Superuser, staff and Django permission flags are for
    superusers only; nobody is deleted (the audit trail refers to them: deactivate instead)."""

    inlines = [AssignmentInline]
    list_display = ("username", "full_name", "email", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email")}),
        (
            _("Quyền hạn"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        return users_visible_to(request.user, qs) | qs.filter(pk=request.user.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return is_administrator(request.user)
        return user_can_change_account(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="change" if change else "create",
            obj=obj,
            summary=("Sửa tài khoản qua trang quản trị: " if change else "Tạo tài khoản: ")
            + obj.username,
            data={
                "fields": sorted(set(form.changed_data) - {"password", "password1", "password2"})
            },
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for assignment in [*instances, *formset.deleted_objects]:
            if not assignment_policy.can(request.user, Action.ADMINISTER, assignment):
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied
        formset.save()
        for assignment in instances:
            audit_record(
                actor=request.user,
                action="change",
                obj=assignment,
                summary="Phân quyền: " + str(assignment),
                data={"role": assignment.role, "organisation": assignment.organisation.code},
            )
        for assignment in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="delete",
                obj=assignment,
                summary="Bỏ phân quyền: " + str(assignment),
            )
