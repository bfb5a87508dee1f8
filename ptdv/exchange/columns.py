"""The columns of each import kind: Vietnamese headers, value types, coded values by their
Vietnamese labels, and the example row of the template.

The same definitions build the template a user downloads, read the workbook they send back,
and write the exports that are meant to be edited and imported again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ptdv.accounts.models import Role
from ptdv.candidacies.models import SourceChannel, Stage
from ptdv.core.text import fold
from ptdv.members.actions import EXPULSION_REASONS
from ptdv.members.models import ExitReason, MembershipAction, MembershipStatus, RemovalGrounds
from ptdv.organisations.models import AreaFlag, ChangeKind, Kind, LocalityKind, Sector
from ptdv.people.choices import ETHNICITIES, Education, Gender, Occupation, Religion, TargetGroup

ValueType = Literal["text", "date", "int", "bool", "code", "codes", "national_id"]

YES_NO = [("1", "Có"), ("0", "Không")]


def _choices(choices: Sequence[tuple[Any, Any]]) -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in choices if str(code) != ""]


INTRODUCTION_FORMS = [
    ("members", "Hai đảng viên chính thức"),
    ("youth_union", "BCH Đoàn cơ sở và một đảng viên chính thức"),
    ("trade_union", "BCH Công đoàn cơ sở và một đảng viên chính thức"),
]


_LABEL_MAPS: dict[int, dict[str, str]] = {}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: ValueType = "text"
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    example: Any = ""
    width: int = 16
    max_length: int = 255
    note: str = ""

    @property
    def by_label(self) -> dict[str, str]:
        """Folded label (and code) → code: the user types the Vietnamese label; the code
        itself is accepted too (exports from other systems). Built once per column."""
        mapping = _LABEL_MAPS.get(id(self))
        if mapping is None:
            mapping = {fold(label).strip(): code for code, label in self.choices}
            for code, _label in self.choices:
                mapping.setdefault(fold(code).strip(), code)
            _LABEL_MAPS[id(self)] = mapping
        return mapping

    @property
    def label_of(self) -> dict[str, str]:
        return dict(self.choices)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    sheet: str
    columns: list[Column]
    template_name: str

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# --- Shared person columns -------------------------------------------------------------------

PERSON_COLUMNS = [
    Column("family_name", "Họ", required=True, example="Nguyễn", width=12, max_length=60),
    Column("middle_name", "Tên đệm", example="Thị", width=12, max_length=80),
    Column("given_name", "Tên", required=True, example="Lan", width=10, max_length=40),
    Column("birth_date", "Ngày sinh", "date", required=True, example=dt.date(2001, 9, 5)),
    Column(
        "gender", "Giới tính", "code", required=True, choices=_choices(Gender.choices),
        example="Nữ", width=10,
    ),
    Column(
        "national_id", "Số định danh cá nhân (CCCD)", "national_id", example="042301012345",
        width=18, note="12 chữ số, nhập dạng văn bản để giữ số 0 ở đầu.",
    ),
    Column("ethnicity", "Dân tộc", "code", choices=_choices(ETHNICITIES), example="Kinh"),
    Column("religion", "Tôn giáo", "code", choices=_choices(Religion.choices), example="Không"),
    Column(
        "education", "Trình độ học vấn", "code", choices=_choices(Education.choices),
        example="Trung học phổ thông", width=22,
    ),
    Column(
        "occupation", "Nghề nghiệp", "code", choices=_choices(Occupation.choices),
        example="Công nhân, người lao động", width=24,
    ),
]  # fmt: skip

CANDIDATE_EXTRA = [
    Column(
        "workplace", "Nơi làm việc, học tập", example="Công ty May Hà Tĩnh", width=24
    ),
    Column(
        "residence_locality", "Mã thôn, tổ dân phố cư trú", example="",
        note="Mã thôn, tổ dân phố (xem danh sách thôn, tổ dân phố của xã).",
    ),
    Column(
        "target_groups", "Đối tượng ưu tiên", "codes", choices=_choices(TargetGroup.choices),
        example="Công nhân", width=22, note="Nhiều đối tượng cách nhau bằng dấu chấm phẩy (;).",
    ),
    Column("youth_union_member", "Đoàn viên", "bool", choices=YES_NO, example="Có", width=10),
    Column(
        "trade_union_member", "Công đoàn viên", "bool", choices=YES_NO, example="Không", width=10
    ),
    Column(
        "organisation", "Mã chi bộ", required=True, example="CB-MAU",
        note="Mã chi bộ nhận hồ sơ (trong phạm vi được phân quyền).",
    ),
    Column(
        "source_channel", "Nguồn giới thiệu", "code", choices=_choices(SourceChannel.choices),
        example="Công đoàn giới thiệu", width=22,
    ),
    Column("opened_on", "Ngày đưa vào nguồn", "date", example=dt.date(2026, 1, 15)),
]  # fmt: skip

# Where the candidate came from (issue 14 §4), last so the older columns keep their places.
SOURCE_COLUMNS = [
    Column(
        "movement", "Mã phong trào, câu lạc bộ", "int", width=12,
        note="Mã số phong trào, câu lạc bộ nơi quần chúng được phát hiện (trang Phong trào).",
    ),
    Column(
        "referring_body", "Mã đoàn thể giới thiệu", "int", width=12,
        note="Mã số đoàn thể giới thiệu (trang Đoàn thể); nguồn giới thiệu theo loại đoàn thể.",
    ),
]  # fmt: skip


def _optional(column: Column, example: Any = "") -> Column:
    return dataclasses.replace(column, required=False, example=example)


# Corrections of people (mode "update"): the national ID finds the person; an empty cell
# keeps the value the person has.
PEOPLE_UPDATE = [
    Column(
        "national_id", "Số định danh cá nhân (CCCD)", "national_id", required=True,
        example="042301012345", width=18,
        note="Số định danh hiện có của công dân: dùng để tìm công dân cần sửa.",
    ),
    Column(
        "new_national_id", "Số định danh mới", "national_id", width=18,
        note="Chỉ điền khi sửa số định danh (12 chữ số).",
    ),
    *(
        _optional(c, "Đại học" if c.key == "education" else "")
        for c in PERSON_COLUMNS
        if c.key != "national_id"
    ),
    *(
        _optional(c)
        for c in CANDIDATE_EXTRA
        if c.key in ("workplace", "residence_locality", "target_groups")
    ),
    Column(
        "youth_union_member", "Đoàn viên", "bool", choices=YES_NO, width=10,
    ),
    Column("trade_union_member", "Công đoàn viên", "bool", choices=YES_NO, width=10),
    Column(
        "reason", "Lý do sửa", width=30, max_length=500, example="",
        note="Bắt buộc khi sửa họ, tên đệm, tên, ngày sinh hoặc số định danh.",
    ),
]  # fmt: skip

_DOSSIER_STAGES = [(s.value, str(s.label)) for s in Stage if s not in (Stage.SOURCE, Stage.CLOSED)]


def _date(key: str, header: str, **kwargs: Any) -> Column:
    return Column(key, header, "date", **kwargs)


def _int(key: str, header: str, **kwargs: Any) -> Column:
    return Column(key, header, "int", width=12, **kwargs)


def _ref(key: str, header: str) -> Column:
    return Column(key, header, max_length=60, width=14)


DOSSIER_STEPS = [
    Column(
        "stage", "Giai đoạn hiện tại", "code", required=True, choices=_DOSSIER_STAGES,
        example=str(Stage.BRANCH_RESOLVED.label), width=26,
    ),
    _date("certificate_date", "Ngày cấp giấy chứng nhận CN-NTVĐ", example=dt.date(2025, 5, 20)),
    _ref("certificate_number", "Số giấy chứng nhận"),
    _date("application_date", "Ngày đơn xin vào Đảng", example=dt.date(2025, 10, 1)),
    _date("history_date", "Ngày khai lý lịch", example=dt.date(2025, 10, 5)),
    _date("verification_date", "Ngày kết luận thẩm tra lý lịch", example=dt.date(2025, 12, 1)),
    Column("verification_waived", "Miễn thẩm tra lý lịch", "bool", choices=YES_NO, width=10),
    Column(
        "introduction_form", "Hình thức giới thiệu", "code", choices=INTRODUCTION_FORMS,
        example=INTRODUCTION_FORMS[1][1], width=30,
    ),
    _date("introduction_date", "Ngày giới thiệu", example=dt.date(2025, 12, 10)),
    _date("opinions_date", "Ngày tổng hợp ý kiến (5-KNĐ)", example=dt.date(2025, 12, 15)),
    _date("branch_date", "Ngày nghị quyết chi bộ (6-KNĐ)", example=dt.date(2026, 3, 2)),
    _ref("branch_number", "Số nghị quyết chi bộ"),
    _int("branch_official", "Số đảng viên chính thức của chi bộ", example=9),
    _int("branch_agree", "Số đảng viên tán thành kết nạp", example=8),
    _date("committee_date", "Ngày nghị quyết đảng ủy cơ sở (8-KNĐ)"),
    _ref("committee_number", "Số nghị quyết đảng ủy cơ sở"),
    _int("committee_size", "Số ủy viên đảng ủy cơ sở"),
    _int("committee_agree", "Số ủy viên tán thành"),
    _date("decision_date", "Ngày quyết định kết nạp (9-KNĐ)"),
    _ref("decision_number", "Số quyết định kết nạp"),
    Column("decision_signer", "Người ký quyết định", max_length=150),
    _int("decision_size", "Số thành viên cấp quyết định"),
    _int("decision_agree", "Số thành viên tán thành quyết định"),
    _date("decision_received_date", "Ngày nhận quyết định kết nạp"),
    _date("ceremony_date", "Ngày lễ kết nạp"),
    _date("newmember_course_date", "Ngày chứng nhận lớp đảng viên mới"),
    _date("recognition_date", "Ngày nghị quyết chi bộ đề nghị công nhận (13-KNĐ)"),
    _ref("recognition_number", "Số nghị quyết đề nghị công nhận"),
    _int("recognition_agree", "Số đảng viên tán thành công nhận"),
    _date("recognition_decision_date", "Ngày quyết định công nhận chính thức"),
    _ref("recognition_decision_number", "Số quyết định công nhận"),
    _int("recognition_decision_size", "Số thành viên cấp quyết định công nhận"),
    _int("recognition_decision_agree", "Số thành viên tán thành công nhận"),
]  # fmt: skip


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            "organisations", "Tổ chức đảng",
            [
                Column("code", "Mã", required=True, example="CB-MAU", max_length=40),
                Column("name", "Tên", required=True, example="Chi bộ thôn Mẫu", width=30),
                Column(
                    "kind", "Loại", "code", required=True, choices=_choices(Kind.choices),
                    example="Chi bộ", width=24,
                ),
                Column(
                    "parent", "Mã tổ chức cấp trên", required=True, example="",
                    note="Cấp trên đã có trong hệ thống hoặc ở một dòng phía trên.",
                ),
                Column("abbreviation", "Tên viết tắt", example="CB", max_length=40, width=10),
                Column(
                    "sector", "Lĩnh vực", "code", choices=_choices(Sector.choices), example="Xã"
                ),
                Column(
                    "area_flags", "Đặc điểm địa bàn", "codes",
                    choices=_choices(AreaFlag.choices), example="Miền núi", width=22,
                    note="Nhiều đặc điểm cách nhau bằng dấu chấm phẩy (;).",
                ),
                Column("admin_unit_code", "Mã đơn vị hành chính", max_length=10, width=12),
                Column("superior_name", "Tên cấp trên (in trên văn bản)", width=26),
                Column("place_name", "Địa danh (in trên văn bản)", max_length=100),
                Column(
                    "authorised_to_admit", "Được ủy quyền kết nạp", "bool", choices=YES_NO,
                    example="Không", width=10,
                ),
                Column(
                    "has_youth_union", "Có tổ chức Đoàn", "bool", choices=YES_NO, example="Có",
                    width=10,
                ),
                Column(
                    "has_trade_union", "Có tổ chức Công đoàn", "bool", choices=YES_NO,
                    example="Không", width=10,
                ),
                Column("valid_from", "Ngày thành lập", "date"),
            ],
            "mau-nhap-to-chuc-dang.xlsx",
        ),
        KindSpec(
            "localities", "Thôn, tổ dân phố",
            [
                Column("code", "Mã", required=True, example="TH-MAU", max_length=40),
                Column("name", "Tên", required=True, example="Thôn Mẫu", width=24),
                Column(
                    "kind", "Loại", "code", required=True,
                    choices=_choices(LocalityKind.choices), example="Thôn",
                ),
                Column("organisation", "Mã đảng bộ xã, phường", required=True, example=""),
                Column("cell", "Mã chi bộ phụ trách", example=""),
                Column("cell_is_shared", "Chi bộ ghép", "bool", choices=YES_NO, example="Không"),
                Column(
                    "area_flags", "Đặc điểm địa bàn", "codes",
                    choices=_choices(AreaFlag.choices), width=22,
                ),
            ],
            "mau-nhap-thon-to-dan-pho.xlsx",
        ),
        KindSpec(
            "users", "Người dùng",
            [
                Column(
                    "username", "Tên đăng nhập", required=True, example="cb.mau", max_length=150
                ),
                Column(
                    "full_name", "Họ và tên", example="Nguyễn Văn Mẫu", width=24, max_length=150
                ),
                Column("email", "Thư điện tử", width=24),
                Column("organisation", "Mã tổ chức được phân quyền", required=True, example=""),
                Column(
                    "role", "Vai trò", "code", required=True, choices=_choices(Role.choices),
                    example="Nhập liệu",
                ),
                Column(
                    "password", "Mật khẩu ban đầu", max_length=128,
                    note="Để trống: người quản trị đặt mật khẩu sau.",
                ),
            ],
            "mau-nhap-nguoi-dung.xlsx",
        ),
        KindSpec(
            "members", "Đảng viên",
            [
                *PERSON_COLUMNS,
                Column("organisation", "Mã chi bộ", required=True, example="CB-MAU"),
                Column(
                    "status", "Tình trạng", "code", required=True,
                    choices=_choices(MembershipStatus.choices), example="Chính thức",
                ),
                Column("admission_decision_date", "Ngày quyết định kết nạp", "date",
                       example=dt.date(2015, 3, 1)),
                Column("ceremony_date", "Ngày kết nạp", "date", example=dt.date(2015, 3, 20)),
                Column("official_date", "Ngày chính thức", "date", example=dt.date(2016, 3, 20)),
                Column("exit_date", "Ngày ra khỏi tổ chức", "date"),
                Column("exit_reason", "Lý do ra khỏi tổ chức", "code",
                       choices=_choices(ExitReason.choices), width=24),
                Column("readmitted", "Kết nạp lại", "bool", choices=YES_NO, example="Không"),
            ],
            "mau-nhap-dang-vien.xlsx",
        ),
        KindSpec(
            "candidates", "Quần chúng",
            [*PERSON_COLUMNS, *CANDIDATE_EXTRA, *SOURCE_COLUMNS],
            "mau-nhap-quan-chung.xlsx",
        ),
        KindSpec(
            "dossiers", "Hồ sơ",
            [*PERSON_COLUMNS, *CANDIDATE_EXTRA, *DOSSIER_STEPS, *SOURCE_COLUMNS],
            "mau-nhap-ho-so-dang-thuc-hien.xlsx",
        ),
        KindSpec("people", "Công dân", PEOPLE_UPDATE, "mau-sua-thong-tin-cong-dan.xlsx"),
        KindSpec(
            "enrolments", "Ghi danh",
            [
                Column("course", "Mã lớp", "int", required=True, example=1, width=10,
                       note="Số ở trang của lớp (lớp bồi dưỡng)."),
                Column("candidacy", "Mã hồ sơ", "int", example=1, width=10,
                       note="Hoặc để trống và ghi số định danh."),
                Column("national_id", "Số định danh cá nhân (CCCD)", "national_id",
                       example="", width=18),
                Column("full_name", "Họ và tên (để đối chiếu)", width=24, max_length=200,
                       example="Trần Thị Mẫu"),
            ],
            "mau-ghi-danh-lop-boi-duong.xlsx",
        ),
        KindSpec(
            "organisation_changes", "Thay đổi tổ chức",
            [
                Column(
                    "change", "Loại thay đổi", "code", required=True,
                    choices=_choices(
                        [(k, label) for k, label in ChangeKind.choices
                         if k in ("merge", "split", "rename", "move", "dissolve")]
                    ),
                    example="Hợp nhất, sáp nhập", width=20,
                ),
                Column("organisation", "Mã tổ chức", required=True, example="X-CU-1",
                       max_length=40),
                Column(
                    "target", "Mã tổ chức tiếp nhận, tổ chức mới hoặc cấp trên mới",
                    example="X-MOI-1", max_length=40, width=22,
                    note="Hợp nhất: các dòng cùng mã tiếp nhận là một cuộc hợp nhất; mã chưa "
                    "có trong hệ thống là tổ chức mới. Chia tách: mỗi dòng một tổ chức mới "
                    "(các dòng cùng mã tổ chức bị chia tách).",
                ),
                Column("new_name", "Tên mới", example="Đảng bộ xã Mới", width=28,
                       note="Tên tổ chức mới (hợp nhất) hoặc tên mới (đổi tên)."),
                Column("new_kind", "Loại tổ chức mới", "code", choices=_choices(Kind.choices),
                       width=20),
                Column("parent", "Mã cấp trên của tổ chức mới", max_length=40,
                       note="Để trống: cấp trên của tổ chức ở dòng đầu."),
                Column("children", "Mã tổ chức trực thuộc chuyển sang", width=24,
                       note="Chia tách: các tổ chức trực thuộc mà tổ chức mới nhận, cách "
                       "nhau bằng dấu phẩy; tổ chức mới đầu tiên nhận phần còn lại."),
                Column("localities", "Mã thôn, tổ dân phố chuyển sang", width=24,
                       note="Chia tách: các thôn, tổ dân phố mà tổ chức mới nhận, cách "
                       "nhau bằng dấu phẩy."),
                Column("decision_number", "Số quyết định", required=True,
                       example="125-QĐ/TU", max_length=60),
                Column("decision_date", "Ngày quyết định", "date", required=True,
                       example=dt.date(2025, 6, 20)),
                Column("issuing_body", "Cơ quan ban hành", required=True,
                       example="Ban Thường vụ Tỉnh ủy", width=24),
                Column("date", "Ngày có hiệu lực", "date", example=dt.date(2025, 7, 1),
                       note="Để trống: ngày quyết định."),
            ],
            "mau-nhap-thay-doi-to-chuc.xlsx",
        ),
    )
}  # fmt: skip


# Exits of current members (kind "members", mode "update"): the national ID finds the member.
EXIT_ACTIONS = (
    MembershipAction.REMOVE,
    MembershipAction.EXPEL,
    MembershipAction.DEATH,
    MembershipAction.TRANSFER_OUT,
)

MEMBER_EXITS = KindSpec(
    "members",
    "Đảng viên ra khỏi tổ chức",
    [
        Column(
            "national_id", "Số định danh cá nhân (CCCD)", "national_id", required=True,
            example="042301012345", width=18,
            note="Số định danh của đảng viên đang sinh hoạt: dùng để tìm đảng viên.",
        ),
        Column(
            "action", "Thao tác", "code", required=True,
            choices=_choices([(a.value, a.label) for a in EXIT_ACTIONS]), example="Xóa tên",
            width=22,
        ),
        Column("date", "Ngày có hiệu lực", "date", required=True, example=dt.date(2024, 6, 1)),
        Column(
            "grounds", "Căn cứ xóa tên", "code", choices=_choices(RemovalGrounds.choices),
            width=30, example="Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng",
            note="Bắt buộc khi xóa tên.",
        ),
        Column(
            "exit_reason", "Lý do khai trừ", "code",
            choices=_choices([(r.value, r.label) for r in EXPULSION_REASONS]), width=30,
        ),
        Column(
            "destination", "Nơi chuyển đến", width=24,
            note="Bắt buộc khi chuyển sinh hoạt ra ngoài tỉnh.",
        ),
        Column("reason", "Lý do", width=30, max_length=2000, example="Bỏ sinh hoạt 4 tháng"),
        Column("document_number", "Số văn bản", max_length=60, example="15-QĐ/ĐU"),
        Column("document_date", "Ngày văn bản", "date", example=dt.date(2024, 6, 1)),
        Column("issuing_body", "Cơ quan ban hành", width=24, example="Đảng ủy xã Mẫu"),
        Column("signer", "Người ký", max_length=150, example="Nguyễn Văn Ký"),
    ],
    "mau-cap-nhat-dang-vien-ra-khoi-to-chuc.xlsx",
)  # fmt: skip

# The columns of the modes other than a kind's first (KINDS holds the first's).
MODE_KINDS: dict[tuple[str, str], KindSpec] = {("members", "update"): MEMBER_EXITS}


def kind_spec(kind: str, mode: str | None = None) -> KindSpec:
    """The columns of an import of `kind` in `mode` (None: the kind's first mode)."""
    if mode is not None and (kind, mode) in MODE_KINDS:
        return MODE_KINDS[(kind, mode)]
    return KINDS[kind]
