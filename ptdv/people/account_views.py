"""The user page's "Người trong hồ sơ": an administrator links an account to the person it
belongs to (`services.user_person_set`). The page itself is the accounts app's; this form
lives here, above it, because it resolves a person (the accounts app sits below people).
Routed in config/urls.py beside the other user pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ptdv.accounts.forms import UserPersonForm
from ptdv.accounts.policies import require_administrator, user_get_visible
from ptdv.accounts.views import user_detail_page
from ptdv.core.forms import add_service_errors
from ptdv.people.services import user_person_set


@require_POST
def user_person_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Below administrator 403, a user outside the administrator's subtrees 404; a person
    absent or outside them is a field error on the page, and nothing is written."""
    require_administrator(request.user)
    user = user_get_visible(request.user, pk)
    form = UserPersonForm(request.POST)
    if form.is_valid():
        person = form.cleaned_data.get("person")
        try:
            user_person_set(actor=request.user, user=user, person=person)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if person:
                messages.success(request, _("Đã gắn tài khoản với người trong hồ sơ."))
            else:
                messages.success(request, _("Đã bỏ gắn tài khoản với người trong hồ sơ."))
            return redirect("accounts:user_detail", pk=user.pk)
    return user_detail_page(request, user, person_form=form)
