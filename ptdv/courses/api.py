"""API v1 of courses: `/api/v1/courses/` with `/{id}/enrolments/`, `/{id}/sessions/`,
`/{id}/certificates/` (and the attendance of a session, the results, the printed
certificates, the yearly figures).

A course outside the user's subtree answers 404, as an absent one; inside it, a role below
clerk may read but not change (403). A dossier named in an enrolment outside the user's scope
answers 404 too, and nothing is written. A stale `version` answers 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.core.api import error_body, stale_response
from ptdv.core.schema import error_ref
from ptdv.courses import selectors, services
from ptdv.courses.certificates import FORMATS, certificates_render
from ptdv.courses.models import Course, CourseSession, Enrolment
from ptdv.courses.serializers import (
    AttendanceSerializer,
    CertificateIssueSerializer,
    CourseQuerySerializer,
    CourseSerializer,
    CourseUpdateSerializer,
    CourseWriteSerializer,
    EnrolmentSerializer,
    EnrolSerializer,
    FiguresQuerySerializer,
    FiguresSerializer,
    ResultsSerializer,
    SessionSerializer,
    SessionWriteSerializer,
)
from ptdv.documents.api import _JsonOnlyNegotiation, content_disposition
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_roots

_NOT_FOUND = OpenApiResponse(description="Không tìm thấy (hoặc ngoài phạm vi được phân quyền).")
_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Vai trò không được phép (cần nhập liệu trở lên)."),
    404: _NOT_FOUND,
    409: OpenApiResponse(
        error_ref("StaleVersionError"), description="Lớp đã bị người khác thay đổi."
    ),
    422: OpenApiResponse(description="Dữ liệu đúng định dạng nhưng không được chấp nhận."),
}
_COURSE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Mã lớp.")


def _course_data(values: dict[str, Any], organiser: Any) -> services.CourseData:
    return services.CourseData(
        organiser=organiser,
        kind=values["kind"],
        format=values["format"],
        name=values["name"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        capacity=values["capacity"],
        venue=values.get("venue", ""),
        teachers=values.get("teachers", ""),
        issuing_body=values.get("issuing_body", ""),
    )


def _page_count(view: GenericAPIView[Any], default: int) -> Any:
    page = getattr(view.paginator, "page", None)
    return page.paginator.count if page is not None else default


class CourseListView(GenericAPIView[Course]):
    serializer_class = CourseSerializer
    queryset = Course.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Danh sách lớp bồi dưỡng",
        description="Các lớp do tổ chức trong phạm vi được phân quyền tổ chức, mới nhất trước.",
        parameters=[CourseQuerySerializer],
        responses={200: CourseSerializer(many=True), 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["courses"],
    )
    def get(self, request: Request) -> Response:
        query = CourseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        if "delivery" in filters:
            filters["format"] = filters.pop("delivery")
        if "organisation" in filters:
            filters["organisation"] = organisation_policy.get_visible(
                request.user, filters["organisation"]
            )
        qs = selectors.course_list(actor=request.user, filters=filters, today=timezone.localdate())
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(CourseSerializer(page, many=True).data)

    @extend_schema(
        summary="Mở lớp bồi dưỡng",
        request=CourseWriteSerializer,
        responses={201: CourseSerializer, **{k: v for k, v in _ERRORS.items() if k != 409}},
        tags=["courses"],
    )
    def post(self, request: Request) -> Response:
        body = CourseWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        course = services.course_create(
            actor=request.user, data=_course_data(values, values["organisation"])
        )
        course = selectors.course_list(actor=request.user).get(pk=course.pk)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)


class CourseDetailView(GenericAPIView[Course]):
    serializer_class = CourseSerializer
    queryset = Course.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Một lớp bồi dưỡng",
        parameters=[_COURSE_ID],
        responses={200: CourseSerializer, 404: _NOT_FOUND},
        tags=["courses"],
    )
    def get(self, request: Request, pk: int) -> Response:
        course = selectors.course_list(actor=request.user).filter(pk=pk).first()
        if course is None:
            return Response(error_body("not_found", "Không tìm thấy."), status=404)
        return Response(CourseSerializer(course).data)

    @extend_schema(
        summary="Sửa thông tin lớp bồi dưỡng",
        parameters=[_COURSE_ID],
        request=CourseUpdateSerializer,
        responses={200: CourseSerializer, **_ERRORS},
        tags=["courses"],
    )
    def put(self, request: Request, pk: int) -> Response:
        body = CourseUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        try:
            services.course_update(
                actor=request.user,
                course_id=pk,
                data=_course_data(values, None),
                version=values.get("version"),
            )
        except services.StaleCourse as exc:
            return stale_response(exc)
        course = selectors.course_list(actor=request.user).get(pk=pk)
        return Response(CourseSerializer(course).data)


def _enrolment_page(
    view: GenericAPIView[Enrolment], request: Request, course: Any, rows: Any, summary: str
) -> Response:
    """One page of a course's enrolments (students, certificates), its reading audited: the
    people listed are personal data."""
    page = view.paginate_queryset(rows)
    shown = list(page or [])
    audit_list_read(
        actor=request.user,
        object_type="courses.enrolment",
        ids=[e.pk for e in shown],
        person_ids=[e.candidacy.person_id for e in shown],
        count=_page_count(view, len(shown)),
        summary=summary,
        filters={"course": course.pk},
        organisation=course.organiser,
    )
    return view.get_paginated_response(EnrolmentSerializer(shown, many=True).data)


class EnrolmentsView(GenericAPIView[Enrolment]):
    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Học viên của lớp",
        description="Mỗi lần xem được ghi nhật ký (danh sách người).",
        parameters=[_COURSE_ID],
        responses={200: EnrolmentSerializer(many=True), 404: _NOT_FOUND},
        tags=["courses"],
    )
    def get(self, request: Request, pk: int) -> Response:
        course = selectors.course_get(actor=request.user, pk=pk)
        return _enrolment_page(
            self,
            request,
            course,
            selectors.course_enrolments(course=course),
            "Xem danh sách học viên lớp bồi dưỡng",
        )

    @extend_schema(
        summary="Ghi danh hồ sơ vào lớp",
        description=(
            "Ghi danh các hồ sơ `candidacies` (từ danh sách quần chúng hoặc tệp nhập): mọi hồ sơ "
            "phải trong phạm vi được phân quyền (nếu không: 404, không ghi gì), thuộc đơn vị tổ "
            "chức lớp, đúng giai đoạn và lớp còn chỗ (nếu không: 422). Tất cả hoặc không."
        ),
        parameters=[_COURSE_ID],
        request=EnrolSerializer,
        responses={
            201: EnrolmentSerializer(many=True),
            **{k: v for k, v in _ERRORS.items() if k != 409},
        },
        tags=["courses"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = EnrolSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = services.enrolments_add(
            actor=request.user,
            course_id=pk,
            candidacy_ids=body.validated_data["candidacies"],
            today=timezone.localdate(),
        )
        return Response(EnrolmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class SessionsView(GenericAPIView[CourseSession]):
    serializer_class = SessionSerializer
    queryset = CourseSession.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Các buổi học của lớp",
        parameters=[_COURSE_ID],
        responses={200: SessionSerializer(many=True), 404: _NOT_FOUND},
        tags=["courses"],
    )
    def get(self, request: Request, pk: int) -> Response:
        course = selectors.course_get(actor=request.user, pk=pk)
        page = self.paginate_queryset(selectors.course_sessions(course=course))
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(
        summary="Thêm buổi học",
        parameters=[_COURSE_ID],
        request=SessionWriteSerializer,
        responses={201: SessionSerializer, **{k: v for k, v in _ERRORS.items() if k != 409}},
        tags=["courses"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = SessionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = services.session_add(actor=request.user, course_id=pk, **body.validated_data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class AttendanceView(GenericAPIView[Course]):
    serializer_class = AttendanceSerializer
    queryset = Course.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Điểm danh một buổi học",
        description="`present`: mã các học viên có mặt; các học viên khác của lớp vắng.",
        parameters=[
            _COURSE_ID,
            OpenApiParameter("session_id", int, OpenApiParameter.PATH, description="Mã buổi học."),
        ],
        request=AttendanceSerializer,
        responses={200: SessionSerializer, **_ERRORS},
        tags=["courses"],
    )
    def post(self, request: Request, pk: int, session_id: int) -> Response:
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.attendance_record(
                actor=request.user,
                course_id=pk,
                present={session_id: body.validated_data["present"]},
                today=timezone.localdate(),
                version=body.validated_data.get("version"),
            )
        except services.StaleCourse as exc:
            return stale_response(exc)
        session = selectors.course_sessions(
            course=selectors.course_get(actor=request.user, pk=pk)
        ).get(pk=session_id)
        return Response(SessionSerializer(session).data)


class ResultsView(GenericAPIView[Course]):
    serializer_class = ResultsSerializer
    queryset = Course.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Ghi kết quả học tập",
        description="Mỗi học viên: `passed` (đạt), `failed` (không đạt) hoặc rỗng (chưa có).",
        parameters=[_COURSE_ID],
        request=ResultsSerializer,
        responses={200: EnrolmentSerializer(many=True), **_ERRORS},
        tags=["courses"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ResultsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.results_record(
                actor=request.user,
                course_id=pk,
                results={r["enrolment"]: r["result"] for r in body.validated_data["results"]},
                version=body.validated_data.get("version"),
            )
        except services.StaleCourse as exc:
            return stale_response(exc)
        course = selectors.course_get(actor=request.user, pk=pk)
        rows = list(selectors.course_enrolments(course=course)[:1000])
        return Response(EnrolmentSerializer(rows, many=True).data)


class CertificatesView(GenericAPIView[Enrolment]):
    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Giấy chứng nhận đã cấp của lớp",
        description="Theo số trong sổ đăng ký văn bản của đơn vị tổ chức lớp.",
        parameters=[_COURSE_ID],
        responses={200: EnrolmentSerializer(many=True), 404: _NOT_FOUND},
        tags=["courses"],
    )
    def get(self, request: Request, pk: int) -> Response:
        course = selectors.course_get(actor=request.user, pk=pk)
        return _enrolment_page(
            self,
            request,
            course,
            selectors.course_certificates(course=course),
            "Xem giấy chứng nhận lớp bồi dưỡng",
        )

    @extend_schema(
        summary="Cấp giấy chứng nhận cho học viên đạt",
        description=(
            "Mỗi học viên đạt chưa có giấy được cấp một số liên tiếp trong sổ đăng ký văn bản "
            "của đơn vị tổ chức lớp, theo thứ tự tên, và giấy chứng nhận được ghi vào hồ sơ qua "
            "thao tác của hồ sơ (`record_certificate`, hoặc `record_newmember_course` với lớp "
            "đảng viên mới). Một hồ sơ bị quy định từ chối thì không cấp gì (422)."
        ),
        parameters=[_COURSE_ID],
        request=CertificateIssueSerializer,
        responses={201: EnrolmentSerializer(many=True), **_ERRORS},
        tags=["courses"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = CertificateIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            issued = services.certificates_issue(
                actor=request.user,
                course_id=pk,
                on=body.validated_data["date"],
                today=timezone.localdate(),
                signer=body.validated_data.get("signer", ""),
                version=body.validated_data.get("version"),
            )
        except services.StaleCourse as exc:
            return stale_response(exc)
        return Response(EnrolmentSerializer(issued, many=True).data, status=status.HTTP_201_CREATED)


class CertificatesPrintView(_JsonOnlyNegotiation):
    @extend_schema(
        summary="In giấy chứng nhận của lớp (một tệp PDF hoặc DOCX)",
        description="Mọi giấy chứng nhận đã cấp của lớp, mỗi giấy một trang; được ghi nhật ký.",
        parameters=[
            _COURSE_ID,
            OpenApiParameter("ext", str, OpenApiParameter.PATH, enum=sorted(FORMATS)),
        ],
        responses={
            **{(200, media_type): OpenApiTypes.BINARY for media_type in FORMATS.values()},
            404: _NOT_FOUND,
            409: OpenApiResponse(description="Lớp chưa cấp giấy chứng nhận nào."),
        },
        tags=["courses"],
    )
    def get(self, request: Request, pk: int, ext: str) -> HttpResponse | Response:
        if ext not in FORMATS:
            return Response(error_body("not_found", "Không tìm thấy."), status=404)
        try:
            rendered = certificates_render(actor=request.user, course_id=pk, fmt=ext)
        except ValueError:
            return Response(
                error_body("not_available", "Lớp chưa cấp giấy chứng nhận nào."),
                status=status.HTTP_409_CONFLICT,
            )
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = content_disposition(rendered.filename)
        response["Cache-Control"] = "no-store"
        return response


class FiguresView(GenericAPIView[Course]):
    serializer_class = FiguresSerializer
    queryset = Course.objects.none()  # the schema's model; rows come from the selectors

    @extend_schema(
        summary="Số liệu lớp bồi dưỡng của một tổ chức trong năm",
        description=(
            "Cho tổ chức và từng tổ chức trực thuộc: số quần chúng học lớp nhận thức về Đảng "
            "bế giảng trong năm (theo chi bộ của hồ sơ), số đạt, số ngày trung vị từ ngày cấp "
            "giấy chứng nhận đến ngày làm đơn, và trong số người được quyết định kết nạp trong "
            "năm, tỷ lệ đã học lớp buổi tối hoặc trực tuyến."
        ),
        parameters=[FiguresQuerySerializer],
        responses={200: FiguresSerializer, 400: _ERRORS[400], 404: _NOT_FOUND},
        tags=["courses"],
    )
    def get(self, request: Request) -> Response:
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisation: Organisation | None
        if "organisation" in query.validated_data:
            organisation = organisation_policy.get_visible(
                request.user, query.validated_data["organisation"]
            )
        else:
            organisation = organisation_roots(actor=request.user).first()
        if organisation is None:
            raise PermissionDenied
        year = query.validated_data.get("year") or timezone.localdate().year
        total, children = selectors.course_figures(
            actor=request.user, organisation=organisation, year=year
        )
        audit_record(
            actor=request.user,
            action="view",
            obj=organisation,
            summary="Xem số liệu lớp bồi dưỡng",
            data={"year": year},
        )
        return Response(
            {"year": year, "total": total.to_dict(), "children": [c.to_dict() for c in children]}
        )
