"""The line above the map: what the filter lets through, the ledger's progress, the
count per industry.

Given as segments of text, each bold or not, which the app's view component
(``static/dzgeo/dzview.js``) puts into the page as text: never Markdown or HTML, so what
a planner typed (a keyword) is shown as typed, and the page parses no Markdown for it
before the map (Streamlit's Markdown element took ~40 ms of a 0.9 s page open).
"""

from __future__ import annotations

import pandas as pd

from dzgeo import tables
from dzgeo.filters import ProjectFilter
from dzgeo.vocabulary import GROUPS, Vocabulary

__all__ = ["Segments", "count_line", "plain_text", "summary_line"]

#: Text segments and whether each is bold; "\n" starts a new line.
Segments = tuple[tuple[str, bool], ...]


def summary_line(
    shown: pd.DataFrame, every: pd.DataFrame, vocab: Vocabulary, flt: ProjectFilter, version: int
) -> Segments:
    """The line for ``flt`` (``shown``: the projects it lets through, of ``every``; the
    ledger at ``version``)."""
    counts = tables.industry_counts(shown, vocab)
    if tables.ledger_filled(every):
        progress = tables.progress_line(tables.progress_totals(shown, vocab, year=flt.year)[""])
        year = f"（{flt.year} 年）" if flt.year is not None else ""
    else:
        progress, year = tables.NO_PROGRESS_LINE, ""
    return (
        (flt.describe(), True),
        (" — 符合条件的重点项目 ", False),
        (str(len(shown)), True),
        (f" 个（全部 {len(every)} 个，台账第 {version} 版）：{progress}{year}", False),
        ("\n", False),
        (count_line(counts, vocab.industries), False),
    )


def count_line(counts: dict[str, int], groups: dict[str, str]) -> str:
    """Per-industry counts as one line, grouped 新兴 / 传统 (zeros left out)."""
    parts = []
    for group in GROUPS:
        items = [f"{name} {n}" for name, n in counts.items() if groups[name] == group and n]
        if items:
            parts.append(f"{group}：" + " · ".join(items))
    return "　".join(parts) if parts else "各产业均无"


def plain_text(segments: Segments | list[list[object]]) -> str:
    """The line as plain text (what a reader sees, without the bold)."""
    return "".join(str(text) for text, _ in segments)
