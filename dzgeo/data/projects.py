"""The key-project table: read (CSV, XLSX, GeoJSON), validate, place on the map.

Validation collects every problem in a file and raises them together, naming the file,
the row (the header counts as row 1, as a spreadsheet shows it), the column and the fix.
Reading never changes the file; a failed check leaves everything as it was.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPoint, Point

from dzgeo.data._validate import (
    as_records,
    by_row,
    cells,
    check_columns,
    check_enum,
    check_pattern,
    check_unique,
    choices,
    file_error,
    require_file,
    where,
)
from dzgeo.errors import Problem, raise_if_problems
from dzgeo.settings import STORAGE_CRS
from dzgeo.vocabulary import Vocabulary, split_multi

log = logging.getLogger(__name__)

COLUMNS = (
    "id",
    "name",
    "industry",
    "subfield",
    "category",
    "place",
    "place_source",
    "place_basis",
    "place_basis_kind",
    "enterprise",
    "plan_section",
    "plan_text",
)
#: Columns a user's file must have; the others may be absent (they are then empty).
REQUIRED = ("id", "name", "industry", "place")
PLACE_SOURCES = ("stated", "inferred", "unplaced")
BASIS_KINDS = ("plan", "outside")
CITY = "德州市"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
SUFFIXES = (".csv", ".xlsx", ".geojson", ".json")


def read_projects(path: str | Path) -> pd.DataFrame:
    """Read a project table from CSV, XLSX or GeoJSON into strings, as written.

    Every column is read as text (ids such as ``007`` keep their zeros); missing
    optional columns are added empty (missing required ones are left for validation).
    Geometry in a GeoJSON is ignored: a project is placed by its ``place``.
    """
    path = Path(path)
    require_file(path, "项目文件", "请检查路径，支持 CSV、XLSX、GeoJSON")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise file_error(
            str(path), f"不支持的格式“{suffix}”", "请另存为 CSV (UTF-8)、XLSX 或 GeoJSON"
        )
    try:
        frame = _read_table(path, suffix)
    except (UnicodeDecodeError, ValueError, KeyError, OSError) as exc:
        raise file_error(
            str(path), f"无法读取：{exc}", "请确认文件未损坏；CSV 须为 UTF-8 编码，首行为列名"
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in COLUMNS:
        if column not in frame.columns and column not in REQUIRED:
            frame[column] = ""
    return frame.fillna("").astype(str).apply(lambda col: col.str.strip())


def _read_table(path: Path, suffix: str) -> pd.DataFrame:
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    return _read_geojson_properties(path)


def _read_geojson_properties(path: Path) -> pd.DataFrame:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise ValueError("不是 GeoJSON FeatureCollection")
    rows = [feature.get("properties") or {} for feature in data.get("features", [])]
    return pd.DataFrame(rows, dtype=object).astype(str).replace({"None": "", "nan": ""})


def validate_projects(frame: pd.DataFrame, vocab: Vocabulary, *, source: str) -> list[Problem]:
    """Every problem in a project table; an empty list means it is valid.

    Checks required columns, unique well-formed ids, industry, sub-field (must belong
    to the industry), places (names or aliases in places.csv), place provenance
    (stated / inferred with a basis / unplaced at 德州市 with a reason).
    """
    if missing := check_columns(frame, COLUMNS, source, required=REQUIRED):
        return missing
    rows = as_records(frame, COLUMNS)
    problems = [
        Problem(source, where(row, column), message, fix)
        for row, rec in rows
        for column, message, fix in _row_problems(rec, vocab)
    ]
    problems += check_pattern(rows, "id", ID_PATTERN, "id 只用字母、数字和 - _ .", source)
    problems += check_unique(rows, ["id"], source)
    for column, allowed in (("place_source", PLACE_SOURCES), ("place_basis_kind", BASIS_KINDS)):
        problems += check_enum(cells(rows, column), column, allowed, source, optional=True)
    return by_row(problems)


def _row_problems(row: dict[str, str], vocab: Vocabulary) -> list[tuple[str, str, str]]:
    """(column, message, fix) of one row's empty, unknown and unexplained cells."""
    industries, places = choices(vocab.industries), split_multi(row["place"])
    empty = {
        "id": ("缺少 id", "请填写唯一的项目编号，如 E3-001"),
        "name": ("缺少项目名称 name", "请填写项目名称"),
        "industry": ("缺少产业 industry", f"应为：{industries}"),
        "place": ("缺少地点 place", f"请填写县市区或园区名称；无法确定时填 {CITY} 并注明原因"),
    }
    out = [(column, *empty[column]) for column in REQUIRED if not row[column]]
    industry, subfield = row["industry"], row["subfield"]
    if industry and industry not in vocab.industries:
        out.append(("industry", f"未知产业“{industry}”", f"应为：{industries}"))
    elif industry and subfield and subfield not in vocab.subfields[industry]:
        allowed = choices(vocab.subfields[industry]) or "（留空）"
        out.append(("subfield", f"细分领域“{subfield}”不属于{industry}", f"应为：{allowed}"))
    for place in places:
        if vocab.resolve_place(place) is None:
            out.append(("place", f"未知地点“{place}”", f"应为：{choices(vocab.places)}"))
    source, basis = row["place_source"], row["place_basis"]
    if source == "inferred" and not (basis and row["place_basis_kind"]):
        out.append(
            (
                "place_basis",
                "推断的地点缺少依据",
                "请填写 place_basis 及 place_basis_kind (plan/outside)",
            )
        )
    if source == "unplaced" and (places != [CITY] or not basis):
        out.append(
            ("place", "未定位项目应放在德州市并说明原因", f"place 填 {CITY}，place_basis 写原因")
        )
    return out


def check_projects(path: str | Path, vocab: Vocabulary) -> pd.DataFrame:
    """Read and validate a project file; raise one error listing every problem."""
    frame = read_projects(path)
    raise_if_problems(validate_projects(frame, vocab, source=str(path)))
    return frame


def canonical_places(frame: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    """A copy with every place spelled canonically and the ``counties`` it covers."""
    out = frame.copy()
    resolved = [[vocab.resolve_place(p) or p for p in split_multi(cell)] for cell in out["place"]]
    out["place"] = ["|".join(names) for names in resolved]
    out["counties"] = [
        "|".join(sorted({code for n in names for code in vocab.place_adcodes.get(n, [])}))
        for names in resolved
    ]
    return out


def locate_projects(
    frame: pd.DataFrame, places: pd.DataFrame, vocab: Vocabulary
) -> gpd.GeoDataFrame:
    """Projects as points at their place's representative point (a MultiPoint if several).

    The point is the place's, not the project's site: the plan gives no sites. Projects
    at 德州市 (unplaced) sit at the city's point and are flagged ``located = city``.
    """
    lonlat = {
        row.name: (float(row.lon), float(row.lat))
        for row in places.itertuples(index=False)
        if str(row.lon) not in ("", "nan") and str(row.lat) not in ("", "nan")
    }
    located = canonical_places(frame, vocab)
    geometries = []
    for cell in located["place"]:
        points = [Point(lonlat[n]) for n in split_multi(cell) if n in lonlat]
        geometries.append(points[0] if len(points) == 1 else MultiPoint(points) if points else None)
    located["group"] = located["industry"].map(vocab.industries)
    located["located"] = ["city" if p == CITY else "place" for p in located["place"]]
    return gpd.GeoDataFrame(located, geometry=geometries, crs=STORAGE_CRS)
