"""Shared pieces of API v1: serializers that answer in Vietnamese, policy-scoped id fields, and
the base of the views on objects seen through a policy (`ScopedObjectView`).
(The public documentation page is assembled with the API itself: config/api_docs.py.)

DRF's Vietnamese catalogue leaves most field messages in English, so every API serializer
derives from `ApiSerializer` / `ApiModelSerializer`, which swap DRF's untranslated defaults for
the messages below (a message given explicitly to a field is kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core import validators as django_validators
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf_fields
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.core.api import stale_response
from ptdv.core.policies import Policy

# Messages by error code, whatever the field type.
_MESSAGES: dict[str, Any] = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này không được để trống."),
    "blank": _("Trường này không được để trống."),
    "max_length": _("Không được dài quá {max_length} ký tự."),
    "min_length": _("Phải có ít nhất {min_length} ký tự."),
    "max_value": _("Giá trị không được lớn hơn {max_value}."),
    "min_value": _("Giá trị không được nhỏ hơn {min_value}."),
    "max_string_length": _("Giá trị quá lớn."),
    "max_digits": _("Không được có quá {max_digits} chữ số."),
    "max_decimal_places": _("Không được có quá {max_decimal_places} chữ số thập phân."),
    "invalid_choice": _("“{input}” không phải là lựa chọn hợp lệ."),
    "not_a_list": _("Cần một danh sách, nhưng nhận được kiểu “{input_type}”."),
    "not_a_dict": _("Cần một đối tượng, nhưng nhận được kiểu “{input_type}”."),
    "empty": _("Danh sách này không được để trống."),
    "datetime": _("Cần một ngày, không phải ngày giờ."),
    "date": _("Cần ngày giờ, không phải chỉ có ngày."),
    "make_aware": _("Thời điểm không hợp lệ ở múi giờ {timezone}."),
    "overflow": _("Ngày giờ vượt quá giới hạn."),
    "does_not_exist": _("Không tìm thấy đối tượng có mã “{pk_value}”."),
    "incorrect_type": _("Sai kiểu dữ liệu: cần một mã số, nhưng nhận được {data_type}."),
    "no_match": _("Không tìm thấy đối tượng nào khớp với đường dẫn."),
    "no_name": _("Không xác định được tên tệp."),
    "invalid_image": _("Tệp tải lên không phải là ảnh hợp lệ."),
}
# Messages whose wording depends on the field type (the first matching class wins).
_BY_TYPE: list[tuple[type, str, Any]] = [
    (drf_fields.BooleanField, "invalid", _("Cần giá trị đúng hoặc sai (true/false).")),
    (drf_fields.IntegerField, "invalid", _("Cần một số nguyên hợp lệ.")),
    (drf_fields.FloatField, "invalid", _("Cần một số hợp lệ.")),
    (drf_fields.DecimalField, "invalid", _("Cần một số hợp lệ.")),
    (drf_fields.DateTimeField, "invalid", _("Ngày giờ không đúng định dạng ISO 8601.")),
    (
        drf_fields.DateField,
        "invalid",
        _("Ngày không đúng định dạng; hãy dùng YYYY-MM-DD hoặc dd/mm/yyyy."),
    ),
    (drf_fields.CharField, "invalid", _("Cần một chuỗi ký tự hợp lệ.")),
    (drf_fields.JSONField, "invalid", _("Giá trị phải là JSON hợp lệ.")),
    (
        serializers.BaseSerializer,
        "invalid",
        _("Dữ liệu không hợp lệ: cần một đối tượng, nhưng nhận được {datatype}."),
    ),
    (drf_fields.MultipleChoiceField, "empty", _("Phải chọn ít nhất một giá trị.")),
    (drf_fields.ListField, "max_length", _("Không được có quá {max_length} phần tử.")),
    (drf_fields.ListField, "min_length", _("Phải có ít nhất {min_length} phần tử.")),
    (serializers.ListSerializer, "max_length", _("Không được có quá {max_length} phần tử.")),
    (serializers.ListSerializer, "min_length", _("Phải có ít nhất {min_length} phần tử.")),
    (drf_fields.Field, "invalid", _("Giá trị không hợp lệ.")),
]
_NUL_MESSAGE = _("Không được chứa ký tự NUL (\\x00).")
# Django's own validators carry good Vietnamese messages; DRF replaces them with English ones.
_LIMIT_VALIDATORS = (
    django_validators.MaxLengthValidator,
    django_validators.MinLengthValidator,
    django_validators.MaxValueValidator,
    django_validators.MinValueValidator,
)


# Both lookups below depend on the field's class alone, and every serializer's fields are
# built (and localised) again for each request: they are worked out once per class (and
# code) and kept for the process.
_class_defaults_found: dict[type[Any], dict[str, Any]] = {}
_replacements_found: dict[tuple[type[Any], str], Any] = {}


def _class_defaults(field_class: type[Any]) -> dict[str, Any]:
    defaults = _class_defaults_found.get(field_class)
    if defaults is None:
        defaults = {}
        for cls in reversed(field_class.__mro__):
            defaults.update(getattr(cls, "default_error_messages", {}))
        _class_defaults_found[field_class] = defaults
    return defaults


def _replacement(field_class: type[Any], code: str) -> Any:
    """The Vietnamese message for `code` of a field of this class (None: none)."""
    key = (field_class, code)
    if key not in _replacements_found:
        _replacements_found[key] = next(
            (text for cls, name, text in _BY_TYPE if name == code and issubclass(field_class, cls)),
            _MESSAGES.get(code),
        )
    return _replacements_found[key]


def localise_field(field: drf_fields.Field[Any, Any, Any, Any]) -> None:
    """Replace DRF's default (mostly English) messages of `field` with Vietnamese ones."""
    field_class = type(field)
    defaults = _class_defaults(field_class)
    for code, message in list(field.error_messages.items()):
        if defaults.get(code) is not message:
            continue  # given explicitly to this field: keep it
        replacement = _replacement(field_class, code)
        if replacement is not None:
            field.error_messages[code] = replacement
    for validator in field.validators:
        if isinstance(validator, _LIMIT_VALIDATORS):
            validator.message = type(validator).message
        elif isinstance(validator, django_validators.ProhibitNullCharactersValidator):
            validator.message = _NUL_MESSAGE
    child = getattr(field, "child", None)
    if isinstance(child, drf_fields.Field) and not isinstance(child, serializers.BaseSerializer):
        localise_field(child)


