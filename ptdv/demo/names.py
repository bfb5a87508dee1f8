"""Vietnamese personal names for the demo data, with realistic frequencies.

The family-name shares follow the commonly cited national estimates (Nguyễn about 38%, then
Trần, Lê, Phạm…); Hà Tĩnh has more Phan, Võ, Hồ and Thái than the national average, so those
are a little heavier. Middle names depend on gender and generation: "Văn" and "Thị" dominate
among people born before the 1990s and thin out after. Every name is stored NFC.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class Weighted:
    """Values with cumulative weights, so a draw is one `random.choices` call."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, float]]) -> Weighted:
        return cls(tuple(v for v, _w in pairs), tuple(accumulate(w for _v, w in pairs)))

    def pick(self, rng: random.Random) -> str:
        """`rng.choices(self.values, cum_weights=self.cumulative)[0]`, computed the same way
        from the same single `rng.random()` draw, without building a list for each pick
        (millions of picks at the national scale)."""
        cumulative = self.cumulative
        total = cumulative[-1] + 0.0
        return self.values[bisect(cumulative, rng.random() * total, 0, len(cumulative) - 1)]


FAMILY_NAMES = Weighted.of(
    [
        ("Nguyễn", 37.0), ("Trần", 10.5), ("Lê", 9.0), ("Phạm", 6.0), ("Hoàng", 4.0),
        ("Phan", 5.0), ("Võ", 5.0), ("Đặng", 2.0), ("Bùi", 2.0), ("Đỗ", 1.3), ("Hồ", 2.2),
        ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.4), ("Đinh", 1.0), ("Đào", 0.8), ("Thái", 1.2),
        ("Trương", 0.8), ("Cao", 0.7), ("Hà", 0.6), ("Mai", 0.5), ("Lương", 0.5), ("Chu", 0.4),
        ("Tô", 0.3), ("Kiều", 0.2), ("Lưu", 0.3), ("Đoàn", 0.6), ("Vương", 0.3), ("Tạ", 0.3),
        ("Biện", 0.1), ("Hầu", 0.1),
    ]
)  # fmt: skip

# Family names common among the Chứt, Lào and Thái of western Hà Tĩnh.
MINORITY_FAMILY_NAMES = Weighted.of(
    [("Hồ", 4.0), ("Cao", 2.0), ("Đinh", 2.0), ("Lô", 1.5), ("Vi", 1.0), ("Lang", 1.0)]
)

MALE_MIDDLE_OLD = Weighted.of(
    [
        ("Văn", 45.0), ("Hữu", 7.0), ("Đức", 7.0), ("Đình", 7.0), ("Xuân", 5.0),
        ("Quang", 4.0), ("Công", 4.0), ("Ngọc", 3.0), ("Minh", 3.0), ("Thanh", 3.0),
        ("Trọng", 3.0), ("Tiến", 2.0), ("Viết", 2.0), ("Như", 1.0), ("Bá", 1.5), ("Sỹ", 1.5),
    ]
)  # fmt: skip
MALE_MIDDLE_YOUNG = Weighted.of(
    [
        ("Văn", 14.0), ("Minh", 10.0), ("Đức", 9.0), ("Quang", 7.0), ("Hữu", 6.0),
        ("Anh", 5.0), ("Tuấn", 4.0), ("Duy", 5.0), ("Quốc", 5.0), ("Thành", 4.0),
        ("Hoàng", 4.0), ("Xuân", 3.0), ("Gia", 3.0), ("Bảo", 3.0), ("Đình", 4.0),
        ("Công", 3.0), ("Trọng", 3.0), ("Khánh", 2.0), ("Việt", 2.0),
    ]
)  # fmt: skip
FEMALE_MIDDLE_OLD = Weighted.of(
    [
        ("Thị", 70.0), ("Thu", 4.0), ("Thanh", 4.0), ("Ngọc", 3.0), ("Kim", 3.0),
        ("Hồng", 3.0), ("Minh", 2.0), ("Thị Thu", 3.0), ("Thị Thanh", 2.0),
        ("Thị Hồng", 2.0), ("Thị Kim", 2.0), ("Xuân", 2.0),
    ]
)  # fmt: skip
FEMALE_MIDDLE_YOUNG = Weighted.of(
    [
        ("Thị", 28.0), ("Thu", 7.0), ("Thùy", 6.0), ("Ngọc", 6.0), ("Phương", 5.0),
        ("Thanh", 5.0), ("Minh", 4.0), ("Hoài", 4.0), ("Khánh", 4.0), ("Bảo", 3.0),
        ("Diệu", 3.0), ("Mai", 3.0), ("Hải", 3.0), ("Thị Thu", 4.0), ("Thị Mai", 3.0),
        ("Hồng", 3.0), ("Tú", 2.0), ("Kim", 2.0), ("Yến", 1.0), ("Hà", 2.0),
    ]
)  # fmt: skip

