"""The project downloads (CSV, Excel, GeoJSON) in the planner's language.

Chinese headers and values by default: the columns of the on-screen project table
(:func:`dzgeo.tables.project_table`) first, then 位置说明, 所在区县, 规划原文 and the
coordinates. ``english=True`` writes the published field names and codes instead, for
GIS users. City-level projects (``located == "city"``: the plan names no place, and the
ledger gives no site) get no geometry: GeoJSON ``null``, empty 经度/纬度 — a spatial
join must not give them to the county whose point happens to represent the city. File
names say what was filtered; the Excel file has a 说明 sheet (filter, count, source,
version, date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dzgeo import __version__
from dzgeo.data.geojson import feature_collection_text
from dzgeo.data.published import PROJECT_FIELDS
from dzgeo.filters import ProjectFilter
from dzgeo.formulas import csv_bytes, xlsx_bytes
from dzgeo.frames import records
from dzgeo.ledger.fields import LEDGER_FIELDS
from dzgeo.settings import PLAN_TITLE
from dzgeo.tables import project_table, text_col
from dzgeo.vocabulary import Vocabulary, split_multi

__all__ = [
    "EXTRA_HEADERS",
    "SOURCE",
    "DownloadInfo",
    "download_name",
    "export_columns",
    "export_frame",
    "location_note",
    "placeless",
    "projects_csv",
    "projects_geojson",
    "projects_xlsx",
]

#: Where the projects come from (the 说明 sheet, the offline page).
SOURCE = f"《{PLAN_TITLE}》重点支持项目"
#: Columns added after the on-screen table's: field -> Chinese header.
EXTRA_HEADERS = {
    "location_note": "位置说明",
    "county_names": "所在区县",
    "plan_text": "规划原文",
    "lon": "经度",
    "lat": "纬度",
}
#: Longest filter part kept in a file name (characters).
_NAME_PART_MAX = 24
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


@dataclass(frozen=True)
class DownloadInfo:
    """What the 说明 sheet records about a download."""

    filter: ProjectFilter = field(default_factory=ProjectFilter)
    source: str = SOURCE
    version: str = f"dzgeo {__version__}"
    date: dt.date = field(default_factory=dt.date.today)


def download_name(flt: ProjectFilter, suffix: str, *, stem: str = "德州重点项目") -> str:
    """A file name carrying the filter, e.g. ``德州重点项目-新能源-齐河县.xlsx``.

    The parts are the filter's values in the order group, industry, sub-field, place,
    keyword (each list joined by 、), with characters a file system refuses removed.
    """
    parts = [
        "、".join(values)
        for values in (flt.groups, flt.industries, flt.subfields, flt.places)
        if values
    ]
    if flt.text:
        parts.append(f"关键词{flt.text}")
    cleaned = [_UNSAFE.sub("_", p).strip("._")[:_NAME_PART_MAX] for p in parts]
    cleaned = [p for p in cleaned if p] or ["全部"]
    return "-".join([stem, *cleaned]) + "." + suffix.lstrip(".")


def location_note(row: Mapping[str, object]) -> str:
    """位置说明 of one project: what its coordinates are (and are not)."""
    places = split_multi(row.get("place"))
    basis = str(row.get("place_basis") or "").strip()
    by = str(row.get("located_by") or "")
    if by == "台账坐标":
        return "坐标为台账填报的项目选址"
    if by == "乡镇":
        return f"坐标为台账所填乡镇（{row.get('township') or ''}）的代表点，非项目选址"
    if str(row.get("located") or "") == "city":
        note = "规划未指明具体地点，属全市层面项目：无坐标，不计入任何区县"
        return f"{note}（{basis}）" if basis else note
    first = places[0] if places else ""
    where = f"坐标为{first}的代表点，非项目选址"
    if len(places) > 1:
        where += f"；另涉及{'、'.join(places[1:])}"
    if str(row.get("place_source") or "") == "inferred":
        return f"地点为推定（{basis}）；{where}" if basis else f"地点为推定；{where}"
    return f"规划明确地点；{where}"


def export_columns(projects: pd.DataFrame) -> list[str]:
    """The English columns of a download: the published fields, then the ledger's when
    present."""
    return [*PROJECT_FIELDS, *(c for c in LEDGER_FIELDS if c in projects.columns)]


def placeless(projects: pd.DataFrame) -> np.ndarray:
    """Which projects have no point of their own: city-level in the plan (``located ==
    "city"``) and given no site or township by the ledger (``located_by`` 无…)."""
    at_city = (text_col(projects, "located") == "city").to_numpy()
    if "located_by" in projects.columns:
        by = text_col(projects, "located_by")
        found = (by != "") & ~by.str.startswith("无")
        return at_city & ~found.to_numpy(dtype=bool)
    return at_city


def _first_points(projects: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lon, lat of each project's first point; NaN for placeless or missing ones."""
    n = len(projects)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    if n:
        coords, index = shapely.get_coordinates(projects.geometry.values, return_index=True)
        rows, first = np.unique(index, return_index=True)
        lon[rows] = coords[first, 0].round(6)
        lat[rows] = coords[first, 1].round(6)
        none = placeless(projects)
        lon[none] = lat[none] = np.nan
    return lon, lat


