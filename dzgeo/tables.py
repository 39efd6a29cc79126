"""Tables of the app and its downloads: the filtered projects, their counts, the panels.

Pure functions of the published layers and a filtered project frame (from
:func:`dzgeo.filters.apply_filter`); the downloads are in :mod:`dzgeo.downloads`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TypeGuard

import numpy as np
import pandas as pd
import pyarrow as pa

from dzgeo.counting import CITY_LEVEL, county_counts, n_city_level, project_counties
from dzgeo.frames import records
from dzgeo.ledger.conditions import STAGE_FINISHED, STAGE_STARTED, ledger_number, year_stage
from dzgeo.ledger.fields import FINISHED_STATUSES, HEADERS
from dzgeo.vocabulary import Vocabulary, split_multi

PLACE_SOURCE_LABELS = {"stated": "规划明确", "inferred": "推定", "unplaced": "未指明"}
#: Display columns of the project table: field -> Chinese header.
DISPLAY_COLUMNS = {
    "id": "编号",
    "name": "项目名称",
    "industry": "产业",
    "group": "类别",
    "subfield": "细分领域",
    "place": "地点",
    "place_source": "地点依据",
    "enterprise": "企业",
    "plan_section": "规划章节",
}
#: Ledger columns of the project table, shown when the frame has them (the current
#: ledger version): field -> Chinese header.
LEDGER_DISPLAY_COLUMNS = {
    "status": HEADERS["status"],
    "start_year": HEADERS["start_year"],
    "finish_year": HEADERS["finish_year"],
    "investment_total": HEADERS["investment_total"],
    "located_by": "点位依据",
    "township": HEADERS["township"],
    "responsible": HEADERS["responsible"],
}
EMPTY_MESSAGE = "没有符合条件的项目"
#: Keys of :func:`progress_totals`.
UNDER_WAY, FINISHED, INVESTMENT = "在建", "竣工", "总投资"


def text_col(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as text ('' for missing; all '' when there is no such column)."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    values = frame[column]
    # via object: a numeric ledger column (Int64 years, float 亿元) keeps "2019", not "2019.0"
    return values.astype(object).where(values.notna(), "").astype(str)


#: Header of the column naming the counties a project counts in.
COUNTED_IN = "计入县市区"


def project_table(
    projects: pd.DataFrame, county_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The filtered projects for display: Chinese headers, places joined with 、.

    With ``county_names`` (adcode -> name), a :data:`COUNTED_IN` column names the
    counties each project counts in (:mod:`dzgeo.counting`), or says it is city-level.
    """
    out = pd.DataFrame(index=projects.index)
    for column, header in DISPLAY_COLUMNS.items():
        values = text_col(projects, column)
        if column == "place":
            values = values.map(lambda v: "、".join(split_multi(v)))
        elif column == "place_source":
            values = values.map(lambda v: PLACE_SOURCE_LABELS.get(v, v))
        out[header] = values
        if column == "place_source" and county_names is not None:
            out[COUNTED_IN] = [
                "、".join(county_names.get(c, c) for c in codes) or f"{CITY_LEVEL}（不计入县市区）"
                for codes in project_counties(projects)
            ]
    if "status" in projects.columns:
        for column, header in LEDGER_DISPLAY_COLUMNS.items():
            if column in ("start_year", "finish_year"):
                years = ledger_number(projects, column)
                out[header] = years.map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
            elif column == "investment_total":
                out[header] = ledger_number(projects, column)
            else:
                out[header] = text_col(projects, column)
    return out.reset_index(drop=True)


def county_table(projects: pd.DataFrame, counties: pd.DataFrame) -> pd.DataFrame:
    """Projects per county (``counties``: adcode, name), then the city-level projects and
    the city total, by the one counting rule (:mod:`dzgeo.counting`)."""
    per_county = county_counts(projects, counties["adcode"].astype(str))
    rows = [
        {"县市区": str(name), "项目数": per_county[str(code)][""]}
        for code, name in zip(counties["adcode"], counties["name"], strict=True)
    ]
    rows.append({"县市区": f"{CITY_LEVEL}（不计入县市区）", "项目数": n_city_level(projects)})
    rows.append({"县市区": "全市合计（每个项目计 1 次）", "项目数": len(projects)})
    return pd.DataFrame(rows)


def progress_totals(
    projects: pd.DataFrame, vocab: Vocabulary, *, year: int | None = None
) -> dict[str, dict[str, float]]:
    """在建 / 竣工 counts and 总投资 sums (亿元) per industry, and over all (key '').

    在建 is the status 在建 and 竣工 the finished statuses (竣工, 投产); with ``year``
    (the slider) they are what each project was in that year instead
    (:func:`dzgeo.ledger.conditions.year_stage`). 总投资 adds the investments the
    ledger gives; a frame without ledger fields has zeros everywhere.
    """
    if year is not None:
        stage = year_stage(projects, year)
        under_way, finished = stage == STAGE_STARTED, stage == STAGE_FINISHED
    else:
        status = text_col(projects, "status")
        under_way, finished = status == "在建", status.isin(FINISHED_STATUSES)
    frame = pd.DataFrame(
        {
            "industry": text_col(projects, "industry"),
            UNDER_WAY: under_way.astype(int),
            FINISHED: finished.astype(int),
            INVESTMENT: ledger_number(projects, "investment_total").fillna(0.0),
        }
    )
    sums = frame.groupby("industry")[[UNDER_WAY, FINISHED, INVESTMENT]].sum()
    zero = {UNDER_WAY: 0.0, FINISHED: 0.0, INVESTMENT: 0.0}
    out = {name: dict(zero) for name in vocab.industries}
    for name, row in sums.iterrows():
        out[str(name)] = {k: float(row[k]) for k in zero}
    out[""] = {k: float(frame[k].sum()) for k in zero}
    return out


