from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiSerializer


class TokenObtainSerializer(ApiSerializer):
    username = serializers.CharField(label=_("tên đăng nhập"), max_length=150)
    password = serializers.CharField(
        label=_("mật khẩu"), max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The model backend refuses inactive users: they get the same answer as a wrong
        # password, so the endpoint never tells which accounts exist.
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."),
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(ApiSerializer):
    token = serializers.CharField(read_only=True)
