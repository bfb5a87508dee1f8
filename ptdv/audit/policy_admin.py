"""The Django admin page of a model, scoped by its access policy and audited.

What an admin page lists starts from the model's policy (`visible_to`), and what it lets a
user change is the policy's answer for that object (`can`, administrator role). Django's model
permissions and `is_superuser` grant nothing here: a staff user sees only the subtrees they are
assigned to, and changes only where they are an administrator. Fields the services own
(stage, path, depth, counters, national ID) are never editable here, and every change made
through the admin is written to the audit trail — which is why the base class lives with the
audit trail's writer (models, services), below every app that has admin pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse

from ptdv.audit.models import AuditEntry
from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.admin import administered, administers_somewhere
from ptdv.core.policies import Action, Policy, choices_policy, user_scopes


def person_model() -> Any:
    """The model the audit trail calls a person (people.Person), named through the trail's
    own foreign key: the audit trail's writer sits below the people app and does not import it."""
    return AuditEntry._meta.get_field("person").related_model


def person_of(obj: Any) -> Any:
    """The person an object is about, for the audit entry (None when it is about nobody)."""
    if isinstance(obj, person_model()):
        return obj
    if hasattr(obj, "person"):
        return obj.person
    candidacy = getattr(obj, "candidacy", None)  # an attachment is about its dossier's person
    return getattr(candidacy, "person", None)


def audit_label(obj: Any) -> str:
    """How an entry names the object: its name, unless it is about a person (a name is
    personal data and stays out of the trail; the entry links the person instead)."""
    if person_of(obj) is not None:
        return f"{obj._meta.verbose_name} #{obj.pk}"
    return str(obj)


class PolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """A ModelAdmin whose rows, objects and permissions all come from `policy`.

    Foreign keys offer only objects in the subtrees the user administers; saving checks the
    policy again on the saved object (so an object is never moved out of the user's reach).
    """

    policy: Policy[Any]
    # Pages that show personal data (a person, a dossier, a relative…): each list page and
    # each object page opened is written to the audit trail (Decree 13/2023/NĐ-CP).
    audit_reads = False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if self.audit_reads and response.status_code == 200 and changelist is not None:
            audit_list_read(
                actor=request.user,
                object_type=self.model._meta.label_lower,
                ids=[obj.pk for obj in changelist.result_list],
                person_ids=[getattr(person_of(obj), "pk", None) for obj in changelist.result_list],
                count=changelist.result_count,
                summary=f"Xem danh sách {self.model._meta.verbose_name_plural} (trang quản trị)",
                filters={"q": changelist.query} if changelist.query else None,
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_reads and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                audit_record(
                    actor=request.user,
                    action="view",
                    obj=obj,
                    person=person_of(obj),
                    summary=f"Xem {obj._meta.verbose_name} (trang quản trị)",
                )
        return response

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.policy.visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(user_scopes(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return bool(user_scopes(request.user))
        return self.policy.can(request.user, Action.VIEW, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return administers_somewhere(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return administers_somewhere(request.user)
        return self.policy.can(request.user, Action.ADMINISTER, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        policy = choices_policy(db_field.related_model)
        if policy is not None and "queryset" not in kwargs:
            kwargs["queryset"] = administered(policy, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def authorize_save(self, request: HttpRequest, obj: Any) -> None:
        if not self.policy.can(request.user, Action.ADMINISTER, obj):
            raise PermissionDenied

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        self.authorize_save(request, obj)
        if change:
            # Write only what the form changed: a full-row save would undo whatever a service
            # changed on the same row since the page was opened (a stage, a transfer).
            names = self.fields_to_save(obj, form)
            if names:
                obj.save(update_fields=names)
        else:
            obj.save()
        self.audit_save(request, obj, form, change)

    def fields_to_save(self, obj: Any, form: ModelForm[Any]) -> list[str]:
        concrete = {f.name: f for f in obj._meta.concrete_fields}
        names = [name for name in form.changed_data if name in concrete]
        if names:
            names += [n for n, f in concrete.items() if getattr(f, "auto_now", False)]
        return names

    def audit_save(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        audit_record(
            actor=request.user,
            action="change" if change else "create",
            obj=obj,
            person=person_of(obj),
            summary=("Sửa qua trang quản trị: " if change else "Thêm qua trang quản trị: ")
            + audit_label(obj),
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request: HttpRequest, obj: Any) -> None:
        if not self.policy.can(request.user, Action.ADMINISTER, obj):
            raise PermissionDenied
        audit_record(
            actor=request.user,
            action="delete",
            obj=obj,
            # The entry would keep the person from being deleted (PROTECT); name it instead.
            person=None if obj is person_of(obj) else person_of(obj),
            summary="Xóa qua trang quản trị: " + audit_label(obj),
        )
