"""The project list of a sheet: which projects, in which order, under which number.

Every project passing the filter gets a number (编号 on the sheet, 1…N) that its marker
on the map shows. Projects are ordered by their first place (in the order of
places.csv), then industry (the plan's order), then id, so the projects of one place
have consecutive numbers and a place's marker reads "5–18"; the city-level projects
(规划未列具体地点) come last, in a box of their own, and have no marker.

A projects frame from the ledger may carry ``site_lon``/``site_lat`` (the project's own
site, WGS 84), ``status`` and ``investment_total``; the list shows 状态 and 总投资 when
any row has them (see :mod:`dzgeo.ledger.fields`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dzgeo.data.published import Layers
from dzgeo.frames import records
from dzgeo.vocabulary import split_multi

__all__ = [
    "CITY_LEVEL",
    "ListColumn",
    "ListRow",
    "list_columns",
    "list_rows",
    "number_projects",
    "number_ranges",
]

#: What the 地点 cell says of a project the plan places nowhere.
CITY_LEVEL = "全市（未列具体地点）"


@dataclass(frozen=True)
class ListColumn:
    """A column of the list: the frame field, its header, and its share of the width."""

    key: str
    header: str
    share: float
    align: str = "left"


@dataclass(frozen=True)
class ListRow:
    """One project of the list: its number, cell texts (column order) and section."""

    number: int
    cells: tuple[str, ...]
    city_level: bool


def _has(projects: pd.DataFrame, column: str) -> bool:
    if column not in projects.columns:
        return False
    values = projects[column]
    return bool(values.notna().any() and (values.astype(str).str.strip() != "").any())


def has_sites(projects: pd.DataFrame) -> pd.Series:
    """Rows whose ledger gives a site (both coordinates)."""
    if "site_lon" not in projects.columns or "site_lat" not in projects.columns:
        return pd.Series(False, index=projects.index)
    lon = pd.to_numeric(projects["site_lon"], errors="coerce")
    lat = pd.to_numeric(projects["site_lat"], errors="coerce")
    return lon.notna() & lat.notna()


def number_projects(projects: pd.DataFrame, layers: Layers) -> pd.DataFrame:
    """``projects`` sorted for the list, with ``number`` (1…N) and ``place_text``.

    The input is not changed.
    """
    place_rank = {name: i for i, name in enumerate(layers.places["name"])}
    industry_rank = {name: i for i, name in enumerate(layers.vocab.industries)}
    frame = projects.copy()
    city = (frame["located"] == "city").to_numpy()
    firsts = [(split_multi(cell) or [""])[0] for cell in frame["place"].fillna("").astype(str)]
    frame["_city"] = city
    frame["_place"] = [place_rank.get(p, len(place_rank)) for p in firsts]
    frame["_industry"] = [industry_rank.get(i, len(industry_rank)) for i in frame["industry"]]
    frame = frame.sort_values(["_city", "_place", "_industry", "id"], kind="stable")
    frame = frame.drop(columns=["_city", "_place", "_industry"])
    frame["number"] = range(1, len(frame) + 1)
    frame["place_text"] = [
        CITY_LEVEL if located == "city" else "、".join(split_multi(cell))
        for located, cell in zip(frame["located"], frame["place"].fillna(""), strict=True)
    ]
    return frame


def list_columns(projects: pd.DataFrame) -> list[ListColumn]:
    """The list's columns: 编号, 名称, 产业, 地点, and 状态 / 总投资 when the ledger has them."""
    columns = [
        ListColumn("number", "编号", 0.07, "right"),
        ListColumn("name", "名称", 0.50),
        ListColumn("industry", "产业", 0.15),
        ListColumn("place_text", "地点", 0.20),
    ]
    if _has(projects, "status"):
        columns.append(ListColumn("status", "状态", 0.08))
    if _has(projects, "investment_total"):
        columns.append(ListColumn("investment_total", "总投资（亿元）", 0.11, "right"))
    total = sum(c.share for c in columns)
    return [ListColumn(c.key, c.header, c.share / total, c.align) for c in columns]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def list_rows(numbered: pd.DataFrame, columns: Sequence[ListColumn]) -> list[ListRow]:
    """The rows of the list, in number order."""
    rows = []
    for record in records(numbered):
        cells = tuple(_cell(record.get(c.key)) for c in columns)
        rows.append(ListRow(int(record["number"]), cells, record["located"] == "city"))
    return rows


def number_ranges(numbers: Sequence[int]) -> str:
    """``[1, 2, 3, 5, 7, 8]`` -> ``"1–3、5、7–8"``."""
    out: list[str] = []
    ordered = sorted(set(numbers))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    return "、".join(out)
