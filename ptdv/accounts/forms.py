"""Sign-in and user administration forms (Vietnamese labels and messages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from ptdv.accounts.models import Role, User
from ptdv.core.forms import StyledFormMixin
from ptdv.core.policies import Actor
from ptdv.organisations.models import Organisation
from ptdv.organisations.selectors import organisation_administrable


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["username"].error_messages["required"] = _("Nhập tên đăng nhập.")
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu.")
        self.style_fields()


class OwnPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    """A user changes their own password: the current one, then the new one twice. The new
    password passes settings.AUTH_PASSWORD_VALIDATORS (Vietnamese messages)."""

    error_messages = {
        "password_incorrect": _("Mật khẩu hiện tại không đúng."),
        "password_mismatch": _("Hai lần nhập mật khẩu mới không khớp."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": (_("Mật khẩu hiện tại"), _("Nhập mật khẩu hiện tại.")),
            "new_password1": (_("Mật khẩu mới"), _("Nhập mật khẩu mới.")),
            "new_password2": (_("Nhập lại mật khẩu mới"), _("Nhập lại mật khẩu mới.")),
        }
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password2"].help_text = ""
        self.style_fields()


# ModelChoiceField is generic only in the type stubs, not at run time.
if TYPE_CHECKING:
    _OrganisationChoice = forms.ModelChoiceField[Organisation]
else:
    _OrganisationChoice = forms.ModelChoiceField


class OrganisationChoiceField(_OrganisationChoice):
    """Organisations indented by depth, so a long list reads as the tree it is."""

    def label_from_instance(self, obj: Organisation) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + obj.name


def _organisation_field() -> OrganisationChoiceField:
    return OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Tổ chức đảng"),
        empty_label=_("— Chọn tổ chức —"),
        error_messages={"required": _("Chọn tổ chức đảng.")},
    )


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=Role.choices,
        label=_("Vai trò"),
        initial=Role.VIEWER,
        error_messages={"required": _("Chọn vai trò.")},
    )


class PasswordFieldsMixin:
    """Two optional password fields: blank asks the system to generate one."""

    cleaned_data: dict[str, Any]

    def clean_passwords(self) -> None:
        first = self.cleaned_data.get("password1") or ""
        second = self.cleaned_data.get("password2") or ""
        if (first or second) and first != second:
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))  # type: ignore[attr-defined]


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label=_("Mật khẩu mới"),
            required=False,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_(
                "Để trống để hệ thống tạo mật khẩu ngẫu nhiên; mật khẩu đó chỉ hiện một lần."
            ),
        ),
        forms.CharField(
            label=_("Nhập lại mật khẩu"),
            required=False,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class UserCreateForm(StyledFormMixin, PasswordFieldsMixin, forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[
            UnicodeUsernameValidator(
                message=_("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _")
            )
        ],
        error_messages={"required": _("Nhập tên đăng nhập.")},
    )
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, error_messages={"required": _("Nhập họ và tên.")}
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    organisation = _organisation_field()
    role = _role_field()
    password1, password2 = _password_fields()

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisation_administrable(actor=actor)  # type: ignore[attr-defined]
        self.style_fields()

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập đã được sử dụng."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_passwords()
        return cleaned


class PasswordSetForm(StyledFormMixin, PasswordFieldsMixin, forms.Form):
    password1, password2 = _password_fields()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_passwords()
        return cleaned


class AssignmentForm(StyledFormMixin, forms.Form):
    organisation = _organisation_field()
    role = _role_field()

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisation_administrable(actor=actor)  # type: ignore[attr-defined]
        self.style_fields()


class UserPersonForm(StyledFormMixin, forms.Form):
    """The person an account belongs to, by id (the service resolves it through the
    administrator's scope: absent and outside answer the same "not found"); blank unlinks."""

    person = forms.IntegerField(
        label=_("Mã công dân của người trong hồ sơ"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "Số ở cuối địa chỉ trang hồ sơ của người đó (…/people/<mã>/). Để trống để bỏ gắn."
        ),
        error_messages={
            "invalid": _("Mã công dân phải là một số."),
            "min_value": _("Mã công dân phải là số dương."),
            "max_value": _("Mã công dân quá lớn."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("active", _("Đang hoạt động")), ("locked", _("Đã khóa"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Tên đăng nhập, họ tên, thư điện tử")
        self.style_fields()


class OtpForm(StyledFormMixin, forms.Form):
    """A code from the authenticator app (6 digits) or a recovery code."""

    otp = forms.CharField(
        label=_("Mã xác thực"),
        max_length=32,
        error_messages={"required": _("Nhập mã xác thực.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
