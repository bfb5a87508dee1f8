"""The request pages' forms (Vietnamese, dates dd/mm/yyyy). The services judge; the forms only
parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.correspondence.models import Conclusion, RequestKind, RequestStatus, VerificationPlace
from ptdv.correspondence.selectors import DIRECTIONS


class _Styled(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class RequestFilterForm(_Styled):
    direction = forms.ChoiceField(
        label="Chiều", choices=[("", "Đến và đi"), *DIRECTIONS.items()], required=False
    )
    status = forms.ChoiceField(
        label="Tình trạng", choices=[("", "Mọi tình trạng"), *RequestStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label="Loại yêu cầu", choices=[("", "Mọi loại"), *RequestKind.choices], required=False
    )


class RequestForm(_Styled):
    kind = forms.ChoiceField(label="Loại yêu cầu", choices=RequestKind.choices)
    place = forms.ChoiceField(
        label="Nơi thẩm tra (thẩm tra lý lịch)",
        choices=[("", "—"), *VerificationPlace.choices],
        required=False,
    )
    addressee = forms.CharField(
        label="Tổ chức nhận trong hệ thống: tên hoặc mã",
        max_length=255,
        required=False,
        help_text="Ví dụ: Đảng bộ phường Nam Hà. Để trống khi gửi ra ngoài hệ thống.",
    )
    addressee_name = forms.CharField(
        label="Hoặc: tên nơi nhận ngoài hệ thống", max_length=255, required=False
    )
    addressee_address = forms.CharField(label="Địa chỉ nơi nhận", max_length=255, required=False)
    home_town = forms.CharField(label="Quê quán", max_length=255, required=False)
    questions = forms.CharField(
        label="Nội dung đề nghị", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(_Styled):
    reply_text = forms.CharField(
        label="Nội dung trả lời", max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusion = forms.ChoiceField(label="Kết luận", choices=Conclusion.choices)
    answered_on = VietnameseDateField(label="Ngày trả lời")
    reply_number = forms.CharField(label="Số văn bản trả lời", max_length=60, required=False)
    reply_signer = forms.CharField(label="Người ký", max_length=150, required=False)
    scan = forms.FileField(label="Bản chụp văn bản đã ký (PDF, JPEG, PNG)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(_Styled):
    organisation = forms.ChoiceField(label="Chi bộ tiếp nhận hồ sơ")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, cells: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.choices = [("", "—"), *cells]


class ReasonForm(_Styled):
    reason = forms.CharField(label="Lý do", max_length=255)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(_Styled):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
