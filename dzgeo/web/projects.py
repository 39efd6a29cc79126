"""The key projects for the web map's cluster layer: one compact, column-wise payload.

``dzmap.projects`` reads it: coordinates as integers of :data:`COORD_STEP` degrees,
repeated texts as indices into string tables, zlib-packed past :data:`PACK_THRESHOLD`.
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dzgeo import style, symbology
from dzgeo.counting import city_level_mask, count_points, county_seats, n_city_level
from dzgeo.data.published import Layers
from dzgeo.ledger.conditions import STAGE_FINISHED, STAGE_STARTED, ledger_number, year_stage
from dzgeo.ledger.fields import LOCATED_BY_SITE, LOCATED_BY_TOWNSHIP
from dzgeo.vocabulary import split_multi
from dzgeo.web.overlays import shifted
from dzgeo.web.symbols import marker_px

log = logging.getLogger(__name__)

#: Project payloads longer than this (characters of JSON) are sent zlib-packed.
PACK_THRESHOLD = 200_000
#: Project coordinates travel as integers of this many degrees (≈ 1 m).
COORD_STEP = 1e-5


def city_anchor(outline: BaseGeometry) -> tuple[float, float]:
    """Where projects without a stated place are drawn: (lon, lat) just outside the city.

    The plan names no place for them, so they are not piled on the city's
    representative point (which is 德城区's): they get a labelled spot of their own in
    an empty corner of the map view (north-west first), clear of the boundary.
    """
    minx, miny, maxx, maxy = outline.bounds
    w, h = maxx - minx, maxy - miny
    margin = 0.04 * max(w, h)
    for fx, fy in ((0.12, 0.9), (0.1, 0.78), (0.9, 0.1), (0.78, 0.1), (0.1, 0.1), (0.9, 0.9)):
        point = shapely.Point(minx + fx * w, miny + fy * h)
        if outline.distance(point) >= margin:
            return round(point.x, 5), round(point.y, 5)
    rep = outline.representative_point()
    return round(rep.x, 5), round(rep.y, 5)


def project_markers(
    projects: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    seats: Mapping[str, tuple[float, float]],
    areas: Mapping[str, Sequence[str]] | None = None,
) -> gpd.GeoDataFrame:
    """One row per marker: each project once in every county it counts in
    (:func:`dzgeo.counting.count_points`), a city-level project once.

    The first ``len(projects)`` rows are the projects in order; then come the extra
    markers, whose ``_u`` is their project's position, so that a cluster counts a
    project once. A marker's ``place`` names its own place first (the popup lists the
    others); ``_a`` is its county's adcode.
    """
    points = count_points(projects, counties, seats, areas)
    # a project the ledger placed (site or township) is drawn once, where the ledger says
    placed = ledger_placed(projects)
    if placed.any():
        rows = points["row"].to_numpy()
        points = points[~(placed[rows] & points["row"].duplicated().to_numpy())]
        points = points.reset_index(drop=True)
        own = placed[points["row"].to_numpy()]
        points.loc[own, "adcode"] = ""  # the row's own geometry: its site
    # each project's first marker, in project order, then the extra markers
    extra = points["row"].duplicated().to_numpy()
    points = pd.concat([points[~extra], points[extra]], ignore_index=True)
    frame = projects.iloc[points["row"].to_numpy()].reset_index(drop=True)
    geometry = [
        shapely.Point(x, y) if code else geom
        for x, y, code, geom in zip(
            points["x"], points["y"], points["adcode"], frame.geometry.to_numpy(), strict=True
        )
    ]
    frame = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=projects.crs)
    own = points["place"].tolist()
    frame["place"] = [
        "|".join(dict.fromkeys([mine, *split_multi(cell)])) if mine else cell
        for mine, cell in zip(own, text_column(frame, "place"), strict=True)
    ]
    frame["_u"] = points["row"].to_numpy()
    frame["_a"] = points["adcode"].to_numpy()
    return frame


#: ``located_by`` values of a point the ledger gave.
LEDGER_PLACED = (LOCATED_BY_SITE, LOCATED_BY_TOWNSHIP)


def ledger_placed(projects: pd.DataFrame) -> np.ndarray:
    """True for the projects the ledger placed (its site, or its township)."""
    return text_column(projects, "located_by").isin(LEDGER_PLACED).to_numpy()


def layer_markers(layers: Layers, projects: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """:func:`project_markers` of ``projects`` over the published counties and seats."""
    seats, areas = county_seats(layers.places)
    return project_markers(projects, layers.counties_web, seats, areas)


def project_payload(
    projects: gpd.GeoDataFrame,
    *,
    basemap: str = "none",
    anchor: tuple[float, float] | None = None,
    year: int | None = None,
    groups: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The compact, column-wise payload ``dzmap.projects`` reads (packed when large).

    One marker per row at its first point (a MultiPoint's other places are named in
    the popup; :func:`project_markers` makes one row per county a project counts in);
    city-level projects (in no county) go to ``anchor`` (lon, lat) when given.
    Coordinates travel as integers of :data:`COORD_STEP` degrees
    above (x0, y0), repeated texts as indices into string tables.

    A frame with the ledger's fields (the current ledger version) also sends them
    (:func:`ledger_columns`) for the popups, and with ``year`` each project's stage
    in that year (``g``: 0 not started, 1 在建, 2 竣工), drawn distinct.
    """
    frame = shifted(projects, basemap) if len(projects) else projects
    lon, lat = _first_points(frame)
    if anchor is not None and len(frame):
        at_city = city_level_mask(frame) & ~ledger_placed(frame)
        lon[at_city], lat[at_city] = anchor
    x0 = float(np.floor(lon.min())) if len(lon) else 0.0
    y0 = float(np.floor(lat.min())) if len(lat) else 0.0
    industries = list(style.INDUSTRY_COLORS)
    extra = sorted(set(frame["industry"].astype(str)) - set(industries)) if len(frame) else []
    industries += extra
    groups = _industry_groups(frame, industries, groups or {})
    symbols = [symbology.project_symbol(i, groups.get(i, "")) for i in industries]
    data: dict[str, Any] = {
        "ind": industries,
        "col": [s.color for s in symbols],
        "grp": [groups.get(i, "") for i in industries],
        "shp": [s.shape for s in symbols],
        "sz": marker_px(symbols[0]),
        "x0": x0,
        "y0": y0,
        "x": np.rint((lon - x0) / COORD_STEP).astype(np.int64).tolist(),
        "y": np.rint((lat - y0) / COORD_STEP).astype(np.int64).tolist(),
        "i": pd.Categorical(text_column(frame, "industry"), categories=industries).codes.tolist(),
        "n": text_column(frame, "name").tolist(),
        "id": text_column(frame, "id").tolist(),
    }
    if "_u" in frame.columns and len(frame):
        owner = frame["_u"].astype(int).to_numpy()
        first = int(owner.max()) + 1  # rows 0..first-1 are the projects themselves
        data["xu"] = owner[first:].tolist()
    for key, table, column in (
        ("s", "sub", "subfield"),
        ("c", "cat", "category"),
        ("p", "plc", "place"),
        ("k", "src", "place_source"),
        ("b", "bas", "place_basis"),
        ("e", "ent", "enterprise"),
        ("t", "sec", "plan_section"),
    ):
        codes, uniques = pd.factorize(text_column(frame, column), sort=False)
        data[key] = codes.tolist()
        data[table] = [str(u) for u in uniques]
    if "status" in frame.columns:
        data.update(ledger_columns(frame))
    if year is not None and len(frame):
        stage = year_stage(frame, year)
        data["g"] = np.select([stage == STAGE_FINISHED, stage == STAGE_STARTED], [2, 1], 0).tolist()
        data["yr"] = int(year)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) > PACK_THRESHOLD:
        packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
        return {"packed": packed}
    return data


