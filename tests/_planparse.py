"""Find the plan's 12 重点支持项目 paragraphs and split them into labelled runs.

Pure text functions; the only I/O is :func:`read_plan`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from dzgeo.errors import DataFileNotFoundError, DzgeoError


class IndustryHeading(NamedTuple):
    """One industry as the 重点支持项目 paragraph names it."""

    code: str  #: E1 … E6, T1 … T6
    name: str  #: short name, as in industries.csv
    heading: str  #: the words before "重点支持项目：" in the plan
    section: str  #: 第三章第一节 (emerging) / 第三章第二节 (traditional)


_E, _T = "第三章第一节", "第三章第二节"

#: The 12 industries in plan order, with the heading of their 重点支持项目 paragraph.
INDUSTRIES: tuple[IndustryHeading, ...] = (
    IndustryHeading("E1", "高端装备", "高端装备产业", _E),
    IndustryHeading("E2", "生物技术", "生物技术产业", _E),
    IndustryHeading("E3", "新能源", "新能源产业", _E),
    IndustryHeading("E4", "新材料", "新材料产业", _E),
    IndustryHeading("E5", "新一代信息技术", "新一代信息技术产业", _E),
    IndustryHeading("E6", "医养健康", "医养健康产业", _E),
    IndustryHeading("T1", "绿色化工", "绿色化工产业", _T),
    IndustryHeading("T2", "纺织服装", "纺织服装产业", _T),
    IndustryHeading("T3", "现代高效农业", "现代高效农业", _T),
    IndustryHeading("T4", "文化旅游", "文化旅游产业", _T),
    IndustryHeading("T5", "现代物流", "现代物流产业", _T),
    IndustryHeading("T6", "现代金融", "现代金融产业", _T),
)
INDUSTRY_BY_NAME: dict[str, IndustryHeading] = {i.name: i for i in INDUSTRIES}
INDUSTRY_BY_CODE: dict[str, IndustryHeading] = {i.code: i for i in INDUSTRIES}

MARKER = "重点支持项目："
_END = ("。", "！", "？")
#: "（n）" optionally followed by a heading "name：", possibly in markdown bold (**name：**).
_LABEL = re.compile(r"（(\d+)）(?:(\*\*)?([^：、，。；（）\n]{1,20}?)：(\*\*)?)?")


class Run(NamedTuple):
    """A stretch of a paragraph under one （n） label."""

    number: str  #: "1", "2" …; "" for a paragraph without （n）
    label: str  #: the heading after （n） without ** and ：; the marker "（n）" if none
    marker: str  #: the label exactly as written, e.g. "（1）**健康制造业：**"
    start: int  #: offset of the marker in the paragraph (0 for an unlabelled paragraph)
    body_start: int  #: offset just after the marker
    end: int  #: offset where the next run starts (or the paragraph ends)


def plan_text_or_skip() -> str:
    """The plan text for the plan-consistency tests, or a skip saying how to run them.

    Found through DZGEO_PLAN_TEXT or ../shared/plan/ (:data:`dzgeo.settings.PLAN_TEXT`).
    A user's clone has no plan text, so its tests skip; but when DZGEO_PLAN_TEXT is set
    (CI sets it) a missing file is a failure, so CI never skips them silently.
    """
    import os

    import pytest

    from dzgeo.settings import PLAN_TEXT

    if PLAN_TEXT.is_file():
        return PLAN_TEXT.read_text(encoding="utf-8")
    if os.environ.get("DZGEO_PLAN_TEXT"):
        raise pytest.fail.Exception(
            f"DZGEO_PLAN_TEXT={PLAN_TEXT} is set but no such file: "
            "the plan-consistency tests cannot run",
            pytrace=False,
        )
    raise pytest.skip.Exception(
        f"规划原文不在此处 (plan text not found): {PLAN_TEXT} — to run the plan-consistency "
        "tests: DZGEO_PLAN_TEXT=/path/to/dezhou-plan-2018-2022.txt python3 -m pytest"
    )


def read_plan(path: Path) -> str:
    """Read the plan text (UTF-8), with a clear error if the file is missing."""
    if not path.is_file():
        raise DataFileNotFoundError(
            f"plan text not found: {path} — put dezhou-plan-2018-2022.txt in shared/plan/"
        )
    return path.read_text(encoding="utf-8")


def find_project_paragraphs(plan_text: str) -> dict[str, str]:
    """Return industry short name → its 重点支持项目 paragraph (after the "："), plan order.

    A paragraph broken across blank lines in the text (文化旅游: "十大产业园\\n\\n区：") is
    joined back: lines are appended, without a separator, until one ends a sentence.
    """
    lines = plan_text.splitlines()
    found: dict[str, str] = {}
    for n, line in enumerate(lines):
        head, sep, _ = line.strip().partition(MARKER)
        if not sep or head not in {i.heading for i in INDUSTRIES}:
            continue
        text = line.strip()
        rest = iter(lines[n + 1 :])
        while not text.endswith(_END):
            nxt = next(rest, None)
            if nxt is None:
                break
            text += nxt.strip()
        name = next(i.name for i in INDUSTRIES if i.heading == head)
        if name in found:
            raise DzgeoError(f"plan text: two 重点支持项目 paragraphs for {head}")
        found[name] = text[len(head) + len(MARKER) :]
    missing = [i.heading for i in INDUSTRIES if i.name not in found]
    if missing:
        raise DzgeoError(
            f"plan text: no 重点支持项目 paragraph for {'、'.join(missing)} — is this the plan?"
        )
    return {i.name: found[i.name] for i in INDUSTRIES}


def split_runs(paragraph: str) -> list[Run]:
    """Split a paragraph at its （n） labels; one unlabelled run if it has none."""
    matches = [m for m in _LABEL.finditer(paragraph)]
    # keep only the labels numbered 1, 2, 3 … in sequence (guards against "（3）" inside an item)
    labels: list[re.Match[str]] = []
    for m in matches:
        if int(m.group(1)) == len(labels) + 1:
            labels.append(m)
    if not labels:
        return [Run("", "", "", 0, 0, len(paragraph))]
    runs = []
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(paragraph)
        label = m.group(3) if m.group(3) else f"（{m.group(1)}）"
        runs.append(Run(m.group(1), label, m.group(0), m.start(), m.end(), end))
    return runs


def run_at(paragraph: str, offset: int) -> Run:
    """The run whose body contains ``offset``."""
    for run in split_runs(paragraph):
        if run.body_start <= offset < run.end:
            return run
    raise DzgeoError(f"offset {offset} lies in a （n） label, not in a run body")


def locate(paragraph: str, items: list[str]) -> list[int]:
    """Offsets of ``items`` in ``paragraph``, each searched after the end of the previous one.

    Raises :class:`DzgeoError` naming the first item not found in order.
    """
    offsets: list[int] = []
    pos = 0
    for k, item in enumerate(items):
        if not item:
            raise DzgeoError(f"item {k + 1} is empty")
        at = paragraph.find(item, pos)
        if at < 0:
            where = "earlier in the paragraph (out of order)" if item in paragraph else "nowhere"
            raise DzgeoError(f"item {k + 1} 「{item}」 not found after item {k}: found {where}")
        offsets.append(at)
        pos = at + len(item)
    return offsets


def residue(paragraph: str, items: list[str]) -> str:
    """Remove every item (in order, each after the previous one); return what remains.

    The leftover stretches are concatenated as they are, with nothing put in place of an item.
    """
    pieces: list[str] = []
    pos = 0
    for item, at in zip(items, locate(paragraph, items), strict=True):
        pieces.append(paragraph[pos:at])
        pos = at + len(item)
    pieces.append(paragraph[pos:])
    return "".join(pieces)
