"""API tokens: POST /api/v1/auth/token/ exchanges a username and password (and, for an
account with two-factor sign-in, the current code) for a Bearer token; GET
/api/v1/auth/tokens/ lists the caller's tokens; DELETE /api/v1/auth/tokens/{id}/ revokes one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from ptdv.accounts.lockout import (
    SignInLocked,
    TwoFactorSetupRequired,
    api_sign_in,
    lockout_message,
)
from ptdv.accounts.serializers import (
    ApiTokenSerializer,
    TokenObtainSerializer,
    TokenSerializer,
)
from ptdv.accounts.tokens import api_token_get_own, api_token_issue, api_token_revoke, api_tokens_of
from ptdv.core.api import error_body

TWO_FACTOR_SETUP = (
    "Tài khoản này phải bật xác thực hai bước trên trang web (mục “Bảo mật tài khoản”) "
    "trước khi lấy mã truy cập API."
)


class TokenThrottle(AnonRateThrottle):
    """Slows password guessing: per client address, whatever the account."""

    scope = "auth_token"
    rate = "30/min"


class AccountLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"


class TwoFactorRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "otp_setup_required"


class TokenObtainView(APIView):
    # No session authentication here: a form post from a signed-in browser must not need a
    # CSRF token to ask for an API token, and anonymous callers are the norm.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        summary="Lấy mã truy cập API",
        description=(
            "Đổi tên đăng nhập và mật khẩu lấy mã truy cập; gửi mã này trong tiêu đề "
            "`Authorization: Bearer <token>` ở mọi yêu cầu khác. Mỗi lần gọi cấp một mã mới, "
            "có hạn dùng (`expires_at`); mã chỉ hiện một lần. Tài khoản bật xác thực hai bước "
            "gửi thêm `otp`: mã 6 chữ số hiện tại của ứng dụng xác thực, hoặc một mã khôi phục. "
            "Đăng nhập sai nhiều lần liên tiếp (kể cả sai mã `otp`) thì tài khoản bị tạm khóa."
        ),
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="Thiếu trường, hoặc sai mã xác thực hai bước (`otp`)."
            ),
            401: OpenApiResponse(description="Sai tên đăng nhập, mật khẩu hoặc tài khoản bị khóa."),
            403: OpenApiResponse(description="Tài khoản phải bật xác thực hai bước trước."),
            429: OpenApiResponse(
                description="Tài khoản bị tạm khóa do đăng nhập sai nhiều lần, "
                "hoặc quá nhiều yêu cầu từ một địa chỉ."
            ),
        },
        tags=["auth"],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = api_sign_in(
                request=request,
                username=data["username"],
                password=data["password"],
                otp=data.get("otp") or "",
            )
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) != "authorization":
                raise
            # Well-formed credentials that sign no one in: 401, not a field error.
            return Response(
                error_body("authentication_failed", exc.messages[0]),
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
        except SignInLocked:
            raise AccountLocked(error_body("account_locked", lockout_message())) from None
        except TwoFactorSetupRequired:
            raise TwoFactorRequired(error_body("otp_setup_required", TWO_FACTOR_SETUP)) from None
        token, key = api_token_issue(user=user)
        return Response({"token": key, "expires_at": token.expires_at}, status=status.HTTP_200_OK)


class TokenListView(APIView):
    @extend_schema(
        summary="Các mã truy cập API của tôi",
        description="Mọi mã đã cấp cho người gọi, mới nhất trước: lúc cấp, lần dùng cuối, "
        "hạn dùng, lúc thu hồi. Không bao giờ trả lại chính mã.",
        responses={200: ApiTokenSerializer(many=True)},
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        tokens = api_tokens_of(user=request.user)  # type: ignore[arg-type]
        return Response(ApiTokenSerializer(tokens, many=True).data)


class TokenDetailView(APIView):
    @extend_schema(
        summary="Thu hồi một mã truy cập API của tôi",
        description="Mã bị thu hồi không dùng được nữa (401). Mã của người khác: 404.",
        request=None,
        responses={204: None, 404: OpenApiResponse(description="Không tìm thấy.")},
        tags=["auth"],
    )
    def delete(self, request: Request, pk: Any) -> Response:
        token = api_token_get_own(actor=request.user, pk=pk)
        api_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
