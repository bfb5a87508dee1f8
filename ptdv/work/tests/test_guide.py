"""The in-app guide is the README's Vietnamese guide, read at runtime and split into
sections with anchors; every screen links to its section; raw HTML in the source is not
passed through."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ptdv.accounts.models import Role
from ptdv.factories import user_with_role
from ptdv.work.guide import SCREEN_SECTIONS, guide_sections, parse_sections, section_for

README = """# Dự án

## Configuration

**Not the guide.** English text.

## Hướng dẫn sử dụng (tiếng Việt)

Lời mở đầu.

**Đăng nhập.** Mở trang, nhập tên đăng nhập
và mật khẩu.

Đoạn thứ hai của mục đăng nhập, có `mã` và <script>alert(1)</script>.

**Việc của tôi.** Trang chủ liệt kê việc:

| cột | ý nghĩa |
|---|---|
| hạn | ngày phải làm |

### Thông báo

Chuông ở đầu trang.

**Đăng nhập.** Lặp lại tên mục.

## Layout

**Không phải hướng dẫn.**
"""


def test_sections_are_split_by_bold_titles_and_headings():
    sections = parse_sections(README)
    assert [(s.slug, s.title) for s in sections] == [
        ("gioi-thieu", "Giới thiệu"),
        ("dang-nhap", "Đăng nhập"),
        ("viec-cua-toi", "Việc của tôi"),
        ("thong-bao", "Thông báo"),
        ("dang-nhap-2", "Đăng nhập"),
    ]
    login = sections[1]
    assert "Đoạn thứ hai" in login.markdown and "Việc của tôi" not in login.markdown
    assert "<strong>Đăng nhập.</strong>" in login.html
    assert "<script>" not in login.html and "&lt;script&gt;" in login.html
    assert "<table>" in sections[2].html
    assert "Not the guide" not in "".join(s.markdown for s in sections)


def test_the_real_readme_guide_has_the_screens_sections():
    slugs = {s.slug for s in guide_sections()}
    assert {"dang-nhap", "quy-trinh-ket-nap", "danh-sach-dang-vien", "nhap-xuat-excel"} <= slugs
    # Every screen finds a section (its preferred one, or a fallback that exists today).
    for screen in ("organisations", "candidacies", "candidacy_action", "members", "targets"):
        assert section_for(screen) is not None, screen
        assert section_for(screen).slug in SCREEN_SECTIONS[screen]


def test_guide_pages_and_the_screens_link(client, tree):
    client.force_login(user_with_role(tree["commune_a"], Role.VIEWER))
    index = client.get(reverse("work:guide"))
    assert index.status_code == 200
    text = index.content.decode()
    assert 'id="dang-nhap"' in text and "Quy trình kết nạp" in text
    one = client.get(reverse("work:guide_section", args=["quy-trinh-ket-nap"]))
    assert one.status_code == 200
    assert "bảng kiểm tra hồ sơ" in one.content.decode()
    assert client.get(reverse("work:guide_section", args=["khong-co"])).status_code == 404
    # The members' page links to the members' section in the header.
    members = client.get(reverse("members:list")).content.decode()
    assert reverse("work:guide_section", args=["danh-sach-dang-vien"]) in members


def test_the_guide_follows_the_file(tmp_path, settings):
    path = tmp_path / "README.md"
    path.write_text(README, encoding="utf-8")
    settings.PTDV_GUIDE_FILE = path
    assert [s.slug for s in guide_sections()][1] == "dang-nhap"
    path.write_text(README.replace("**Đăng nhập.**", "**Vào hệ thống.**", 1), encoding="utf-8")
    import os

    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert [s.slug for s in guide_sections()][1] == "vao-he-thong"


@pytest.mark.parametrize("screen", sorted(SCREEN_SECTIONS))
def test_every_screen_resolves_or_falls_back_to_the_index(screen):
    section = section_for(screen)
    assert section is None or section.slug in SCREEN_SECTIONS[screen]
