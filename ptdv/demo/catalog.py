"""What the demo province is made of: unit templates, member profiles and Hà Tĩnh's areas.

Templates take `{unit}` ("tỉnh" or "thành phố"), `{place}` (the province's name) and, for the
units inside a commune, `{level}` ("xã", "phường", "đặc khu") and `{commune}`. Names of
enterprises are invented: the demo must not attach made-up party members to a real company.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ptdv.demo.names import Weighted
from ptdv.organisations.models import AreaFlag, Kind, Sector

# ---------------------------------------------------------------------------------------------
# Profiles: who the members and candidates of a kind of cell are.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """The population of one kind of cell (village, school, police station, enterprise…)."""

    key: str
    # Share of women among members and among candidates.
    female_members: float
    female_candidates: float
    # Age today of members admitted before 2019: (low, high, mode) of a triangular draw.
    member_age: tuple[int, int, int]
    # Age at admission, and age of today's candidates: (low, high, mode).
    candidate_age: tuple[int, int, int]
    # People in a workplace retire: nobody older than this is a member there.
    max_age: int
    occupation: Weighted
    candidate_occupation: Weighted
    education: Weighted
    source_channels: Weighted
    # Extra target groups a candidate of this profile belongs to, each with its probability.
    target_groups: tuple[tuple[str, float], ...] = ()
    enterprise_type: str = ""
    trade_union: bool = False
    # How many candidates per member compared with the province average, and how many
    # admissions per member compared with the province's yearly rate.
    candidate_factor: float = 1.0
    admission_factor: float = 1.0
    # Whether `Person.workplace` is the unit's name (schools, agencies, enterprises).
    workplace_is_unit: bool = True


W = Weighted.of

_SCHOOLING = W([("upper_secondary", 30), ("college", 15), ("university", 45), ("postgraduate", 10)])
_ARMED_EDUCATION = W(
    [("upper_secondary", 35), ("vocational", 15), ("college", 15), ("university", 35)]
)

PROFILES: dict[str, Profile] = {
    p.key: p
    for p in (
        Profile(
            key="village",
            female_members=0.30,
            female_candidates=0.40,
            member_age=(24, 92, 66),
            candidate_age=(18, 50, 26),
            max_age=95,
            occupation=W(
                [("farmer", 45), ("freelance", 14), ("worker", 8), ("retired", 25),
                 ("enterprise_manager", 2), ("other", 6)]
            ),
            candidate_occupation=W(
                [("farmer", 28), ("worker", 24), ("freelance", 24), ("enterprise_manager", 4),
                 ("other", 20)]
            ),
            education=W(
                [("primary", 6), ("lower_secondary", 30), ("upper_secondary", 44),
                 ("vocational", 8), ("college", 4), ("university", 8)]
            ),
            source_channels=W(
                [("youth_union", 30), ("residence", 22), ("farmers_union", 10),
                 ("womens_union", 10), ("veterans_union", 4), ("armed_forces", 10),
                 ("fatherland_front", 4), ("movement", 7), ("other", 3)]
            ),
            target_groups=(
                ("returning_worker", 0.10), ("discharged_soldier", 0.10),
                ("union_leader", 0.08), ("village_head", 0.03), ("business_owner", 0.03),
            ),
            candidate_factor=0.9,
            admission_factor=0.8,
            workplace_is_unit=False,
        ),
        Profile(
            key="urban",
            female_members=0.36,
            female_candidates=0.45,
            member_age=(26, 92, 64),
            candidate_age=(18, 50, 27),
            max_age=95,
            occupation=W(
                [("retired", 38), ("freelance", 18), ("worker", 10), ("enterprise_manager", 6),
                 ("civil_servant", 6), ("other", 22)]
            ),
            candidate_occupation=W(
                [("freelance", 30), ("worker", 25), ("enterprise_manager", 8), ("other", 37)]
            ),
            education=W(
                [("lower_secondary", 15), ("upper_secondary", 40), ("vocational", 10),
                 ("college", 10), ("university", 23), ("postgraduate", 2)]
            ),
            source_channels=W(
                [("youth_union", 30), ("residence", 25), ("womens_union", 12),
                 ("veterans_union", 4), ("armed_forces", 8), ("fatherland_front", 6),
                 ("movement", 12), ("other", 3)]
            ),
            target_groups=(
                ("business_owner", 0.08), ("returning_worker", 0.05),
                ("discharged_soldier", 0.08), ("union_leader", 0.08), ("village_head", 0.02),
            ),
            candidate_factor=0.8,
            admission_factor=0.8,
            workplace_is_unit=False,
        ),
        Profile(
            key="agency",
            female_members=0.38,
            female_candidates=0.48,
            member_age=(26, 60, 42),
            candidate_age=(22, 40, 28),
            max_age=60,
            occupation=W([("civil_servant", 80), ("public_service", 15), ("other", 5)]),
            candidate_occupation=W([("civil_servant", 65), ("public_service", 30), ("other", 5)]),
            education=W([("college", 5), ("university", 75), ("postgraduate", 20)]),
            source_channels=W([("workplace", 55), ("youth_union", 30), ("trade_union", 15)]),
            target_groups=(("union_leader", 0.10),),
            trade_union=True,
            candidate_factor=0.8,
        ),
        Profile(
            key="school",
            female_members=0.72,
            female_candidates=0.75,
            member_age=(26, 60, 42),
            candidate_age=(22, 42, 29),
            max_age=60,
            occupation=W([("public_service", 92), ("other", 8)]),
            candidate_occupation=W([("public_service", 95), ("other", 5)]),
            education=_SCHOOLING,
            source_channels=W([("trade_union", 50), ("youth_union", 35), ("school", 15)]),
            target_groups=(("public_service", 0.9),),
            trade_union=True,
            candidate_factor=1.5,
            admission_factor=1.3,
        ),
        Profile(
            key="upper_school",
            female_members=0.62,
            female_candidates=0.62,
            member_age=(26, 60, 42),
            candidate_age=(18, 40, 18),
            max_age=60,
            occupation=W([("public_service", 92), ("other", 8)]),
            # Grade-12 pupils who turned 18 are admitted in upper-secondary schools.
            candidate_occupation=W([("pupil_student", 60), ("public_service", 40)]),
            education=_SCHOOLING,
            source_channels=W([("school", 55), ("youth_union", 30), ("trade_union", 15)]),
            target_groups=(("pupil_student", 0.6),),
            trade_union=True,
            candidate_factor=2.5,
            admission_factor=1.6,
        ),
        Profile(
            key="university",
            female_members=0.55,
            female_candidates=0.60,
            member_age=(26, 62, 44),
            candidate_age=(19, 40, 21),
            max_age=62,
            occupation=W([("public_service", 95), ("other", 5)]),
            candidate_occupation=W([("pupil_student", 75), ("public_service", 25)]),
            education=W([("university", 35), ("postgraduate", 65)]),
            source_channels=W([("youth_union", 50), ("school", 35), ("trade_union", 15)]),
            target_groups=(("pupil_student", 0.75),),
            trade_union=True,
            candidate_factor=3.0,
            admission_factor=2.0,
        ),
        Profile(
            key="health",
            female_members=0.62,
            female_candidates=0.66,
            member_age=(26, 60, 41),
            candidate_age=(22, 42, 29),
            max_age=60,
            occupation=W([("public_service", 90), ("other", 10)]),
            candidate_occupation=W([("public_service", 92), ("other", 8)]),
            education=W(
                [("vocational", 15), ("college", 20), ("university", 45), ("postgraduate", 20)]
            ),
            source_channels=W([("trade_union", 45), ("youth_union", 40), ("workplace", 15)]),
            target_groups=(("public_service", 0.9),),
            trade_union=True,
            candidate_factor=1.3,
            admission_factor=1.2,
        ),
        Profile(
            key="police",
            female_members=0.12,
            female_candidates=0.15,
            member_age=(22, 58, 35),
            candidate_age=(20, 32, 23),
            max_age=58,
            occupation=W([("armed_forces", 100)]),
            candidate_occupation=W([("armed_forces", 100)]),
            education=_ARMED_EDUCATION,
            source_channels=W([("workplace", 60), ("youth_union", 40)]),
            candidate_factor=1.6,
            admission_factor=1.6,
        ),
        Profile(
            key="military",
            female_members=0.05,
            female_candidates=0.06,
            member_age=(22, 58, 33),
            candidate_age=(19, 30, 21),
            max_age=58,
            occupation=W([("armed_forces", 100)]),
            candidate_occupation=W([("armed_forces", 100)]),
            education=_ARMED_EDUCATION,
            source_channels=W([("armed_forces", 30), ("workplace", 40), ("youth_union", 30)]),
            candidate_factor=2.0,
            admission_factor=1.8,
        ),
        Profile(
            key="state_enterprise",
            female_members=0.30,
            female_candidates=0.35,
            member_age=(25, 60, 42),
            candidate_age=(21, 40, 28),
            max_age=60,
            occupation=W([("worker", 60), ("enterprise_manager", 25), ("other", 15)]),
            candidate_occupation=W([("worker", 75), ("enterprise_manager", 10), ("other", 15)]),
            education=W(
                [("upper_secondary", 15), ("vocational", 25), ("college", 15), ("university", 45)]
            ),
            source_channels=W([("trade_union", 45), ("workplace", 30), ("youth_union", 25)]),
            target_groups=(("worker", 0.7),),
            enterprise_type="state",
            trade_union=True,
            candidate_factor=0.9,
        ),
        Profile(
            key="private_enterprise",
            female_members=0.32,
            female_candidates=0.40,
            member_age=(24, 60, 38),
            candidate_age=(20, 42, 28),
            max_age=60,
            occupation=W([("worker", 55), ("enterprise_manager", 35), ("other", 10)]),
            candidate_occupation=W([("worker", 80), ("enterprise_manager", 12), ("other", 8)]),
            education=W(
                [("lower_secondary", 10), ("upper_secondary", 30), ("vocational", 25),
                 ("college", 12), ("university", 23)]
            ),
            source_channels=W([("trade_union", 55), ("workplace", 30), ("youth_union", 15)]),
            target_groups=(("worker", 0.8), ("business_owner", 0.04)),
            enterprise_type="private",
            trade_union=True,
            # The directive names non-state enterprises as a weak spot: few candidates.
            candidate_factor=0.5,
            admission_factor=0.6,
        ),
        Profile(
            key="fdi_enterprise",
            female_members=0.30,
            female_candidates=0.42,
            member_age=(24, 60, 36),
            candidate_age=(20, 40, 27),
            max_age=60,
            occupation=W([("worker", 70), ("enterprise_manager", 20), ("other", 10)]),
            candidate_occupation=W([("worker", 88), ("enterprise_manager", 7), ("other", 5)]),
            education=W(
                [("upper_secondary", 30), ("vocational", 30), ("college", 15), ("university", 25)]
            ),
            source_channels=W([("trade_union", 70), ("workplace", 20), ("youth_union", 10)]),
            target_groups=(("worker", 0.9),),
            enterprise_type="foreign",
            trade_union=True,
            candidate_factor=0.4,
            admission_factor=0.5,
        ),
    )
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Units inside a commune, besides its villages.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    """An organisation under a commune or bloc committee.

    A grassroots committee lists its cells, and optionally partial committees with theirs;
    `weight` is its expected membership relative to a typical cell of its parent.
    """

    name: str
    kind: str
    sector: str
    profile: str
    weight: float = 1.0
    cells: tuple[str, ...] = ()
    partial: tuple[tuple[str, tuple[str, ...]], ...] = ()
    area_flags: tuple[str, ...] = ()
    authorised_to_admit: bool = False


# (name, sector, profile, share of the commune's members, smallest commune that has one)
COMMUNE_INSTITUTIONS: tuple[tuple[str, str, str, float, int], ...] = (
    ("Chi bộ Cơ quan Đảng ủy – Mặt trận Tổ quốc {level} {commune}", Sector.PARTY_AGENCY,
     "agency", 0.022, 0),
    ("Chi bộ Cơ quan Ủy ban nhân dân {level} {commune}", Sector.AGENCY, "agency", 0.028, 0),
    ("Chi bộ Công an {level} {commune}", Sector.POLICE, "police", 0.028, 0),
    ("Chi bộ Quân sự {level} {commune}", Sector.ARMED_FORCES, "military", 0.012, 80),
    ("Chi bộ Trạm Y tế {level} {commune}", Sector.HEALTH, "health", 0.010, 120),
)  # fmt: skip

SCHOOL_KINDS = ("Trường Mầm non", "Trường Tiểu học", "Trường THCS")
HEALTH_CENTRE_CELLS = (
    "Chi bộ Khối Hành chính",
    "Chi bộ Khoa Nội – Nhi",
    "Chi bộ Khoa Ngoại – Sản",
    "Chi bộ Khoa Khám bệnh – Cấp cứu",
)
FACTORY_CELLS = (
    "Chi bộ Khối Văn phòng",
    "Chi bộ Phân xưởng Sản xuất 1",
    "Chi bộ Phân xưởng Sản xuất 2",
    "Chi bộ Phân xưởng Cơ điện",
)

ENTERPRISE_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV")
ENTERPRISE_TRADES = (
    "Xây dựng", "Thương mại", "May mặc", "Vật liệu xây dựng", "Chế biến Thủy sản",
    "Vận tải", "Cơ khí", "Chế biến Gỗ", "Dịch vụ Du lịch", "Nông sản", "Điện tử",
    "Dược phẩm", "Thực phẩm", "Xuất nhập khẩu", "Logistics", "Năng lượng",
)  # fmt: skip
# Invented trade names of foreign-invested companies (no real firm is named).
FDI_NAMES = (
    "Hanmi Vina", "Sunrise Steel", "Kaito Parts", "Pacific Fiber", "Vinh Phat Textile",
    "Hoa Sen Garment", "Orient Power", "Daesung Cable", "Taiyo Electronics", "Lotus Shoes",
)  # fmt: skip
FDI_CELLS = (
    "Chi bộ Khối Văn phòng",
    "Chi bộ Nhà máy 1",
    "Chi bộ Nhà máy 2",
    "Chi bộ Khối Kỹ thuật",
)

# Syllables of village names (Sino-Vietnamese auspicious words, as real thôn names are).
VILLAGE_SYLLABLES = (
    "An", "Bình", "Châu", "Đông", "Đoài", "Đồng", "Hà", "Hải", "Hạ", "Hòa", "Hồng", "Hưng",
    "Kim", "Liên", "Long", "Lộc", "Minh", "Mỹ", "Nam", "Ninh", "Phú", "Phúc", "Quang",
    "Sơn", "Tân", "Tây", "Thái", "Thanh", "Thắng", "Thịnh", "Thượng", "Tiến", "Trung",
    "Vĩnh", "Xuân", "Yên", "Bắc", "Cầu", "Khánh", "Lạc", "Lâm", "Lĩnh", "Hợp", "Tiền",
    "Hậu", "Đình", "Phong", "Quý", "Trường", "Hương",
)  # fmt: skip
# Hamlets (bản) of the ethnic minorities in the western mountains.
HAMLET_NAMES = ("Rào Tre", "Giàng", "Cà Xen", "Khe Tre", "Ka Ma", "Pheo", "Khe Giao", "Ná Lầu")

# ---------------------------------------------------------------------------------------------
# The committees of provincial blocs.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlocSpec:
    key: str
    name: str
    abbreviation: str
    sector: str
    share: float
    units: tuple[UnitSpec, ...]
    # Repeated units added when the bloc is bigger than its named units ("Trường THPT {x}").
    repeat: str = ""
    area_flags: tuple[str, ...] = field(default=())


GC = Kind.GRASSROOTS_COMMITTEE
GCELL = Kind.GRASSROOTS_CELL


def _cells(*names: str) -> tuple[str, ...]:
    return tuple(f"Chi bộ {n}" for n in names)


BLOCS: tuple[BlocSpec, ...] = (
    BlocSpec(
        key="party",
        name="Đảng bộ các cơ quan Đảng {unit}",
        abbreviation="ĐBCQĐ",
        sector=Sector.PARTY_AGENCY,
        share=0.04,
        units=(
            UnitSpec("Đảng bộ Văn phòng {committee}", GC, Sector.PARTY_AGENCY, "agency", 2.0,
                     _cells("Phòng Tổng hợp", "Phòng Hành chính – Lưu trữ",
                            "Phòng Quản trị – Tài vụ")),
            UnitSpec("Chi bộ Ban Tổ chức {committee}", GCELL, Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Ban Tuyên giáo và Dân vận {committee}", GCELL, Sector.PARTY_AGENCY,
                     "agency"),
            UnitSpec("Chi bộ Ủy ban Kiểm tra {committee}", GCELL, Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Ban Nội chính {committee}", GCELL, Sector.PARTY_AGENCY, "agency",
                     0.6),
            UnitSpec("Chi bộ Ban Chính sách, chiến lược {committee}", GCELL,
                     Sector.PARTY_AGENCY, "agency", 0.6),
            UnitSpec("Đảng bộ Báo và Phát thanh, Truyền hình {place}", GC, Sector.PARTY_AGENCY,
                     "agency", 2.0,
                     _cells("Ban Thời sự", "Ban Chuyên đề", "Phòng Kỹ thuật – Công nghệ",
                            "Ban Báo in – Điện tử")),
            UnitSpec("Chi bộ Trường Chính trị {unit}", GCELL, Sector.EDUCATION, "agency"),
            UnitSpec("Chi bộ Tòa án nhân dân {unit}", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Viện Kiểm sát nhân dân {unit}", GCELL, Sector.AGENCY, "agency"),
        ),
    ),
    BlocSpec(
        key="front",
        name="Đảng bộ Cơ quan Mặt trận Tổ quốc và các đoàn thể {unit}",
        abbreviation="ĐBMTTQ",
        sector=Sector.PARTY_AGENCY,
        share=0.015,
        units=(
            UnitSpec("Chi bộ Cơ quan Ủy ban Mặt trận Tổ quốc {unit}", GCELL,
                     Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Cơ quan Tỉnh đoàn", GCELL, Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Hội Liên hiệp Phụ nữ {unit}", GCELL, Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Hội Nông dân {unit}", GCELL, Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Hội Cựu chiến binh {unit}", GCELL, Sector.PARTY_AGENCY, "agency"),
            UnitSpec("Chi bộ Liên đoàn Lao động {unit}", GCELL, Sector.PARTY_AGENCY, "agency"),
        ),
    ),
    BlocSpec(
        key="government",
        name="Đảng bộ Ủy ban nhân dân {unit}",
        abbreviation="ĐBUBND",
        sector=Sector.AGENCY,
        share=0.34,
        units=(
            UnitSpec("Chi bộ Văn phòng Ủy ban nhân dân {unit}", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Đảng bộ Sở Tài chính", GC, Sector.AGENCY, "agency", 2.0,
                     _cells("Văn phòng Sở", "Phòng Ngân sách", "Phòng Đầu tư")),
            UnitSpec("Chi bộ Sở Nội vụ", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Sở Tư pháp", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Sở Công Thương", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Đảng bộ Sở Nông nghiệp và Môi trường", GC, Sector.AGENCY, "agency", 4.0,
                     _cells("Văn phòng Sở", "Chi cục Thủy lợi", "Chi cục Kiểm lâm",
                            "Trung tâm Khuyến nông", "Văn phòng Đăng ký đất đai"),
                     authorised_to_admit=True),
            UnitSpec("Chi bộ Sở Xây dựng", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Đảng bộ Sở Giáo dục và Đào tạo", GC, Sector.EDUCATION, "agency", 1.5,
                     _cells("Văn phòng Sở", "Phòng Giáo dục phổ thông", "Phòng Khảo thí")),
            UnitSpec("Đảng bộ Sở Y tế", GC, Sector.HEALTH, "agency", 1.5,
                     _cells("Văn phòng Sở", "Trung tâm Kiểm soát bệnh tật",
                            "Chi cục An toàn vệ sinh thực phẩm")),
            UnitSpec("Chi bộ Sở Khoa học và Công nghệ", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Sở Văn hóa, Thể thao và Du lịch", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Thanh tra {unit}", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Sở Dân tộc và Tôn giáo", GCELL, Sector.AGENCY, "agency", 0.6),
            UnitSpec("Đảng bộ Bệnh viện Đa khoa {unit}", GC, Sector.HEALTH, "health", 6.0,
                     _cells("Khối Hành chính", "Khoa Sản", "Khoa Khám bệnh"),
                     partial=(
                         ("Đảng bộ bộ phận Khối Nội",
                          _cells("Khoa Nội tổng hợp", "Khoa Tim mạch", "Khoa Hồi sức tích cực")),
                         ("Đảng bộ bộ phận Khối Ngoại",
                          _cells("Khoa Ngoại tổng hợp", "Khoa Chấn thương chỉnh hình",
                                 "Khoa Gây mê hồi sức")),
                     ),
                     authorised_to_admit=True),
            UnitSpec("Đảng bộ Trường Đại học {place}", GC, Sector.EDUCATION, "university", 4.0,
                     _cells("Khoa Sư phạm", "Khoa Kinh tế – Quản trị kinh doanh",
                            "Khoa Kỹ thuật – Công nghệ", "Khoa Lý luận chính trị",
                            "Khối Phòng, Ban"),
                     authorised_to_admit=True),
            UnitSpec("Chi bộ Bệnh viện Y dược cổ truyền {unit}", GCELL, Sector.HEALTH, "health"),
            UnitSpec("Chi bộ Bệnh viện Mắt {unit}", GCELL, Sector.HEALTH, "health", 0.7),
            UnitSpec("Chi bộ Trường Cao đẳng Y tế {place}", GCELL, Sector.EDUCATION,
                     "upper_school"),
            UnitSpec("Chi bộ Trường Cao đẳng Kỹ thuật {place}", GCELL, Sector.EDUCATION,
                     "upper_school"),
        ),
        repeat="upper_school",
    ),
    BlocSpec(
        key="military",
        name="Đảng bộ Quân sự {unit}",
        abbreviation="ĐBQS",
        sector=Sector.ARMED_FORCES,
        share=0.12,
        units=(
            UnitSpec("Đảng bộ Cơ quan Bộ Chỉ huy Quân sự {unit}", GC, Sector.ARMED_FORCES,
                     "military", 3.0,
                     _cells("Phòng Tham mưu", "Phòng Chính trị", "Phòng Hậu cần – Kỹ thuật")),
            UnitSpec("Đảng bộ Trung đoàn Bộ binh", GC, Sector.ARMED_FORCES, "military", 5.0,
                     _cells("Cơ quan Trung đoàn", "Đại đội Trinh sát"),
                     partial=(
                         ("Đảng bộ bộ phận Tiểu đoàn 1",
                          _cells("Đại đội 1", "Đại đội 2", "Đại đội 3")),
                         ("Đảng bộ bộ phận Tiểu đoàn 2",
                          _cells("Đại đội 5", "Đại đội 6", "Đại đội 7")),
                     ),
                     authorised_to_admit=True),
            UnitSpec("Chi bộ Trường Quân sự {unit}", GCELL, Sector.ARMED_FORCES, "military"),
        ),
        repeat="defence_zone",
    ),
    BlocSpec(
        key="police",
        name="Đảng bộ Công an {unit}",
        abbreviation="ĐBCA",
        sector=Sector.POLICE,
        share=0.16,
        units=(
            UnitSpec("Chi bộ Phòng Tham mưu", GCELL, Sector.POLICE, "police"),
            UnitSpec("Chi bộ Phòng Công tác đảng và công tác chính trị", GCELL, Sector.POLICE,
                     "police"),
            UnitSpec("Đảng bộ Phòng Cảnh sát giao thông", GC, Sector.POLICE, "police", 3.0,
                     _cells("Đội Tuần tra kiểm soát số 1", "Đội Tuần tra kiểm soát số 2",
                            "Đội Đăng ký xe")),
            UnitSpec("Đảng bộ Phòng Cảnh sát cơ động", GC, Sector.POLICE, "police", 3.0,
                     _cells("Đại đội 1", "Đại đội 2", "Trung đội Đặc nhiệm")),
            UnitSpec("Chi bộ Phòng An ninh chính trị nội bộ", GCELL, Sector.POLICE, "police"),
            UnitSpec("Chi bộ Phòng An ninh kinh tế", GCELL, Sector.POLICE, "police"),
            UnitSpec("Chi bộ Phòng Cảnh sát hình sự", GCELL, Sector.POLICE, "police"),
            UnitSpec("Chi bộ Phòng Cảnh sát kinh tế", GCELL, Sector.POLICE, "police"),
            UnitSpec("Chi bộ Phòng Cảnh sát điều tra tội phạm về ma túy", GCELL, Sector.POLICE,
                     "police"),
            UnitSpec("Chi bộ Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ", GCELL,
                     Sector.POLICE, "police", 1.5),
            UnitSpec("Chi bộ Phòng Quản lý hành chính về trật tự xã hội", GCELL, Sector.POLICE,
                     "police"),
            UnitSpec("Chi bộ Phòng Hồ sơ", GCELL, Sector.POLICE, "police", 0.7),
            UnitSpec("Chi bộ Phòng Hậu cần", GCELL, Sector.POLICE, "police"),
            UnitSpec("Chi bộ Trại tạm giam", GCELL, Sector.POLICE, "police"),
        ),
        repeat="police_unit",
    ),
    BlocSpec(
        key="border",
        name="Đảng bộ Bộ đội Biên phòng {unit}",
        abbreviation="ĐBBĐBP",
        sector=Sector.ARMED_FORCES,
        share=0.05,
        area_flags=(AreaFlag.BORDER,),
        units=(
            UnitSpec("Đảng bộ Cơ quan Bộ Chỉ huy Bộ đội Biên phòng {unit}", GC,
                     Sector.ARMED_FORCES, "military", 2.5,
                     _cells("Phòng Tham mưu", "Phòng Chính trị", "Phòng Hậu cần – Kỹ thuật")),
            UnitSpec("Chi bộ Hải đội Biên phòng", GCELL, Sector.ARMED_FORCES, "military",
                     area_flags=(AreaFlag.COASTAL,)),
        ),
        repeat="border_post",
    ),
    BlocSpec(
        key="enterprise",
        name="Đảng bộ Doanh nghiệp {unit}",
        abbreviation="ĐBDN",
        sector=Sector.STATE_ENTERPRISE,
        share=0.14,
        units=(
            UnitSpec("Đảng bộ Công ty Điện lực {place}", GC, Sector.STATE_ENTERPRISE,
                     "state_enterprise", 4.0,
                     _cells("Văn phòng Công ty", "Phòng Kỹ thuật – An toàn",
                            "Đội Quản lý vận hành lưới điện cao thế", "Điện lực khu vực 1",
                            "Điện lực khu vực 2")),
            UnitSpec("Đảng bộ Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh {place}",
                     GC, Sector.STATE_ENTERPRISE, "state_enterprise", 3.0,
                     _cells("Hội sở", "Chi nhánh khu vực 1", "Chi nhánh khu vực 2")),
            UnitSpec("Chi bộ Ngân hàng Chính sách xã hội chi nhánh {place}", GCELL,
                     Sector.STATE_ENTERPRISE, "state_enterprise"),
            UnitSpec("Chi bộ Công ty TNHH MTV Thủy lợi Nam {place}", GCELL,
                     Sector.STATE_ENTERPRISE, "state_enterprise"),
            UnitSpec("Chi bộ Công ty TNHH MTV Thủy lợi Bắc {place}", GCELL,
                     Sector.STATE_ENTERPRISE, "state_enterprise"),
            UnitSpec("Chi bộ Công ty Cổ phần Cấp nước {place}", GCELL, Sector.STATE_ENTERPRISE,
                     "state_enterprise"),
            UnitSpec("Chi bộ Công ty Xăng dầu {place}", GCELL, Sector.STATE_ENTERPRISE,
                     "state_enterprise"),
            UnitSpec("Chi bộ Bưu điện {unit}", GCELL, Sector.STATE_ENTERPRISE,
                     "state_enterprise"),
            UnitSpec("Chi bộ Viễn thông {place}", GCELL, Sector.STATE_ENTERPRISE,
                     "state_enterprise"),
        ),
        repeat="private_enterprise",
    ),
    BlocSpec(
        key="economic_zone",
        name="Đảng bộ Khu kinh tế {unit}",
        abbreviation="ĐBKKT",
        sector=Sector.FDI_ENTERPRISE,
        share=0.065,
        units=(
            UnitSpec("Chi bộ Ban Quản lý Khu kinh tế {unit}", GCELL, Sector.AGENCY, "agency"),
            UnitSpec("Chi bộ Công ty Cổ phần Cảng biển {place}", GCELL,
                     Sector.NON_STATE_ENTERPRISE, "private_enterprise",
                     area_flags=(AreaFlag.COASTAL,)),
        ),
        repeat="fdi_enterprise",
    ),
)  # fmt: skip

# Further departments of a provincial police (their cells), then numbered mobile units.
POLICE_UNITS = (
    "Phòng An ninh đối ngoại",
    "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
    "Phòng Cảnh sát điều tra tội phạm về tham nhũng, kinh tế, buôn lậu, môi trường",
    "Phòng Quản lý xuất nhập cảnh",
    "Phòng Kỹ thuật hình sự",
    "Phòng Cảnh sát thi hành án hình sự và hỗ trợ tư pháp",
    "Phòng Cảnh sát đường thủy",
    "Phòng Thông tin liên lạc",
    "Phòng Tổ chức cán bộ",
    "Phòng Tài chính",
    "Phòng Pháp chế và cải cách hành chính, tư pháp",
    "Phòng Cảnh sát quản lý trại tạm giam",
)

# Upper-secondary schools named after people, as many are (the rest take a commune's name).
SCHOOL_PATRONS = (
    "Phan Đình Phùng", "Nguyễn Du", "Trần Phú", "Lê Quý Đôn", "Hà Huy Tập", "Nguyễn Huệ",
    "Mai Thúc Loan", "Nguyễn Trung Thiên", "Lý Tự Trọng", "Nguyễn Văn Trỗi", "Lê Hữu Trác",
    "Nguyễn Đình Liễn", "Phan Huy Chú", "Nguyễn Thị Minh Khai",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Hà Tĩnh: the areas of its 69 commune-level units (by official code).
# ---------------------------------------------------------------------------------------------

HA_TINH_CODE = "42"
HA_TINH_CAPITAL_WARD = "18073"  # Phường Thành Sen, the provincial capital

_MOUNTAINOUS = {
    "18133", "18160", "18163", "18172", "18184", "18196", "18199", "18202", "18223",
    "18313", "18322", "18328", "18496", "18502", "18523", "18532", "18544", "18547",
    "18550", "18838", "18844",
}  # fmt: skip
# The western communes on the Lao border.
_BORDER = {"18160", "18172", "18196", "18199", "18313", "18523", "18544", "18547"}
_COASTAL = {
    "18352", "18364", "18394", "18568", "18583", "18604", "18628", "18676", "18742",
    "18766", "18781", "18790", "18823", "18832",
}  # fmt: skip
# Communes with Catholic parishes.
_RELIGIOUS = {"18532", "18601", "18628", "18682", "18742", "18790"}
# The Chứt and Lào communities of the western mountains.
_ETHNIC = {"18196", "18544"}
_HARDSHIP = {"18199", "18544", "18844"}

HA_TINH_AREAS: dict[str, tuple[str, ...]] = {}
for _flag, _codes in (
    (AreaFlag.MOUNTAINOUS, _MOUNTAINOUS),
    (AreaFlag.BORDER, _BORDER),
    (AreaFlag.COASTAL, _COASTAL),
    (AreaFlag.RELIGIOUS_AREA, _RELIGIOUS),
    (AreaFlag.ETHNIC_MINORITY_AREA, _ETHNIC),
    (AreaFlag.EXTREME_HARDSHIP, _HARDSHIP),
):
    for _code in _codes:
        HA_TINH_AREAS[_code] = (*HA_TINH_AREAS.get(_code, ()), str(_flag))

# Ethnic groups of the minorities in mountainous areas (GSO codes): Chứt, Lào, Thái, Mường.
MINORITY_ETHNICITIES = W([("44", 40), ("37", 25), ("03", 20), ("06", 15)])
