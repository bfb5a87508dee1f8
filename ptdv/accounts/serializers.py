from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.accounts.models import ApiToken
from ptdv.core.api_views import ApiModelSerializer, ApiSerializer


class TokenObtainSerializer(ApiSerializer):
    """The fields of a token request; ptdv.accounts.lockout.api_sign_in checks them."""

    username = serializers.CharField(label=_("tên đăng nhập"), max_length=150)
    password = serializers.CharField(
        label=_("mật khẩu"), max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        label=_("mã xác thực"),
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=_(
            "Chỉ cho tài khoản bật xác thực hai bước: mã 6 chữ số hiện tại của ứng dụng "
            "xác thực, hoặc một mã khôi phục chưa dùng."
        ),
    )


class TokenSerializer(ApiSerializer):
    token = serializers.CharField(read_only=True, help_text=_("Mã truy cập; chỉ hiện một lần."))
    expires_at = serializers.DateTimeField(read_only=True, help_text=_("Hết hạn lúc."))


class ApiTokenSerializer(ApiModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
        read_only_fields = fields
