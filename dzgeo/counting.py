"""How many projects a place has: the one counting rule behind every count the user sees.

A project that names several places is one project. It counts once in every county
(县市区) it names — directly, through a zone inside the county, or through an area such
as 中心城区 that covers the county — and once in the city total. A project the plan
places at city level (德州市, or no place) belongs to no county: it is in the city total
only. The web map's clusters and popups, the tables and the briefing maps all count with
the functions here, and say so with :data:`COUNT_RULE`.

On a map a project is drawn once per county it counts in (:func:`count_points`), so the
symbols inside a county add up to the county's count; a cluster spanning several
counties counts each project once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dzgeo.vocabulary import split_multi

__all__ = [
    "CITY_LEVEL",
    "COUNT_RULE",
    "COUNT_RULE_SHORT",
    "city_level_mask",
    "count_points",
    "county_counts",
    "county_seats",
    "n_city_level",
    "project_counties",
]

#: The counting rule in plain Chinese, shown where counts are shown.
COUNT_RULE = (
    "计数规则：一个项目列出几个县市区（含其中的园区，中心城区计入德城区和陵城区），"
    "就在每个县市区各计 1 个；全市合计每个项目只计 1 个；"
    "规划未落到县市区的全市层面项目只计入全市合计，不计入任何县市区。"
)
#: The same rule in one line, for map notes.
COUNT_RULE_SHORT = (
    "列出多个县市区的项目在各县市区分别计数、全市合计只计一次；全市层面项目不计入县市区"
)
#: What a project without a county is called wherever it is counted or listed.
CITY_LEVEL = "全市层面"


def _cells(projects: pd.DataFrame, column: str) -> pd.Series:
    if column not in projects.columns:
        return pd.Series([""] * len(projects), index=projects.index, dtype=object)
    return projects[column].fillna("").astype(str)


def project_counties(projects: pd.DataFrame) -> list[tuple[str, ...]]:
    """The counties (adcodes) each project counts in, in the order named, no repeats."""
    return [tuple(dict.fromkeys(split_multi(cell))) for cell in _cells(projects, "counties")]


def city_level_mask(projects: pd.DataFrame) -> np.ndarray:
    """True for the projects in no county (the plan places them at city level)."""
    return np.array([not c for c in project_counties(projects)], dtype=bool)


def n_city_level(projects: pd.DataFrame) -> int:
    """How many projects count in the city total only."""
    return int(city_level_mask(projects).sum())


def county_counts(projects: pd.DataFrame, adcodes: Iterable[object]) -> dict[str, dict[str, int]]:
    """Projects per county and industry: ``{adcode: {industry: n, "": total}}``.

    A project counts once in every county it names (see the module docstring); one
    without a county counts in none. Every county of ``adcodes`` is in the result.
    """
    out: dict[str, dict[str, int]] = {str(a): {"": 0} for a in adcodes}
    industries = _cells(projects, "industry").tolist()
    for counties, industry in zip(project_counties(projects), industries, strict=True):
        for code in counties:
            if code in out:
                counts = out[code]
                counts[industry] = counts.get(industry, 0) + 1
                counts[""] += 1
    return out


def count_points(
    projects: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    seats: Mapping[str, tuple[float, float]],
    areas: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Where each project is drawn: one row per (project, county it counts in).

    Columns: ``row`` (position in ``projects``), ``adcode`` ('' for a city-level
    project, one row), ``x``, ``y`` (NaN for city-level rows) and ``place`` (the place
    named for that county). The point is the project's first point inside the county
    (its zone or county seat), else the county's seat from ``seats`` (adcode -> x, y):
    a project named by an area (中心城区) is drawn at the seat of each county the area
    covers. ``counties`` (``adcode`` + polygons), ``seats`` and ``projects`` share one
    CRS. ``areas`` maps an area's name to its counties' adcodes, to name the area at
    those seats.
    """
    codes = counties["adcode"].astype(str).to_numpy()
    polygons = counties.geometry.to_numpy()
    coords, owner = shapely.get_coordinates(projects.geometry.to_numpy(), return_index=True)
    point_county = np.full(len(coords), "", dtype=object)
    for code, polygon in zip(codes, polygons, strict=True):
        if len(coords):
            inside = np.asarray(shapely.contains_xy(polygon, coords[:, 0], coords[:, 1]))
            point_county[inside & (point_county == "")] = code
    first_point: dict[tuple[int, str], int] = {}
    for k, (row, code) in enumerate(zip(owner.tolist(), point_county.tolist(), strict=True)):
        first_point.setdefault((row, code), k)
    starts = {row: k for k, row in reversed(list(enumerate(owner.tolist())))}
    places = _cells(projects, "place").tolist()
    area_of = {code: name for name, members in (areas or {}).items() for code in members}
    rows: list[tuple[int, str, float, float, str]] = []
    for row, counties_of in enumerate(project_counties(projects)):
        names = split_multi(places[row])
        if not counties_of:
            rows.append((row, "", np.nan, np.nan, places[row]))
            continue
        for code in counties_of:
            found = first_point.get((row, code))
            if found is not None:
                k = found
                nth = k - starts[row]
                name = names[nth] if nth < len(names) else (names[0] if names else "")
                rows.append((row, code, float(coords[k, 0]), float(coords[k, 1]), name))
                continue
            x, y = seats.get(code, (np.nan, np.nan))
            area = area_of.get(code, "")
            name = area if area in names else (names[0] if names else "")
            rows.append((row, code, float(x), float(y), name))
    return pd.DataFrame(rows, columns=["row", "adcode", "x", "y", "place"])


def county_seats(
    places: pd.DataFrame, points: Mapping[str, tuple[float, float]] | None = None
) -> tuple[dict[str, tuple[float, float]], dict[str, list[str]]]:
    """The seat point of every county (adcode -> x, y) and the counties of every area.

    From the places table (``name``, ``kind``, ``adcode``, ``lon``, ``lat``, ``members``);
    ``points`` (name -> x, y) replaces lon/lat, for a map in another CRS.
    """
    seats: dict[str, tuple[float, float]] = {}
    kinds = dict(zip(places["name"].astype(str), places["kind"].astype(str), strict=True))
    codes = dict(zip(places["name"].astype(str), places["adcode"].astype(str), strict=True))
    lons = pd.to_numeric(places["lon"], errors="coerce").to_numpy(dtype=float)
    lats = pd.to_numeric(places["lat"], errors="coerce").to_numpy(dtype=float)
    for (name, kind), lon, lat in zip(kinds.items(), lons, lats, strict=True):
        if kind != "county":
            continue
        if points is not None:
            if name in points:
                seats[codes[name]] = points[name]
        elif np.isfinite(lon) and np.isfinite(lat):
            seats[codes[name]] = (float(lon), float(lat))
    areas: dict[str, list[str]] = {}
    by_name = {name: code for name, code in codes.items() if kinds[name] == "county"}
    for name, members in zip(
        places["name"], places.get("members", [""] * len(places)), strict=True
    ):
        if kinds.get(str(name)) == "area":
            areas[str(name)] = [by_name[m] for m in split_multi(members) if m in by_name]
    return seats, areas
