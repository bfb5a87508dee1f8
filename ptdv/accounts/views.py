"""Sign-in, sign-out and user administration pages.

User administration is for administrators only (403 otherwise), within their own subtrees
(a user outside them is 404); see `ptdv.accounts.policies`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.accounts.forms import (
    AssignmentForm,
    LoginForm,
    OwnPasswordChangeForm,
    PasswordSetForm,
    UserCreateForm,
    UserFilterForm,
    UserPersonForm,
)
from ptdv.accounts.lockout import login_locked_until
from ptdv.accounts.models import User
from ptdv.accounts.policies import (
    require_administrator,
    user_can_change_account,
    user_get_visible,
)
from ptdv.accounts.selectors import (
    assignments_administered,
    user_assignments,
    user_list,
    user_person_shown,
)
from ptdv.accounts.services import (
    assignment_create,
    assignment_delete,
    password_generate,
    user_change_own_password,
    user_create,
    user_set_active,
    user_set_password,
)
from ptdv.accounts.tokens import api_tokens_of
from ptdv.accounts.two_factor import user_has_two_factor
from ptdv.core.forms import add_service_errors
from ptdv.core.views import render_page


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = LoginView.as_view()
# POST only (Django 5): a link or an image can never sign a user out.
logout_view = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any signed-in user changes their own password (audited); this session stays open,
    the user's other sessions end."""

    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change_form.html"

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = self.request.user
        assert isinstance(user, User)  # the view is behind the login requirement
        try:
            user_change_own_password(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "new_password1"})
            return self.form_invalid(form)
        user.refresh_from_db(fields=["password"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return redirect("home")


password_change_view = PasswordChangeView.as_view()

USERS_PER_PAGE = 50


@require_safe
def user_list_view(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = UserFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    active = {"active": True, "locked": False}.get(data.get("status") or "")
    users = user_list(actor=request.user, filters={"search": data.get("q"), "active": active})
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "accounts/user_list.html",
        {"form": form, "page": page, "section": "users"},
    )


def _password_shown(request: HttpRequest, user: User, password: str) -> HttpResponse:
    """Render the generated password once, never stored, never redirected with it."""
    response = render_page(
        request,
        "accounts/password_shown.html",
        {"target": user, "password": password, "section": "users"},
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = UserCreateForm(request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["password1"]
        password = typed or password_generate()
        try:
            user = user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=password,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "password1"})
        else:
            messages.success(request, _("Đã tạo tài khoản."))
            if not typed:
                return _password_shown(request, user, password)
            return redirect("accounts:user_detail", pk=user.pk)
    return render_page(request, "accounts/user_form.html", {"form": form, "section": "users"})


def user_detail_page(
    request: HttpRequest,
    user: User,
    assignment_form: AssignmentForm | None = None,
    person_form: UserPersonForm | None = None,
) -> HttpResponse:
    """The user's page (also rendered again, with its errors, by the form that links the
    account to a person: `ptdv.people.account_views`)."""
    inside, outside = user_assignments(actor=request.user, user=user)
    linked = user_person_shown(actor=request.user, user=user)
    context: dict[str, Any] = {
        "target": user,
        "assignments": inside,
        "outside_count": outside,
        "can_change_account": user_can_change_account(request.user, user),
        "locked_until": login_locked_until(user=user),
        "has_two_factor": user_has_two_factor(user=user),
        "tokens": api_tokens_of(user=user),
        "now": timezone.now(),
        "assignment_form": assignment_form or AssignmentForm(actor=request.user),
        "linked_person": linked,
        "person_form": person_form or UserPersonForm(initial={"person": linked and linked.pk}),
        "section": "users",
    }
    return render_page(request, "accounts/user_detail.html", context)


@require_safe
def user_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request.user)
    return user_detail_page(request, user_get_visible(request.user, pk))


def _set_active(request: HttpRequest, pk: int, is_active: bool) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    user_set_active(actor=request.user, user=user, is_active=is_active)
    messages.success(request, _("Đã mở khóa tài khoản.") if is_active else _("Đã khóa tài khoản."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, is_active=False)


@require_POST
def user_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, is_active=True)


@require_http_methods(["GET", "POST"])
def user_password_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    if not user_can_change_account(request.user, user):
        raise PermissionDenied
    form = PasswordSetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["password1"]
        password = typed or password_generate()
        try:
            user_set_password(actor=request.user, user=user, password=password)
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "password1"})
        else:
            messages.success(request, _("Đã đặt lại mật khẩu."))
            if not typed:
                return _password_shown(request, user, password)
            return redirect("accounts:user_detail", pk=user.pk)
    return render_page(
        request, "accounts/password_form.html", {"form": form, "target": user, "section": "users"}
    )


@require_POST
def assignment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    form = AssignmentForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            assignment_create(
                actor=request.user,
                user=user,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm phân quyền."))
            return redirect("accounts:user_detail", pk=user.pk)
    return user_detail_page(request, user, assignment_form=form)


@require_POST
def assignment_remove_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    assignment = (
        assignments_administered(actor=request.user).filter(user=user, pk=assignment_pk).first()
    )
    if assignment is None:
        raise Http404
    try:
        assignment_delete(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã xóa phân quyền."))
    return redirect("accounts:user_detail", pk=user.pk)
