"""POST /api/v1/auth/token/: exchange a username and password for a Bearer token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from ptdv.accounts.serializers import TokenObtainSerializer, TokenSerializer
from ptdv.audit.services import audit_record
from ptdv.core.api import error_body


class TokenThrottle(AnonRateThrottle):
    """Slows password guessing: per client address, whatever the account."""

    scope = "auth_token"
    rate = "30/min"


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
            "`Authorization: Bearer <token>` ở mọi yêu cầu khác. Mỗi người dùng có một mã."
        ),
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Thiếu tên đăng nhập hoặc mật khẩu."),
            401: OpenApiResponse(description="Sai tên đăng nhập, mật khẩu hoặc tài khoản bị khóa."),
            429: OpenApiResponse(description="Quá nhiều lần thử từ một địa chỉ."),
        },
        tags=["auth"],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            refusal = [
                str(detail)
                for detail in serializer.errors.get("non_field_errors", [])
                if getattr(detail, "code", None) == "authorization"
            ]
            if refusal:
                # Well-formed credentials that do not sign anyone in: 401, not a field error.
                return Response(
                    error_body("authentication_failed", refusal[0]),
                    status=status.HTTP_401_UNAUTHORIZED,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(actor=user, action="login", summary="Cấp mã truy cập API")
        return Response({"token": token.key}, status=status.HTTP_200_OK)
