"""The key-project table: read (CSV, XLSX, GeoJSON), validate, place on the map.

Validation collects every problem in a file and raises them together, naming the file,
the row (the header counts as row 1, as a spreadsheet shows it), the column and the fix.
Reading never changes the file; a failed check leaves everything as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from geopandas.array import from_shapely
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from dzgeo.data._validate import (
    Records,
    as_records,
    by_row,
    cells,
    check_columns,
    check_enum,
    check_pattern,
    choices,
    file_error,
    require_file,
    where,
)
from dzgeo.data.geojson_input import GeoJSONRead, column_names, read_features
from dzgeo.data.tabular import Table, header_problems, open_table
from dzgeo.errors import Problem, ProblemLog, raise_if_problems, shorten
from dzgeo.formulas import formula_cells
from dzgeo.frames import rows
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
#: An outside basis (place_basis_kind = outside) starts with this, so a reader sees at
#: once that the place comes from outside the plan.
OUTSIDE_PREFIX = "外部知识："
#: Place words the plan uses that places.csv does not list as spellings: the plan writes
#: 经济开发区 (the zone's name before its 2012 upgrade) for 德州经济技术开发区; 运河经济开发区
#: is always written with 运河. Used to check that a 'stated' place is in plan_text.
PLAN_PLACE_WORDS = {"经济开发区": "德州经济技术开发区"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
SUFFIXES = (".csv", ".xlsx", ".geojson", ".json")


def read_projects(path: str | Path) -> pd.DataFrame:
    """Read a project table from CSV, XLSX or GeoJSON into strings, as written.

    Every column is read as text (ids such as ``007`` keep their zeros); missing
    optional columns are added empty (missing required ones are left for validation).
    CSV and XLSX go through :mod:`dzgeo.data.tabular` (encoding, separator, sheet).
    Geometry in a GeoJSON is ignored: a project is placed by its ``place``.
    """
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        frame, read = _read_geojson_properties(_project_file(path))
        if structural := [p for p in read.problems if "geometry" not in p.where]:
            raise_if_problems(structural)
    else:
        frame = _open_projects(path).frame()
    return _complete(frame)


def _project_file(path: Path) -> Path:
    require_file(path, "项目文件", "请检查路径，支持 CSV、XLSX、GeoJSON")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise file_error(
            str(path),
            f"不支持的格式“{shorten(suffix, 20)}”",
            "请另存为 CSV (UTF-8)、XLSX 或 GeoJSON",
        )
    return path


def _open_projects(path: Path) -> Table:
    return open_table(_project_file(path), known=COLUMNS, required=REQUIRED, what="项目文件")


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in COLUMNS:
        if column not in frame.columns and column not in REQUIRED:
            frame[column] = ""
    return frame.fillna("").astype(str).apply(lambda col: col.str.strip())


def _read_geojson_properties(
    path: Path, outline: BaseGeometry | None = None
) -> tuple[pd.DataFrame, GeoJSONRead]:
    """The features' properties as text (one row per feature) and the structure and
    geometry problems found (:mod:`dzgeo.data.geojson_input`)."""
    read = read_features(path, outline=outline)
    rows = [row if row else {} for row in read.rows]
    frame = pd.DataFrame(rows, columns=column_names(rows), dtype=object)
    return frame.fillna(""), read


def validate_projects(frame: pd.DataFrame, vocab: Vocabulary, *, source: str) -> list[Problem]:
    """Every problem in a project table; an empty list means it is valid.

    Checks required columns, unique well-formed ids, industry, sub-field (must belong
    to the industry), places (names or aliases in places.csv), place provenance
    (stated / inferred with a basis / unplaced at 德州市 with a reason).
    """
    if missing := check_columns(frame, COLUMNS, source, required=REQUIRED):
        return missing
    return by_row(_records_problems(as_records(frame, COLUMNS), vocab, source, {}))


def _records_problems(
    rows: Records, vocab: Vocabulary, source: str, first_ids: dict[str, int]
) -> list[Problem]:
    """The problems of some rows; ``first_ids`` (id -> first row) carries over chunks."""
    problems = [
        Problem(source, where(row, column), message, fix)
        for row, rec in rows
        for column, message, fix in _row_problems(rec, vocab)
    ]
    problems += check_pattern(rows, "id", ID_PATTERN, "id 只用字母、数字和 - _ .", source)
    for row, rec in rows:
        ident = rec["id"]
        if not ident.strip():
            continue
        if ident in first_ids:
            problems.append(
                Problem(
                    source,
                    where(row, "id"),
                    f"重复的键 (duplicate key) '{ident}'，与第 {first_ids[ident]} 行相同",
                    "id 每行唯一：删除或合并重复行",
                )
            )
        else:
            first_ids[ident] = row
    for column, allowed in (("place_source", PLACE_SOURCES), ("place_basis_kind", BASIS_KINDS)):
        problems += check_enum(cells(rows, column), column, allowed, source, optional=True)
    return problems


@dataclass(frozen=True)
class ProjectScan:
    """What ``dzgeo validate`` learnt about a valid project file."""

    source: str
    rows: int
    notes: tuple[str, ...] = ()
    #: Cells a spreadsheet would run as a formula (kept, but worth a look), capped.
    formula_like: ProblemLog = field(default_factory=ProblemLog)


def scan_projects(
    path: str | Path, vocab: Vocabulary, *, outline: BaseGeometry | None = None
) -> ProjectScan:
    """Check a project file of any size, chunk by chunk, holding no more than a chunk.

    Raises one :class:`DataValidationError` listing the first problems of each kind and
    how many there are; returns the row count, the reader's notes and formula-like cells.
    """
    path = Path(path)
    source = str(path)
    if path.suffix.lower() in (".geojson", ".json"):
        frame, read = _read_geojson_properties(_project_file(path), outline)
        columns = tuple(str(c) for c in frame.columns)
        notes: tuple[str, ...] = tuple(read.notes)
        chunks: Iterable[pd.DataFrame] = [frame.set_axis(range(2, len(frame) + 2))]
        if any("geometry" not in p.where for p in read.problems):
            raise_if_problems(read.problems)  # no features to check the rows of
        geometry_problems = read.problems
    else:
        table = _open_projects(path)
        columns, notes, chunks = table.columns, tuple(table.notes), table.chunks()
        geometry_problems = []
    log_ = ProblemLog()
    log_.extend(geometry_problems)
    log_.extend(header_problems(columns, COLUMNS, source, required=REQUIRED))
    if any(c not in columns for c in REQUIRED):
        log_.raise_if_any()
    first_ids: dict[str, int] = {}
    formula_like = ProblemLog()
    count = 0
    for chunk in chunks:
        rows = _chunk_records(chunk)
        count += len(rows)
        log_.extend(_records_problems(rows, vocab, source, first_ids))
        formula_like.extend(formula_cells(rows, source))
    log_.raise_if_any(by_row)
    return ProjectScan(source, count, notes, formula_like)


def _chunk_records(frame: pd.DataFrame) -> Records:
    """The rows of a chunk as records of stripped text (column lists: no per-cell pandas)."""
    columns = [str(c).strip() for c in frame.columns]
    blank = dict.fromkeys(COLUMNS, "")
    lists = [frame[c].tolist() for c in frame.columns]
    return [
        (
            int(row),
            blank
            | {
                c: v.strip() if isinstance(v, str) else _cell(v)
                for c, v in zip(columns, values, strict=True)
            },
        )
        for row, values in zip(frame.index.tolist(), zip(*lists, strict=True), strict=True)
    ]


def _cell(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None or value != value else str(value).strip()


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
    out += _provenance_problems(row, places, vocab)
    return out


def _provenance_problems(
    row: dict[str, str], places: list[str], vocab: Vocabulary
) -> list[tuple[str, str, str]]:
    """(column, message, fix) of a row whose place provenance does not hold together."""
    out = []
    source, basis, kind = row["place_source"], row["place_basis"], row["place_basis_kind"]
    canonical = [vocab.resolve_place(p) or p for p in places]
    twice = sorted({p for p in canonical if canonical.count(p) > 1})
    if twice:
        out.append(("place", f"地点重复列出：{'、'.join(twice)}", "每个地点只写一次（| 分隔）"))
    if source in ("stated", "unplaced") and kind:
        out.append(
            (
                "place_basis_kind",
                f"地点来源为 {source} 时不应有依据类型“{kind}”（规划已写明或无法确定，无外部依据）",
                "清空 place_basis_kind，或把 place_source 改为 inferred",
            )
        )
    if kind == "outside" and not basis.startswith(OUTSIDE_PREFIX):
        out.append(
            (
                "place_basis",
                f"外部依据须以“{OUTSIDE_PREFIX}”开头",
                f"在 place_basis 前写 {OUTSIDE_PREFIX}（例如 {OUTSIDE_PREFIX}企业位于…）",
            )
        )
    if source == "stated":
        text = row["plan_text"]
        unsaid = [
            p
            for p, c in zip(places, canonical, strict=True)
            if vocab.resolve_place(p) is not None  # an unknown place is reported as such
            and not any(w in text for w in _spellings(c, vocab))
        ]
        if unsaid:
            out.append(
                (
                    "place",
                    f"地点来源为 stated，但 plan_text 没有写出“{'、'.join(unsaid)}”",
                    "plan_text 填写写有该地点的规划原文，或把 place_source 改为 inferred 并写依据",
                )
            )
    if source == "inferred" and not (basis and kind):
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


def _spellings(place: str, vocab: Vocabulary) -> list[str]:
    """Every way the plan may write ``place``: its name, short name, aliases, plan words."""
    words = [w for w, n in vocab.aliases.items() if n == place]
    words += [w for w, n in PLAN_PLACE_WORDS.items() if n == place]
    return [place, *words]


def check_projects(path: str | Path, vocab: Vocabulary) -> pd.DataFrame:
    """Read and validate a project file; raise one error listing every problem
    (for a GeoJSON also its structure and geometry)."""
    path = Path(path)
    frame = read_projects(path)
    problems = validate_projects(frame, vocab, source=str(path))
    if path.suffix.lower() in (".geojson", ".json"):
        problems = _read_geojson_properties(path)[1].problems + problems
    raise_if_problems(problems)
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
        for row in rows(places)
        if str(row.lon) not in ("", "nan") and str(row.lat) not in ("", "nan")
    }
    located = canonical_places(frame, vocab)
    geometries = []
    for cell in located["place"]:
        points = [Point(lonlat[n]) for n in split_multi(cell) if n in lonlat]
        geometries.append(points[0] if len(points) == 1 else MultiPoint(points) if points else None)
    located["group"] = located["industry"].map(vocab.industries)
    located["located"] = ["city" if p == CITY else "place" for p in located["place"]]
    return gpd.GeoDataFrame(located, geometry=from_shapely(geometries), crs=STORAGE_CRS)