MALE_GIVEN = Weighted.of(
    [
        ("Anh", 6.0), ("Hùng", 5.0), ("Dũng", 5.0), ("Tuấn", 5.0), ("Hải", 5.0),
        ("Hoàng", 3.0), ("Nam", 4.0), ("Thắng", 4.0), ("Long", 4.0), ("Sơn", 4.0),
        ("Minh", 4.0), ("Cường", 4.0), ("Thành", 4.0), ("Trung", 3.0), ("Hiếu", 3.0),
        ("Phúc", 2.0), ("Quân", 3.0), ("Huy", 3.0), ("Khoa", 2.0), ("Đức", 3.0),
        ("Bình", 3.0), ("Tùng", 2.0), ("Lâm", 2.0), ("Vinh", 3.0), ("Tài", 2.0),
        ("Lợi", 2.0), ("Hưng", 3.0), ("Tiến", 2.0), ("Thịnh", 2.0), ("Tâm", 2.0),
        ("Hòa", 2.0), ("Kiên", 2.0), ("Quang", 2.0), ("Việt", 2.0), ("Hậu", 1.5),
        ("Toàn", 2.0), ("Đạt", 2.0), ("Phong", 2.0), ("Bảo", 1.5), ("Khánh", 1.5),
        ("Duy", 1.5), ("Nhật", 1.0), ("Tú", 1.0), ("Lực", 1.0), ("Hoan", 1.0),
        ("Lộc", 1.5), ("Nghĩa", 2.0), ("Trí", 1.0), ("Chiến", 2.0), ("Thuận", 1.5),
        ("Châu", 1.0), ("Kỳ", 0.5), ("Thái", 1.0), ("Quý", 1.0), ("Sáu", 0.5),
    ]
)  # fmt: skip
FEMALE_GIVEN = Weighted.of(
    [
        ("Hương", 6.0), ("Lan", 4.0), ("Hoa", 4.0), ("Mai", 4.0), ("Linh", 5.0),
        ("Trang", 5.0), ("Hà", 4.0), ("Thảo", 4.0), ("Huyền", 4.0), ("Nga", 3.0),
        ("Ngọc", 3.0), ("Phương", 3.0), ("Yến", 3.0), ("Hằng", 4.0), ("Thủy", 3.0),
        ("Nhung", 3.0), ("Oanh", 2.0), ("Loan", 2.0), ("Hạnh", 3.0), ("Giang", 2.0),
        ("Vân", 2.0), ("Dung", 3.0), ("Tâm", 2.0), ("Thúy", 2.0), ("Hiền", 3.0),
        ("Lệ", 1.0), ("Anh", 3.0), ("Quỳnh", 2.0), ("Nhi", 2.0), ("Vy", 1.5), ("My", 1.5),
        ("Thư", 1.5), ("Uyên", 1.0), ("Trâm", 1.0), ("Hồng", 2.0), ("Liên", 2.0),
        ("Xuân", 1.5), ("Tuyết", 1.5), ("Duyên", 1.5), ("Ly", 1.5), ("Châu", 1.0),
        ("Ánh", 1.5), ("Nguyệt", 1.0), ("Hòa", 1.0), ("Tình", 1.0), ("Quyên", 1.0),
        ("Sen", 1.0), ("Lý", 0.5), ("Khánh", 1.0),
    ]
)  # fmt: skip


def pick_name(
    rng: random.Random, *, female: bool, birth_year: int, minority: bool = False
) -> tuple[str, str, str]:
    """(family, middle, given) for one person."""
    family = (MINORITY_FAMILY_NAMES if minority else FAMILY_NAMES).pick(rng)
    young = birth_year >= 1988
    if female:
        middle = (FEMALE_MIDDLE_YOUNG if young else FEMALE_MIDDLE_OLD).pick(rng)
        given = FEMALE_GIVEN.pick(rng)
    else:
        middle = (MALE_MIDDLE_YOUNG if young else MALE_MIDDLE_OLD).pick(rng)
        given = MALE_GIVEN.pick(rng)
    if given == middle:
        # "Minh Minh" does not occur: fall back to the generation's commonest middle name.
        middle = ("Thị" if female else "Văn") if not young else ("Thu" if female else "Đức")
    return family, middle, given