def _county_names(projects: pd.DataFrame, vocab: Vocabulary | None) -> pd.Series:
    codes = text_col(projects, "counties")
    if vocab is None:
        return codes.map(lambda v: "、".join(split_multi(v)))
    names = {
        codes[0]: name
        for name, codes in vocab.place_adcodes.items()
        if vocab.places.get(name) == "county" and codes
    }
    return codes.map(lambda v: "、".join(names.get(c, c) for c in split_multi(v)))


def export_frame(
    projects: gpd.GeoDataFrame, vocab: Vocabulary | None = None, *, english: bool = False
) -> pd.DataFrame:
    """The rows of a project download (one per project, coordinates of its first point).

    Chinese: the on-screen table's columns and values, then :data:`EXTRA_HEADERS`.
    English: the published fields as codes, then location_note, lon and lat.
    """
    lon, lat = _first_points(projects)
    notes = [location_note(r) for r in records(projects.drop(columns=projects.geometry.name))]
    if english:
        frame = pd.DataFrame({c: text_col(projects, c) for c in export_columns(projects)})
        frame = frame.reset_index(drop=True)
        frame["location_note"] = notes
    else:
        frame = project_table(projects)
        frame[EXTRA_HEADERS["location_note"]] = notes
        frame[EXTRA_HEADERS["county_names"]] = _county_names(projects, vocab).to_numpy()
        frame[EXTRA_HEADERS["plan_text"]] = text_col(projects, "plan_text").to_numpy()
    frame[EXTRA_HEADERS["lon"] if not english else "lon"] = lon
    frame[EXTRA_HEADERS["lat"] if not english else "lat"] = lat
    return frame


def projects_csv(
    projects: gpd.GeoDataFrame, vocab: Vocabulary | None = None, *, english: bool = False
) -> bytes:
    """The projects as CSV, UTF-8 with BOM so that Excel opens the Chinese text; cells a
    spreadsheet would run as formulas are neutralised (:mod:`dzgeo.formulas`)."""
    return csv_bytes(export_frame(projects, vocab, english=english))


def _info_rows(info: DownloadInfo, n: int) -> list[tuple[str, str]]:
    return [
        ("内容", "德州市新旧动能转换重点支持项目"),
        ("筛选条件", info.filter.describe()),
        ("项目数", str(n)),
        ("数据来源", info.source),
        ("版本", info.version),
        ("导出日期", info.date.isoformat()),
        (
            "坐标",
            "WGS 84 经纬度；为所在地（区县、园区）的代表点，不是项目选址；"
            "全市层面（未指明地点）的项目无坐标",
        ),
    ]


def projects_xlsx(
    projects: gpd.GeoDataFrame,
    vocab: Vocabulary | None = None,
    *,
    info: DownloadInfo | None = None,
    english: bool = False,
    sheet: str = "重点项目",
) -> bytes:
    """The projects as an Excel workbook: the projects (header frozen, text cells as text)
    and a 说明 sheet with the filter, count, source, version and date."""
    info = info or DownloadInfo()
    frame = export_frame(projects, vocab, english=english)
    about = pd.DataFrame(_info_rows(info, len(projects)), columns=["项目", "说明"])
    return xlsx_bytes({sheet: frame, "说明": about})


def _json_value(value: object) -> object:
    """A cell as JSON has it: an empty number (NaN, pandas NA) is null, never ``NaN``."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    return value


def projects_geojson(
    projects: gpd.GeoDataFrame, vocab: Vocabulary | None = None, *, english: bool = False
) -> bytes:
    """The projects as GeoJSON (RFC 7946, WGS 84); :func:`placeless` ones: null geometry.

    Chinese property names and values by default (the download's columns, without the
    coordinates that the geometry holds); ``english`` writes the published fields.
    """
    if projects.crs is not None and projects.crs.to_epsg() != 4326:
        projects = projects.to_crs("EPSG:4326")
    frame = export_frame(projects, vocab, english=english)
    coords = ["lon", "lat"] if english else [EXTRA_HEADERS["lon"], EXTRA_HEADERS["lat"]]
    properties = [
        {key: _json_value(value) for key, value in record.items()}
        for record in frame.drop(columns=coords).to_dict("records")
    ]
    geometries: Sequence[object] = [
        None if none else geom
        for geom, none in zip(projects.geometry.values, placeless(projects), strict=True)
    ]
    return feature_collection_text(properties, geometries).encode("utf-8")  # type: ignore[arg-type]
