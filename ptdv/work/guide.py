"""The in-app user guide: the Vietnamese guide section of README.md, read at runtime (one
source, no copy to keep in step), split into sections with anchors and rendered as HTML.

A section starts at a `###` heading or at a paragraph that opens with a bold title
("**Đăng nhập.** Mở …"), the way the README's guide is written; its anchor is the title
folded to ASCII ("dang-nhap"). Markdown is rendered by markdown-it-py (MIT) with raw HTML
off, so the README cannot inject markup into the pages. The parse is cached until the file
changes.

Each screen links to its section: `SCREEN_SECTIONS` maps a page's `section` (the navigation
key every view passes) to the anchors it prefers, first found wins; the guide's first page
otherwise.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from markdown_it import MarkdownIt

from ptdv.core.text import fold

GUIDE_HEADING = "## Hướng dẫn sử dụng"

# screen (the views' `section`, or a more precise key a view gives as `guide`) -> anchors
# it prefers, in order.
SCREEN_SECTIONS: dict[str, tuple[str, ...]] = {
    "home": ("viec-cua-toi", "cay-to-chuc-dang", "dang-nhap"),
    "work": ("viec-cua-toi", "dang-nhap"),
    "mine": ("quan-chung-toi-phu-trach", "viec-cua-toi"),
    "notifications": ("thong-bao", "viec-cua-toi", "dang-nhap"),
    "organisations": ("cay-to-chuc-dang", "thon-to-dan-pho"),
    "localities": ("thon-to-dan-pho", "cay-to-chuc-dang"),
    "organisation_changes": ("thay-doi-to-chuc",),
    "candidacies": ("danh-sach-quan-chung",),
    "candidacy": ("quy-trinh-ket-nap",),
    "candidacy_action": ("quy-trinh-ket-nap",),
    "register": ("dua-quan-chung-vao-nguon",),
    "person": ("ho-so-cong-dan", "sua-thong-tin-cong-dan"),
    "members": ("danh-sach-dang-vien",),
    "targets": ("theo-doi-bao-cao",),
    "rules": ("quy-trinh-ket-nap",),
    "exchange": ("nhap-xuat-excel",),
    "users": ("quan-tri-nguoi-dung",),
    "audit": ("nhat-ky-truy-cap-danh-cho-quan-tri-vien", "nhat-ky-truy-cap"),
    "security": ("dang-nhap-hai-buoc", "tam-khoa-phien-dang-nhap-mat-khau"),
    "requests": ("yeu-cau-giua-cac-to-chuc", "viec-cua-toi"),
    "correspondence": ("yeu-cau-giua-cac-to-chuc", "viec-cua-toi"),
    "courses": ("lop-boi-duong-va-giay-chung-nhan", "lop-hoc-giay-chung-nhan"),
    "schedule": ("viec-chay-dinh-ky-danh-cho-can-bo-ky-thuat",),
    "surveys": ("khao-sat-nguon-phat-trien-dang-vien-hang-nam",),
    "evaluations": ("danh-gia-xep-hang-cong-tac-phat-trien-dang-vien",),
    "movements": ("phong-trao-va-doan-the",),
    "obstacles": ("kho-khan-vuong-mac",),
    "exemplars": ("guong-dien-hinh-kiem-tra-giam-sat",),
    "inspections": ("guong-dien-hinh-kiem-tra-giam-sat",),
}


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    markdown: str

    @property
    def html(self) -> str:
        return render_markdown(self.markdown)


_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    return str(_renderer.render(text))


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-") or "muc"


_BOLD_LEAD = re.compile(r"^\*\*(?P<title>[^*]+?)\*\*")


def guide_text(readme: str) -> str:
    """The guide's part of the README: from its `##` heading to the next `##` heading."""
    lines = readme.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(GUIDE_HEADING)), None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start + 1 : end])


def parse_sections(readme: str) -> list[Section]:
    """The guide's sections, in the README's order (anchors unique)."""
    sections: list[tuple[str, list[str]]] = []
    intro: list[str] = []
    previous_blank = True
    for line in guide_text(readme).splitlines():
        heading = line.startswith("### ")
        lead = _BOLD_LEAD.match(line) if previous_blank else None
        if heading or lead:
            title = line[4:].strip() if heading else (lead.group("title") if lead else "")
            title = title.strip().rstrip(".:").strip()
            sections.append((title, [line]))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
        previous_blank = not line.strip()
    if any(line.strip() for line in intro):
        sections.insert(0, ("Giới thiệu", intro))
    answer: list[Section] = []
    used: set[str] = set()
    for title, body in sections:
        slug = base = slugify(title)
        number = 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        answer.append(Section(slug=slug, title=title, markdown="\n".join(body).strip() + "\n"))
    return answer


_cache: dict[str, tuple[float, list[Section]]] = {}
_lock = threading.Lock()


def guide_file() -> Path:
    return Path(getattr(settings, "PTDV_GUIDE_FILE", settings.BASE_DIR / "README.md"))


def guide_sections() -> list[Section]:
    """The sections of the README's guide, re-read when the file changes."""
    path = guide_file()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return []
    key = str(path)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        sections = parse_sections(path.read_text(encoding="utf-8"))
        _cache[key] = (stamp, sections)
        return sections


def section_for(screen: str) -> Section | None:
    """The section a screen links to (None: the guide's first page)."""
    by_slug = {s.slug: s for s in guide_sections()}
    for slug in SCREEN_SECTIONS.get(screen, ()):
        if slug in by_slug:
            return by_slug[slug]
    return None
