"""Conditions on the ledger's fields: 状态, 开工年份 and 总投资 ranges, the slider's year.

Used by :mod:`dzgeo.filters` (parsing ranges from URL / CLI text, the masks) and by the
maps (:func:`year_stage`: what a project was in a given year). The fields and their
closed lists are :mod:`dzgeo.ledger.fields`; a frame without a ledger column (the
published layer) has no project that meets a condition on it.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dzgeo.ledger.fields import FINISHED_STATUSES, STARTED_STATUSES, STATUSES

#: The 状态 filter's choices: the ledger's statuses and "no status given".
NO_STATUS = "未填"
STATUS_CHOICES = (*STATUSES, NO_STATUS)
#: The year slider runs from the plan's first year to this year.
FIRST_YEAR = 2018
#: Years a 开工年份 range may name.
YEAR_BOUNDS = (1949, 2100)
#: What a project is in the slider's year: started and not yet finished, or finished.
STAGE_STARTED = "在建"
STAGE_FINISHED = "竣工"


def last_year() -> int:
    """The year slider's last year: this year."""
    return datetime.date.today().year


def number_text(value: float) -> str:
    """A number as short text without an exponent: 2019, 1.5, 0.0001."""
    return str(np.format_float_positional(float(value), trim="-"))


def range_text(low: float | None, high: float | None) -> str:
    """``A-B``, ``A-`` or ``-B``: the URL / CLI form of a range."""
    left = "" if low is None else number_text(low)
    right = "" if high is None else number_text(high)
    return left if low == high and low is not None else f"{left}-{right}"


def range_words(low: float | None, high: float | None, unit: str) -> str:
    """A range in Chinese words: 2019—2021 年, 10 亿元及以上."""
    if low is not None and high is not None:
        if low == high:
            return f"{number_text(low)}{unit}"
        return f"{number_text(low)}—{number_text(high)}{unit}"
    if low is not None:
        return f"{number_text(low)}{unit}及以上"
    return f"{number_text(high)}{unit}及以下"  # type: ignore[arg-type]


_RANGE = re.compile(r"^\s*([0-9.]*)\s*(?:[-~～—至到]\s*([0-9.]*))?\s*$")


def range_from(
    raw: Mapping[str, str | Sequence[str]],
    key: str,
    label: str,
    bounds: tuple[float, float],
    notices: list[str],
    *,
    integer: bool,
) -> tuple[float | None, float | None]:
    """The range in ``raw[key]`` (``A-B``, ``A-``, ``-B`` or ``A``), or (None, None) with
    a notice when it is malformed, out of ``bounds`` or given twice."""
    value = raw.get(key)
    items = [] if value is None else [value] if isinstance(value, str) else list(value)
    items = [str(item) for item in items if str(item).strip()]
    if not items:
        return None, None
    example = "2019-2021" if integer else "1-10"
    if len(items) > 1:
        notices.append(
            f"多余的{label}“{'、'.join(items[1:])}”（{label}只取一个范围，如 {example}）"
        )
    text = items[0].strip()
    match = _RANGE.match(text)
    try:
        if not match or not (match.group(1) or match.group(2)):
            raise ValueError
        low, high = ((float(part) if part else None) for part in (match.group(1), match.group(2)))
        if match.group(2) is None:  # a single value: A means A-A
            high = low
        for end in (low, high):
            if end is not None and (not math.isfinite(end) or (integer and end != int(end))):
                raise ValueError
    except ValueError:
        notices.append(f"{label}“{text[:40]}”格式不对（应写成 {example}，可省略一端）")
        return None, None
    lo_bound, hi_bound = bounds
    for end in (low, high):
        if end is not None and not lo_bound <= end <= hi_bound:
            notices.append(
                f"{label}“{text}”超出范围（{number_text(lo_bound)}—{number_text(hi_bound)}）"
            )
            return None, None
    if low is not None and high is not None and low > high:
        notices.append(f"{label}“{text}”起点大于终点（应写成 {example}）")
        return None, None
    return low, high


def ledger_text(projects: pd.DataFrame, column: str) -> pd.Series:
    if column not in projects.columns:
        return pd.Series("", index=projects.index, dtype=object)
    return projects[column].fillna("").astype(str).str.strip()


def ledger_number(projects: pd.DataFrame, column: str) -> pd.Series:
    if column not in projects.columns:
        return pd.Series(np.nan, index=projects.index, dtype=float)
    return pd.to_numeric(projects[column], errors="coerce").astype(float)


def in_range(values: pd.Series, low: float | None, high: float | None) -> pd.Series:
    """Values within [low, high]; a missing value is in no range."""
    mask = values.notna()
    if low is not None:
        mask &= values >= low
    if high is not None:
        mask &= values <= high
    return mask


def year_stage(projects: pd.DataFrame, year: int) -> pd.Series:
    """What each project was in ``year``: STAGE_FINISHED, STAGE_STARTED or '' (not yet).

    A project stands from its 开工年份 when its status is one of STARTED_STATUSES; it
    counts as finished from its 竣工年份 when its status is one of FINISHED_STATUSES (a
    finished project without a 竣工年份 is finished from its start). Projects without a
    start year, or only 谋划 / 前期 / 取消, did not stand in any year.
    """
    status = ledger_text(projects, "status")
    start = ledger_number(projects, "start_year")
    finish = ledger_number(projects, "finish_year").fillna(start)
    started = status.isin(STARTED_STATUSES) & (start <= year)
    finished = started & status.isin(FINISHED_STATUSES) & (finish <= year)
    stage = pd.Series("", index=projects.index, dtype=object)
    stage[started] = STAGE_STARTED
    stage[finished] = STAGE_FINISHED
    return stage
