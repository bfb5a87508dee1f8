"""Coded values for a person. Codes are stable (API, imports); labels are what users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The 54 ethnic groups in the General Statistics Office's official code list, plus "foreign".
ETHNICITIES: list[tuple[str, str]] = [
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ-me"),
    ("06", "Mường"), ("07", "Nùng"), ("08", "Hmông"), ("09", "Dao"), ("10", "Gia-rai"),
    ("11", "Ngái"), ("12", "Ê-đê"), ("13", "Ba-na"), ("14", "Xơ-đăng"), ("15", "Sán Chay"),
    ("16", "Cơ-ho"), ("17", "Chăm"), ("18", "Sán Dìu"), ("19", "Hrê"), ("20", "Mnông"),
    ("21", "Ra-glai"), ("22", "Xtiêng"), ("23", "Bru-Vân Kiều"), ("24", "Thổ"),
    ("25", "Giáy"), ("26", "Cơ-tu"), ("27", "Gié-Triêng"), ("28", "Mạ"), ("29", "Khơ-mú"),
    ("30", "Co"), ("31", "Tà-ôi"), ("32", "Chơ-ro"), ("33", "Kháng"), ("34", "Xinh-mun"),
    ("35", "Hà Nhì"), ("36", "Chu-ru"), ("37", "Lào"), ("38", "La Chí"), ("39", "La Ha"),
    ("40", "Phù Lá"), ("41", "La Hủ"), ("42", "Lự"), ("43", "Lô Lô"), ("44", "Chứt"),
    ("45", "Mảng"), ("46", "Pà Thẻn"), ("47", "Cờ Lao"), ("48", "Cống"), ("49", "Bố Y"),
    ("50", "Si La"), ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ-đu"), ("54", "Rơ-măm"),
    ("foreign", "Người nước ngoài"),
]  # fmt: skip
KINH = "01"


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Religion(models.TextChoices):
    NONE = "none", _("Không")
    BUDDHISM = "buddhism", _("Phật giáo")
    CATHOLICISM = "catholicism", _("Công giáo")
    PROTESTANTISM = "protestantism", _("Tin lành")
    CAODAISM = "caodaism", _("Cao Đài")
    HOA_HAO = "hoa_hao", _("Phật giáo Hòa Hảo")
    ISLAM = "islam", _("Hồi giáo")
    OTHER = "other", _("Tôn giáo khác")


class Education(models.TextChoices):
    """The values of docs/rule-cases.md, in ascending order."""

    NONE = "none", _("Chưa biết chữ")
    LITERATE = "literate", _("Biết đọc, biết viết chữ quốc ngữ")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
    VOCATIONAL = "vocational", _("Trung cấp")
    COLLEGE = "college", _("Cao đẳng")
    UNIVERSITY = "university", _("Đại học")
    POSTGRADUATE = "postgraduate", _("Sau đại học")


class Occupation(models.TextChoices):
    """The occupation categories the Central Organization Department reports."""

    CIVIL_SERVANT = "civil_servant", _("Cán bộ, công chức")
    PUBLIC_SERVICE = "public_service", _("Viên chức")
    ENTERPRISE_MANAGER = "enterprise_manager", _("Chủ, quản lý doanh nghiệp")
    FARMER = "farmer", _("Nông dân")
    WORKER = "worker", _("Công nhân, người lao động")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    PUPIL_STUDENT = "pupil_student", _("Học sinh, sinh viên")
    FREELANCE = "freelance", _("Lao động tự do")
    RETIRED = "retired", _("Nghỉ hưu")
    OTHER = "other", _("Khác")


class EnterpriseType(models.TextChoices):
    NONE = "", _("Không")
    STATE = "state", _("Doanh nghiệp nhà nước")
    PRIVATE = "private", _("Doanh nghiệp tư nhân")
    FOREIGN = "foreign", _("Doanh nghiệp có vốn đầu tư nước ngoài")


class TargetGroup(models.TextChoices):
    """Groups the directive names (task 3 and 7)."""

    PUPIL_STUDENT = "pupil_student", _("Học sinh, sinh viên")
    WORKER = "worker", _("Công nhân")
    BUSINESS_OWNER = "business_owner", _("Chủ doanh nghiệp tư nhân")
    UNION_LEADER = "union_leader", _("Cán bộ đoàn thể")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn, tổ trưởng dân phố")
    DISCHARGED_SOLDIER = "discharged_soldier", _("Quân nhân, công an xuất ngũ")
    RETURNING_WORKER = "returning_worker", _("Lao động trở về từ nước ngoài")
    PUBLIC_SERVICE = "public_service", _("Viên chức")
    ETHNIC_MINORITY = "ethnic_minority", _("Người dân tộc thiểu số")
    RELIGIOUS = "religious", _("Người có đạo")


class PersonRole(models.TextChoices):
    """Roles the rule engine reads (docs/rule-cases.md `applicant.roles`)."""

    VILLAGE_ELDER = "village_elder", _("Già làng")
    VILLAGE_HEAD = "village_head", _("Trưởng bản, trưởng thôn")
    PRESTIGIOUS_PERSON = "prestigious_person", _("Người có uy tín")
    SEA_FISHERMAN = "sea_fisherman", _("Ngư dân thường xuyên làm việc trên biển")
    PRIVATE_BUSINESS_OWNER = "private_business_owner", _("Chủ doanh nghiệp tư nhân")
