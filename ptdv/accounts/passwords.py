"""Password rules with Vietnamese messages (settings.AUTH_PASSWORD_VALIDATORS).

Django's Vietnamese catalogue translates the common-password and all-digits messages (those
two validators are used as they are) but leaves the length message in English (its plural form
is not translated) and names fields with their capitalised verbose names: the two validators
here give their own Vietnamese messages. The similarity check also compares the password with
the names stripped of their accents and spaces: "nguyenvanan2000" must count as similar to
"Nguyễn Văn An".
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import FieldDoesNotExist, ValidationError

from ptdv.accounts.models import User
from ptdv.core.text import fold

MIN_LENGTH = 10


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def __init__(self, min_length: int = MIN_LENGTH) -> None:
        super().__init__(min_length=min_length)

    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    """Refuses a password too similar to the user's username, full name or e-mail address,
    compared as typed and without accents or spaces, as a whole and part by part."""

    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "email")

    def __init__(
        self,
        user_attributes: tuple[str, ...] = DEFAULT_USER_ATTRIBUTES,
        max_similarity: float = 0.7,
    ) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    @staticmethod
    def _variants(value: str) -> set[str]:
        lower = value.lower()
        folded = fold(value)
        variants = {lower, folded, folded.replace(" ", "")}
        for text in (lower, folded):
            variants.update(part for part in re.split(r"\W+", text) if part)
        return variants

    def validate(self, password: str, user: User | None = None) -> None:
        if not user:
            return
        candidates = {password.lower(), fold(password)}
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            for variant in self._variants(value):
                for typed in candidates:
                    if django_validation.exceeds_maximum_length_ratio(
                        typed, self.max_similarity, variant
                    ):
                        continue
                    if SequenceMatcher(a=typed, b=variant).quick_ratio() >= self.max_similarity:
                        raise ValidationError(
                            self._message(user, attribute),
                            code="password_too_similar",
                        )

    @staticmethod
    def _message(user: User, attribute: str) -> str:
        try:
            field = user._meta.get_field(attribute)
            name = str(getattr(field, "verbose_name", attribute))
        except FieldDoesNotExist:
            name = attribute
        return f"Mật khẩu quá giống với {name.lower()} của tài khoản."

    def get_help_text(self) -> str:
        return "Mật khẩu không được quá giống tên đăng nhập, họ tên hay địa chỉ thư điện tử."
