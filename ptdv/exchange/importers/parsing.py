"""Parsing a sheet's rows into typed values, one column type at a time."""

from __future__ import annotations

from typing import Any

from ptdv.core.text import fold, nfc
from ptdv.exchange.columns import YES_NO, Column
from ptdv.exchange.importers.context import ImportContext
from ptdv.exchange.workbook import (
    CellError,
    cell_date,
    cell_int,
    cell_national_id,
    cell_text,
    is_example_row,
)

_YES = {fold(label) for code, label in YES_NO if code == "1"} | {"x", "1", "true", "co", "c"}
_NO = {fold(label) for code, label in YES_NO if code == "0"} | {"0", "false", "khong", "k"}


def parse_value(ctx: ImportContext, row: int, column: Column, raw: Any) -> Any:
    """The typed value of one cell; None (and an error on the row) when it does not parse."""
    try:
        return _value(ctx, column, raw)
    except CellError as exc:
        ctx.error(row, column.key, str(exc))
        return None


def _value(ctx: ImportContext, column: Column, raw: Any) -> Any:
    if column.type == "date":
        value = cell_date(raw, ctx.sheet.epoch)
        if value is not None and value > ctx.today:
            raise CellError(f"Ngày {value:%d/%m/%Y} ở tương lai.")
        return value
    if column.type == "int":
        return cell_int(raw)
    if column.type == "national_id":
        return cell_national_id(raw)
    text = cell_text(raw)
    if column.type == "text":
        if len(text) > column.max_length:
            raise CellError(f"Dài quá {column.max_length} ký tự.")
        return nfc(text)
    if not text:
        return None if column.type != "codes" else []
    if column.type == "bool":
        return _yes_no(text)
    return _coded(ctx, column, text)


def _yes_no(text: str) -> bool:
    folded = fold(text).strip()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise CellError(f"“{text}”: hãy ghi Có hoặc Không.")


def _coded(ctx: ImportContext, column: Column, text: str) -> Any:
    """A label (or several, for `codes`) from the column's list, looked up once per text."""
    cache = ctx.codes.setdefault(column.key, {})
    if text in cache:
        return cache[text]
    mapping = column.by_label
    if column.type == "codes":
        cache[text] = _codes(mapping, text)
        return list(cache[text])
    code = mapping.get(fold(text).strip())
    if code is None:
        raise CellError(f"“{text}” không có trong danh mục; hãy chọn trong danh sách.")
    cache[text] = code
    return code


def _codes(mapping: dict[str, str], text: str) -> list[str]:
    codes = []
    for part in text.split(";"):  # labels themselves contain commas
        if not part.strip():
            continue
        code = mapping.get(fold(part).strip())
        if code is None:
            raise CellError(f"“{part.strip()}” không có trong danh mục.")
        codes.append(code)
    return sorted(set(codes))


def parse_rows(ctx: ImportContext) -> list[tuple[int, dict[str, Any]]]:
    """Each row's typed values by column key; a row with a bad value is reported and left
    out of what follows (its other checks would only repeat the same problem)."""
    parsed = []
    columns = ctx.sheet.columns
    present = {c.key for c in columns}
    absent = [c for c in ctx.spec.columns if c.key not in present]
    for index, (row, values) in enumerate(ctx.sheet.rows):
        if ctx.progress is not None and index and index % 1000 == 0:
            ctx.progress(index)
        if is_example_row(columns, values):
            continue
        errors_before = len(ctx.errors)
        data: dict[str, Any] = {}
        for column, raw in zip(columns, values, strict=True):
            value = parse_value(ctx, row, column, raw)
            if column.required and value in (None, "", []):
                if len(ctx.errors) == errors_before or ctx.errors[-1].column != column.key:
                    ctx.error(row, column.key, f"Cột “{column.header}” không được để trống.")
            data[column.key] = value
        for column in absent:
            data[column.key] = (
                [] if column.type == "codes" else None if column.type != "text" else ""
            )
        if len(ctx.errors) == errors_before:
            parsed.append((row, data))
    return parsed
