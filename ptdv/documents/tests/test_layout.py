"""What WeasyPrint keeps from one official document to the next (ptdv.documents.layout): the
parsed stylesheet and the font configuration, per thread and per process, printing exactly
what the template's own <style> printed."""

from __future__ import annotations

import os
import threading

from weasyprint import HTML

from ptdv.documents import layout
from ptdv.documents.layout import OfficialDocument, Para, Run, Signature, Table, labelled, p


def a_document() -> OfficialDocument:
    """Two pages (the page number shows from the second), a table, runs in every style."""
    return OfficialDocument(
        slug="test",
        form_code="Mẫu 0-KNĐ",
        title="BẢN THỬ",
        subtitle="Về việc in thử",
        superior="ĐẢNG BỘ TỈNH HÀ TĨNH",
        issuer="ĐẢNG ỦY XÃ THẠCH KIM",
        number="Số 12-QĐ/ĐU",
        place_date="Thạch Kim, ngày 05 tháng 04 năm 2026",
        body=[
            labelled("Họ và tên", "Nguyễn Thị Lan"),
            Para(
                [Run("Đậm ", bold=True), Run("nghiêng ", italic=True), Run("gạch", underline=True)]
            ),
            Table(header=["Quan hệ", "Họ và tên"], rows=[["Cha", "Nguyễn Văn An"]]),
            *[p("Nội dung kéo dài văn bản sang trang thứ hai. " * 12) for _ in range(12)],
        ],
        signatures=[Signature(["T/M ĐẢNG ỦY", "BÍ THƯ"], name="Trần Văn Bình")],
        recipients=["- Như trên,", "- Lưu."],
    )


def test_the_pdf_is_the_one_the_inline_style_printed():
    document = a_document()
    style = layout.STYLESHEET.read_text(encoding="utf-8")
    inline = layout.render_html(document).replace("</head>", f"<style>{style}</style></head>")
    expected = HTML(string=inline).write_pdf()
    assert layout.render_pdf(document) == expected
    assert layout.render_pdf(document) == expected  # and again, with what was kept


def test_the_typesetter_is_kept_per_thread():
    first = layout._typesetter()
    assert layout._typesetter() is first
    other: list[layout._Typesetter] = []
    thread = threading.Thread(target=lambda: other.append(layout._typesetter()))
    thread.start()
    thread.join()
    assert other[0] is not first
    assert other[0].font_config is not first.font_config


def test_a_forked_process_builds_its_own(monkeypatch):
    first = layout._typesetter()
    monkeypatch.setattr(os, "getpid", lambda: first.pid + 1)
    assert layout._typesetter() is not first