#: What the progress line says while the ledger gives no status and no investment at all
#: (version 0, the plan's text): zeros would read as "nothing started".
NO_PROGRESS_LINE = "台账尚未填写状态与投资"


def ledger_filled(projects: pd.DataFrame) -> bool:
    """True when any project has a ledger status or a 总投资 (so 在建 0 个 means zero)."""
    status = text_col(projects, "status")
    return bool((status != "").any() or ledger_number(projects, "investment_total").notna().any())


def progress_line(totals: dict[str, float]) -> str:
    """在建 / 竣工 / 总投资 as one line of plain text: 在建 12 个 · 竣工 3 个 · 总投资 45.6 亿元."""
    return (
        f"{UNDER_WAY} {int(totals[UNDER_WAY])} 个 · {FINISHED} {int(totals[FINISHED])} 个"
        f" · {INVESTMENT} {totals[INVESTMENT]:,.2f} 亿元"
    )


def display_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table for ``st.dataframe``, without pandas' schema metadata
    (~2 kB of JSON per table, which Streamlit would send again with every filter
    change); the same columns, types and values on screen."""
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def industry_counts(projects: pd.DataFrame, vocab: Vocabulary) -> dict[str, int]:
    """Projects per industry, every one of the 12 industries listed (0 when none)."""
    counts = text_col(projects, "industry").value_counts()
    return {name: int(counts.get(name, 0)) for name in vocab.industries}


def counts_table(projects: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    """Counts per industry with group, plus a 合计 row."""
    counts = industry_counts(projects, vocab)
    rows = [
        {"产业": name, "类别": vocab.industries[name], "项目数": n} for name, n in counts.items()
    ]
    rows.append({"产业": "合计", "类别": "", "项目数": len(projects)})
    return pd.DataFrame(rows)


def indicator_panel(indicators: pd.DataFrame) -> pd.DataFrame:
    """表1 for display: indicator (indicator 13's level first, so it is never cut off),
    unit, 2017 baseline, 2022 target, and the change (百分点 for percentages)."""
    rows = []
    for row in records(indicators):
        name = str(row.get("indicator", ""))
        level = str(row.get("level", "") or "")
        unit = str(row.get("unit", "") or "")
        rows.append(
            {
                "序号": str(row.get("no", "")),
                "类别": str(row.get("category", "")),
                "指标": f"〔{level}〕{name}" if level else name,
                "单位": unit,
                "2017 年基期": str(row.get("baseline_2017", "")),
                "2022 年目标": str(row.get("target_2022", "")),
                "变化": change_text(row.get("baseline_value"), row.get("target_value"), unit),
            }
        )
    return pd.DataFrame(rows)


def change_text(baseline: object, target: object, unit: str = "") -> str:
    """The change from ``baseline`` to ``target``: in 百分点 when the unit is %, else a
    ratio (倍); empty where either value is not a number."""
    try:
        b, t = float(baseline), float(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if not (np.isfinite(b) and np.isfinite(t)):
        return ""
    if unit.strip() in ("%", "％"):
        diff = round(t - b, 2)
        return f"{diff:+g} 个百分点" if diff else "持平"
    if b == 0:
        return ""
    return f"{t / b:.2f} 倍"


#: The industry panel's column of the projects a filter lets through.
PASSING = "符合筛选"


def industry_panel(
    industries: pd.DataFrame,
    projects: pd.DataFrame,
    vocab: Vocabulary,
    *,
    year: int | None = None,
    passing_column: bool = True,
) -> pd.DataFrame:
    """The 12 industries: group, 2022 target, projects (all / passing), core areas; with
    the ledger's fields also 在建 / 竣工 / 总投资 of ``projects`` (in ``year``).

    ``passing_column=False``: no 符合筛选 column — the panel of all projects, the same
    for every filter (the app's tab: sent once, then by reference; the line above the map
    gives the filter's count per industry)."""
    passing = industry_counts(projects, vocab)
    has_ledger = "status" in projects.columns
    progress = progress_totals(projects, vocab, year=year) if has_ledger else None
    rows = []
    for row in records(industries):
        name = str(row.get("name", ""))
        total = row.get("projects")
        rows.append(
            {
                "产业": str(row.get("full_name") or name),
                "类别": str(row.get("group", "")),
                "2022 年目标": str(row.get("targets", "") or ""),
                "重点项目": int(total) if _is_number(total) else 0,
                **({PASSING: passing.get(name, 0)} if passing_column else {}),
                **(_progress_cells(progress[name]) if progress is not None else {}),
                "核心区": "、".join(split_multi(row.get("core_areas"))),
                "规划章节": str(row.get("plan_section", "") or ""),
            }
        )
    return pd.DataFrame(rows)


def _progress_cells(totals: dict[str, float]) -> dict[str, object]:
    return {
        UNDER_WAY: int(totals[UNDER_WAY]),
        FINISHED: int(totals[FINISHED]),
        "总投资（亿元）": round(totals[INVESTMENT], 2),
    }


def _is_number(value: object) -> TypeGuard[str | float]:
    """A finite number, or text that reads as one."""
    if not isinstance(value, str | numbers.Real):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False