class _VietnameseMessages:
    def get_fields(self) -> dict[str, drf_fields.Field[Any, Any, Any, Any]]:
        fields: dict[str, drf_fields.Field[Any, Any, Any, Any]] = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            localise_field(field)
        return fields


class ApiSerializer(_VietnameseMessages, serializers.Serializer[Any]):
    default_error_messages = {
        "invalid": _("Dữ liệu không hợp lệ: cần một đối tượng, nhưng nhận được {datatype}.")
    }

    def to_internal_value(self, data: Any) -> Any:
        """A query string naming a single-valued parameter twice (`?organisation=1&
        organisation=`) is refused, not read as its last value (DRF's way, which made
        `?organisation=7&organisation=` a request with no filter at all)."""
        if isinstance(data, QueryDict):
            repeated = {
                name: [_("Chỉ được ghi một giá trị.")]
                for name, field in self.fields.items()
                if not field.read_only
                and not isinstance(field, (drf_fields.ListField, drf_fields.MultipleChoiceField))
                and len(data.getlist(name)) > 1
            }
            if repeated:
                raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)


class ApiModelSerializer(_VietnameseMessages, serializers.ModelSerializer[Any]):
    default_error_messages = ApiSerializer.default_error_messages


class VisibleRelatedField(serializers.PrimaryKeyRelatedField[Any]):
    """An id in a request body, looked up among what the requesting user may see.

    An id outside the user's subtree gets the same message as an absent one.
    """

    def __init__(self, *, policy: Policy[Any], not_found: str | Promise, **kwargs: Any) -> None:
        self.policy = policy
        kwargs.setdefault("queryset", policy.model._default_manager.all())
        kwargs["error_messages"] = {
            "does_not_exist": not_found,
            "incorrect_type": _("Sai kiểu dữ liệu: cần một mã số, nhưng nhận được {data_type}."),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.policy.visible_to(user)


# The shape of an app's views on one kind of object seen through the app's policy: its
# list (and recording a new one) or one object (reading, changing it).
#
# A subclass says how one object is fetched, `scoped_object`, which raises Http404 when the
# object is absent or outside the user's subtree (both answer the same 404); its handlers,
# each with its own `extend_schema`, then answer with:
#
# - `answer(request, pk)`: the object, serialized by `answer_serializer_class` (by default
#   `serializer_class`);
# - `create_answer(request)`: the body validated by `write_serializer_class`, handed to
#   `perform_create`, and the new object answered (201);
# - `update_answer(request, pk)`: the body validated by `update_serializer_class`, handed to
#   `perform_update`, and the object answered again; the exception `stale` (one carrying
#   `current`) answers 409 with the current version.
# (A comment, not a docstring: drf-spectacular would describe every operation of the views
# without a description of their own with it.)
class ScopedObjectView(GenericAPIView[Any]):
    answer_serializer_class: type[serializers.BaseSerializer[Any]] | None = None
    write_serializer_class: type[serializers.BaseSerializer[Any]]
    update_serializer_class: type[serializers.BaseSerializer[Any]]
    stale: type[Exception] | tuple[type[Exception], ...] = ()

    def scoped_object(self, request: Request, pk: int) -> Any:
        raise NotImplementedError

    def perform_create(self, request: Request, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_update(self, request: Request, pk: int, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def answer(self, request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
        serializer = self.answer_serializer_class or self.serializer_class
        assert serializer is not None
        return Response(serializer(self.scoped_object(request, pk)).data, status=code)

    def create_answer(self, request: Request) -> Response:
        created = self.perform_create(request, _validated(self.write_serializer_class, request))
        return self.answer(request, created.pk, status.HTTP_201_CREATED)

    def update_answer(self, request: Request, pk: int) -> Response:
        values = _validated(self.update_serializer_class, request)
        try:
            self.perform_update(request, pk, values)
        except self.stale as exc:
            return stale_response(exc)
        return self.answer(request, pk)


def _validated(
    serializer_class: type[serializers.BaseSerializer[Any]], request: Request
) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    values: Mapping[str, Any] = body.validated_data
    return dict(values)