#: Ledger text fields in the payload: key, string-table key, column.
LEDGER_TEXTS = (
    ("st", "sta", "status"),
    ("lb", "lby", "located_by"),
    ("tw", "twn", "township"),
    ("rp", "rsp", "responsible"),
    ("rm", "rmk", "remarks"),
    ("pv", "prv", "provenance"),
    ("og", "org", "origin"),
)
#: Ledger number fields in the payload: key, column (null when empty).
LEDGER_NUMBERS = (
    ("y1", "start_year"),
    ("y2", "finish_year"),
    ("iv", "investment_total"),
    ("vd", "investment_done"),
)


def ledger_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """The ledger's fields of ``frame`` as payload columns (texts factorised, numbers
    rounded, empty as null), plus the version they were read from."""
    data: dict[str, Any] = {}
    for key, table, column in LEDGER_TEXTS:
        codes, uniques = pd.factorize(text_column(frame, column), sort=False)
        data[key] = codes.tolist()
        data[table] = [str(u) for u in uniques]
    for key, column in LEDGER_NUMBERS:
        values = ledger_number(frame, column) if column in frame.columns else None
        if values is None:
            data[key] = [None] * len(frame)
        else:
            rounded = values.round(4)
            data[key] = [None if np.isnan(v) else float(v) for v in rounded.to_numpy()]
    versions = pd.to_numeric(text_column(frame, "ledger_version"), errors="coerce").dropna()
    data["ver"] = int(versions.iloc[0]) if len(versions) else 0
    return data


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as text ('' for missing; all '' when there is no such column)."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].fillna("").astype(str)


def n_at_city(projects: pd.DataFrame) -> int:
    """How many projects count in no county (the city total only)."""
    return n_city_level(projects)


def _industry_groups(
    frame: pd.DataFrame, industries: Sequence[str], known: Mapping[str, str]
) -> dict[str, str]:
    """Group (新兴/传统) of each industry, from the data: ``known`` (the vocabulary's
    industries), else the frame's ``group`` field ('' when neither has it)."""
    groups: dict[str, str] = {}
    if len(frame) and "group" in frame.columns:
        firsts = frame[["industry", "group"]].astype(str).drop_duplicates("industry")
        groups = dict(zip(firsts["industry"], firsts["group"], strict=True))
    return {i: known.get(i) or groups.get(i, "") for i in industries}


def _first_points(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lon, lat of each row's first point (a missing geometry falls back to the centroid
    of the others, so every project still gets one marker)."""
    n = len(frame)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    coords, index = shapely.get_coordinates(frame.geometry.values, return_index=True)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    first = np.unique(index, return_index=True)
    lon[first[0]] = coords[first[1], 0]
    lat[first[0]] = coords[first[1], 1]
    missing = ~np.isfinite(lon)
    if missing.any():
        log.warning(
            "%d project(s) without geometry drawn at the centre of the others", missing.sum()
        )
        lon[missing] = np.nanmean(lon) if (~missing).any() else 116.5
        lat[missing] = np.nanmean(lat) if (~missing).any() else 37.4
    return lon, lat
