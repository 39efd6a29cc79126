"""Validation primitives shared by the data readers (catalog, places, projects).

Every check is pure and returns a list of :class:`~dzgeo.errors.Problem`, so a reader can
collect every problem of a file and raise them together (``errors.raise_if_problems``).
Table checks work on :data:`Records`, the rows of a table as text keyed by their file row:
the header is row 1, as a spreadsheet shows it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import pandas as pd

from dzgeo.errors import DataFileNotFoundError, DataValidationError, Problem
from dzgeo.frames import records
from dzgeo.vocabulary import split_multi

#: (file row, record) pairs, every cell as text.
Records = list[tuple[int, dict[str, str]]]

HEADER = "第 1 行 表头 (row 1, header)"
WHOLE_FILE = "整个文件 (whole file)"


def where(row: int, column: str) -> str:
    """Where a cell is, e.g. ``第 3 行 place 列 (row 3, column place)``."""
    return f"第 {row} 行 {column} 列 (row {row}, column {column})"


def choices(values: Iterable[str]) -> str:
    return "、".join(values)


def suggest(value: str, options: Sequence[str]) -> str:
    """A "did you mean" note for ``value``, or "" when no option is close."""
    close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.5)
    return f"（是否指 '{close[0]}'？）" if close else ""


def by_row(problems: list[Problem]) -> list[Problem]:
    """Problems in file-row order (header first); a stable sort keeps the check order."""

    def row(problem: Problem) -> int:
        match = re.match(r"第 (\d+) 行", problem.where)
        return int(match.group(1)) if match else 0

    return sorted(problems, key=row)


# --------------------------------------------------------------------------- files


def require_file(path: Path, what: str = "数据文件", fix: str | None = None) -> None:
    """Raise :class:`DataFileNotFoundError` naming ``path`` and the fix if it is no file."""
    if not path.is_file():
        fix = fix or (
            f"restore it from git (git checkout -- geodata/{path.name}) or pass the right path；"
            "字段见 geodata/SCHEMA.md"
        )
        raise DataFileNotFoundError(f"找不到{what}：{path} not found — {fix}")


def file_error(source: str, message: str, fix: str) -> DataValidationError:
    """The error for a file that cannot be read at all."""
    return DataValidationError([Problem(source, WHOLE_FILE, message, fix)])


# --------------------------------------------------------------------------- tables


def as_records(frame: pd.DataFrame, columns: Sequence[str]) -> Records:
    """(file row, record) pairs with every cell as a string; absent ``columns`` are blank."""
    blank = dict.fromkeys(columns, "")
    return [
        (i + 2, blank | {str(k): "" if pd.isna(v) else str(v) for k, v in rec.items()})
        for i, rec in enumerate(records(frame))
    ]


def cells(records: Records, column: str, *, multi: bool = False) -> list[tuple[str, str]]:
    """(where, value) of every non-blank cell of ``column`` (each ``|`` part when ``multi``).

    Blank cells are left to :func:`check_text`, which knows whether the column is required.
    """
    return [
        (where(row, column), part)
        for row, rec in records
        for part in (split_multi(rec[column]) if multi else [rec[column]])
        if part.strip()
    ]


def check_columns(
    frame: pd.DataFrame,
    columns: Sequence[str],
    source: str,
    *,
    required: Sequence[str] | None = None,
    strict: bool = False,
) -> list[Problem]:
    """Missing ``required`` columns (default: all), and with ``strict`` unexpected ones."""
    present = [str(c) for c in frame.columns]
    required = columns if required is None else required
    header = f"表头应为：{','.join(columns)}"
    problems = []
    if missing := [c for c in required if c not in present]:
        some = len(required) < len(columns)
        problems.append(
            Problem(
                source,
                HEADER,
                f"缺少{'必需的' if some else ''}列 (missing column) {choices(missing)}；"
                f"现有列：{choices(present) or '无'}",
                f"{header}{'，必填 ' + ','.join(required) if some else ''}（见 geodata/SCHEMA.md）",
            )
        )
    if strict and (extra := [c for c in present if c not in columns]):
        problems.append(
            Problem(
                source,
                HEADER,
                f"多余的列 (unexpected column) {choices(extra)}",
                f"删除这些列，或先在 geodata/SCHEMA.md 中约定；{header}",
            )
        )
    return problems


def check_text(
    records: Records, columns: Sequence[str], required: Collection[str], source: str
) -> list[Problem]:
    """Required cells are filled; no cell or ``|`` part has stray spaces or is empty."""
    problems = []
    for row, rec in records:
        for column in columns:
            value = rec[column]
            if column in required and not value.strip():
                problems.append(
                    Problem(source, where(row, column), "不能为空 (empty)", f"填写 {column}")
                )
            elif value and any(p != p.strip() or not p for p in value.split("|")):
                problems.append(
                    Problem(
                        source,
                        where(row, column),
                        f"多余的空格或空项 (stray space / empty part) '{value}'",
                        "去掉首尾空格和多余的 '|'，多个值写成 A|B",
                    )
                )
    return problems


def check_enum(
    items: Iterable[tuple[str, str]],
    field: str,
    allowed: Sequence[str],
    source: str,
    *,
    optional: bool = False,
) -> list[Problem]:
    """(where, value) pairs whose value is not ``allowed`` (empty is fine when ``optional``)."""
    return [
        Problem(
            source,
            at,
            f"{field} '{value}' is not one of {', '.join(allowed)}{suggest(value, allowed)}",
            f"应为以下之一：{choices(allowed)}" + ("，或留空" if optional else ""),
        )
        for at, value in items
        if value not in allowed and not (optional and not value)
    ]


def check_pattern(
    records: Records,
    column: str,
    pattern: re.Pattern[str],
    what: str,
    source: str,
    *,
    multi: bool = False,
) -> list[Problem]:
    """Cells (or ``|`` parts) of ``column`` that do not match ``pattern``; ``what``: the rule."""
    return [
        Problem(source, at, f"格式不对 (bad format) '{part}'", what)
        for at, value in cells(records, column)
        for part in (value.split("|") if multi else [value])
        if part.strip() and not pattern.fullmatch(part)
    ]


def check_unique(
    records: Records, key: Sequence[str], source: str, *, optional: Sequence[str] = ()
) -> list[Problem]:
    """Every later copy of a key is reported, pointing at the first.

    Rows with an empty key part are skipped (reported as empty elsewhere), except for
    the ``optional`` parts, which may legitimately be empty.
    """
    first: dict[tuple[str, ...], int] = {}
    problems = []
    for row, rec in records:
        value = tuple(rec[c] for c in key)
        if not all(v.strip() for c, v in zip(key, value, strict=True) if c not in optional):
            continue
        if value in first:
            shown = " + ".join(v or "（空）" for v in value)
            problems.append(
                Problem(
                    source,
                    where(row, "+".join(key)),
                    f"重复的键 (duplicate key) '{shown}'，与第 {first[value]} 行相同",
                    f"{'+'.join(key)} 每行唯一：删除或合并重复行",
                )
            )
        else:
            first[value] = row
    return problems


def parse_number(value: str, *, integer: bool) -> float | int | None:
    """``value`` as a finite number (an integer written without a point), else None."""
    try:
        number = float(value)
    except ValueError:
        return None
    if integer:
        return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", value) else None
    return number if pd.notna(number) and abs(number) != float("inf") else None


def check_numbers(
    records: Records,
    column: str,
    source: str,
    *,
    integer: bool = False,
    required: bool = True,
    minimum: float | None = None,
) -> list[Problem]:
    """Cells of ``column`` that are not numbers (integers), below ``minimum`` or missing."""
    kind = "整数 (integer)" if integer else "数字 (number)"
    problems = []
    for row, rec in records:
        value = rec[column]
        if not value.strip():
            if required:
                problems.append(
                    Problem(source, where(row, column), "不能为空 (empty)", f"填写{kind}")
                )
            continue
        number = parse_number(value, integer=integer)
        if number is None:
            problems.append(
                Problem(
                    source,
                    where(row, column),
                    f"不是{kind}：'{value}'",
                    f"写成阿拉伯数字的{kind}" + ("" if required else "，或留空"),
                )
            )
        elif minimum is not None and number < minimum:
            problems.append(
                Problem(
                    source,
                    where(row, column),
                    f"数值 {value} 小于 {minimum:g}",
                    f"应不小于 {minimum:g}",
                )
            )
    return problems
