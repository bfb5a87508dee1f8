"""`Authorization: Bearer <token>` with PTĐV's API tokens (ptdv.accounts.tokens).

An unknown, expired or revoked token, or one of a locked account, is answered 401 with the
error envelope and a Vietnamese message saying which."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from ptdv.accounts.tokens import api_token_lookup, api_token_touch

# Messages, not secrets.
TOKEN_EXPIRED = "Mã truy cập đã hết hạn; hãy lấy mã mới tại /api/v1/auth/token/."  # noqa: S105
TOKEN_REVOKED = "Mã truy cập đã bị thu hồi; hãy lấy mã mới tại /api/v1/auth/token/."  # noqa: S105
UNKNOWN = "Thông tin xác thực không hợp lệ."
MALFORMED = "Tiêu đề Authorization phải có dạng “Bearer <mã truy cập>”."


def _failed(code: str, message: str) -> exceptions.AuthenticationFailed:
    # Imported here: ptdv.core.api loads DRF's settings, which load this module.
    from ptdv.core.api import error_body

    return exceptions.AuthenticationFailed(error_body(code, message))


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise _failed("authentication_failed", MALFORMED)
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise _failed("authentication_failed", MALFORMED) from None
        token = api_token_lookup(key)
        if token is None or not token.user.is_active:
            raise _failed("authentication_failed", UNKNOWN)
        if token.revoked_at is not None:
            raise _failed("token_revoked", TOKEN_REVOKED)
        if token.expires_at <= timezone.now():
            raise _failed("token_expired", TOKEN_EXPIRED)
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describes the scheme in the OpenAPI schema (drf-spectacular finds it by class path)."""

    target_class = "ptdv.accounts.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 (the scheme's name, not a secret)
        )
        return scheme
