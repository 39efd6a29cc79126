"""Spreadsheet formula injection: cells a spreadsheet would run, and how to disarm them.

A project name, enterprise or note such as ``=HYPERLINK("http://x","click")`` or
``@SUM(1)`` typed by anyone must reach a planner's Excel as text, never as a live formula.
The rule is OWASP's (CSV injection): a cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is prefixed with ``'`` in CSV downloads; Excel downloads write
every text cell as a text cell (never a formula) with Excel's quote prefix on such cells.
Plain numbers (``-3.5``, ``+7``) are left alone: they are values, not formulas.

Every CSV or Excel download (project tables, ledger tables) goes through
:func:`csv_bytes` / :func:`xlsx_bytes` (or :func:`neutralise_frame` and
:func:`write_text_cells`); ``dzgeo validate`` warns with :func:`formula_cells`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from dzgeo.errors import Problem, shorten

__all__ = [
    "TRIGGERS",
    "csv_bytes",
    "formula_cells",
    "is_formula_like",
    "neutralise",
    "neutralise_frame",
    "write_text_cells",
    "xlsx_bytes",
]

#: Leading characters that make a spreadsheet treat a cell as a formula (OWASP).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(TRIGGERS)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would run ``value`` as a formula (a text cell only)."""
    return (
        isinstance(value, str)
        and value.startswith(TRIGGERS)
        and not _NUMBER.fullmatch(value.strip())
    )


def neutralise(value: Any) -> Any:
    """``value`` prefixed with ``'`` when it is formula-like; anything else unchanged."""
    return f"'{value}" if is_formula_like(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and header) are neutralised for CSV."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a neutralised CSV, UTF-8 with BOM so that Excel opens Chinese text.

    Lines end in CRLF, so a cell holding a lone CR is quoted too (not a broken row).
    """
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def write_text_cells(worksheet: Any) -> None:
    """Make every string cell of an openpyxl ``worksheet`` a text cell, never a formula.

    openpyxl stores any string starting with ``=`` as a formula; here such cells become
    text again, with Excel's quote prefix so that editing the cell keeps it text.
    """
    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, str):
                cell.data_type = "s"
                if is_formula_like(value):
                    cell.quotePrefix = True


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], *, widths: bool = True, freeze: bool = True
) -> bytes:
    """An Excel workbook of ``sheets`` (name -> frame) with every text cell as text."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(
                writer, sheet_name=name, index=False, freeze_panes=(1, 0) if freeze else None
            )
            worksheet = writer.sheets[name]
            write_text_cells(worksheet)
            if widths:
                _fit_widths(worksheet)
    return buffer.getvalue()


def _fit_widths(worksheet: Any) -> None:
    for cells in worksheet.columns:
        width = max((len(str(c.value)) if c.value is not None else 0) for c in cells[:200])
        worksheet.column_dimensions[cells[0].column_letter].width = min(max(8, width * 1.6), 60)


def formula_cells(
    rows: Iterable[tuple[int, Mapping[str, str]]], source: str, columns: Iterable[str] = ()
) -> list[Problem]:
    """A warning for every cell of ``rows`` that a spreadsheet would run as a formula."""
    wanted = set(columns)
    return [
        Problem(
            source,
            f"第 {row} 行 {column} 列 (row {row}, column {column})",
            f"单元格以“{shorten(value[:1])}”开头，电子表格会把它当作公式执行："
            f"“{shorten(value, 60)}” (formula-like cell)",
            "若不是公式，请去掉开头的 = + - @ 或在前面加一个英文单引号 '；下载时本工具会自动加上",
        )
        for row, record in rows
        for column, value in record.items()
        if value[:1] in _FIRST and (not wanted or column in wanted) and is_formula_like(value)
    ]
