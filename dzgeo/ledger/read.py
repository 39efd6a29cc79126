"""Read a planner's ledger file (XLSX, CSV, GeoJSON) into text cells under field codes.

Tables are decoded by :mod:`dzgeo.data.tabular` (encodings, separators, sheets, formula
cached values); GeoJSON is read here. Nothing is interpreted yet: every cell stays the text
the planner wrote, and :mod:`dzgeo.ledger.check` judges it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dzgeo.data._validate import HEADER, WHOLE_FILE
from dzgeo.data.tabular import TABLE_SUFFIXES, open_table
from dzgeo.errors import DataFileNotFoundError, DataValidationError, Problem, shorten
from dzgeo.ledger.headers import IGNORED_FIELDS, TEMPLATE_HEADERS, map_headers

__all__ = ["GEOJSON_SUFFIXES", "GEOM_LAT", "GEOM_LON", "LedgerFile", "read_ledger_file"]

GEOJSON_SUFFIXES = (".geojson", ".json")
#: Internal columns holding a GeoJSON feature's point (WGS 84 unless 坐标系 says otherwise).
GEOM_LON, GEOM_LAT = "_geom_lon", "_geom_lat"


@dataclass
class LedgerFile:
    """A ledger file's rows as text under field codes, and how to name a cell in messages.

    ``frame``'s index is the row number a spreadsheet shows (header = row 1) or, for a
    GeoJSON, the feature number (from 1). ``headers`` maps each field code back to the
    header the planner wrote, so messages use the planner's words.
    """

    source: str
    frame: pd.DataFrame
    headers: dict[str, str]
    kind: str  # "table" | "geojson"
    notes: list[str] = field(default_factory=list)

    @property
    def fields(self) -> tuple[str, ...]:
        """The field codes the file has."""
        return tuple(self.headers)

    def where(self, row: int, code: str) -> str:
        """Where a cell is: ``第 5 行 经度 列 (row 5, column 经度)`` or the GeoJSON form."""
        header = self.headers.get(code) or TEMPLATE_HEADERS.get(code, code)
        if self.kind == "geojson":
            return f"第 {row} 个要素 {header} 属性 (feature {row}, property {header})"
        return f"第 {row} 行 {header} 列 (row {row}, column {header})"

    def row_where(self, row: int) -> str:
        """Where a whole row is."""
        return (
            f"第 {row} 个要素 (feature {row})"
            if self.kind == "geojson"
            else f"第 {row} 行 (row {row})"
        )


def _problem(source: str, where: str, message: str, fix: str) -> DataValidationError:
    return DataValidationError([Problem(source, where, message, fix)])


def read_ledger_file(path: str | Path, *, name: str | None = None) -> LedgerFile:
    """Read ``path``; ``name`` is how messages call it (an upload's original file name).

    Raises :class:`DataValidationError` for a file that cannot be read or whose header
    names one field twice, :class:`DataFileNotFoundError` for a missing path.
    """
    path = Path(path)
    source = name or path.name
    if not path.is_file():
        raise DataFileNotFoundError(
            f"找不到台账文件：{shorten(path)} (not found) — 请检查路径，支持 XLSX、CSV、GeoJSON"
        )
    suffix = path.suffix.lower()
    if suffix in GEOJSON_SUFFIXES:
        frame, notes = _read_geojson(path, source)
        kind = "geojson"
    elif suffix in TABLE_SUFFIXES or suffix == "":
        known = [*TEMPLATE_HEADERS.values(), *TEMPLATE_HEADERS]
        table = open_table(path, known=known, required=["编号"], what="台账文件")
        frame, notes = table.frame(), list(table.notes)
        kind = "table"
    else:
        raise _problem(
            source,
            WHOLE_FILE,
            f"不支持的格式“{shorten(suffix, 20)}” (unsupported format)",
            "请另存为 Excel 工作簿 (.xlsx)、CSV 或 GeoJSON",
        )
    return _under_codes(source, frame, kind, notes)


def _under_codes(source: str, frame: pd.DataFrame, kind: str, notes: list[str]) -> LedgerFile:
    raw_columns = [c for c in frame.columns if c not in (GEOM_LON, GEOM_LAT)]
    mapping, unknown = map_headers(raw_columns)
    by_code: dict[str, list[str]] = {}
    for header, code in mapping.items():
        by_code.setdefault(code, []).append(header)
    if twice := {c: h for c, h in by_code.items() if len(h) > 1}:
        code, repeated = next(iter(twice.items()))
        raise _problem(
            source,
            HEADER,
            f"列“{'”“'.join(repeated)}”都表示 {TEMPLATE_HEADERS.get(code, code)} ({code})",
            "只保留其中一列",
        )
    if unknown:
        listed = "、".join(shorten(u, 30) for u in unknown)
        notes.append(f"未识别的列已忽略 (unknown columns ignored)：{listed}")
    ignored = [h for h, c in mapping.items() if c in (*IGNORED_FIELDS, "located_by")]
    if ignored:
        notes.append(
            f"下载文件中的列不会读回 (not read back)：{'、'.join(ignored)}；"
            "坐标请填在“经度”“纬度”两列"
        )
    keep = {h: c for h, c in mapping.items() if c not in IGNORED_FIELDS}
    # located_by is not read back, but says whether a download's 经度/纬度 is a site
    keep = {h: ("_located_by" if c == "located_by" else c) for h, c in keep.items()}
    codes = set(keep.values())
    if {"site_lon_input", "site_lat_input"} <= codes:
        # a download: site_lon/site_lat are already WGS 84; the typed pair goes with 坐标系
        keep = {h: c for h, c in keep.items() if c not in ("site_lon", "site_lat")}
        keep = {h: c.removesuffix("_input") for h, c in keep.items()}
    else:
        keep = {h: c for h, c in keep.items() if c not in ("site_lon_input", "site_lat_input")}
    out = frame[[*keep, *(c for c in (GEOM_LON, GEOM_LAT) if c in frame.columns)]]
    out = out.rename(columns=keep)
    headers = {code: header for header, code in keep.items() if code != "_located_by"}
    return LedgerFile(source, out, headers, kind, notes)


def _read_geojson(path: Path, source: str) -> tuple[pd.DataFrame, list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _problem(
            source,
            WHOLE_FILE,
            f"不是有效的 GeoJSON (invalid GeoJSON: {shorten(exc, 80)})",
            "GeoJSON 须为 UTF-8 编码的 FeatureCollection",
        ) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise _problem(
            source,
            WHOLE_FILE,
            "不是 FeatureCollection (no 'features')",
            "请导出为 FeatureCollection",
        )
    records: list[dict[str, str]] = []
    problems: list[Problem] = []
    for number, feature in enumerate(features, start=1):
        record, problem = _feature_record(source, number, feature)
        records.append(record)
        if problem:
            problems.append(problem)
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame.from_records(records, index=range(1, len(records) + 1)).fillna("")
    return frame.astype(str), []


def _feature_record(
    source: str, number: int, feature: object
) -> tuple[dict[str, str], Problem | None]:
    where = f"第 {number} 个要素 (feature {number})"
    if not isinstance(feature, dict):
        return {}, Problem(source, where, "不是 GeoJSON 要素 (not a feature)", "删除或改正该要素")
    props = feature.get("properties") or {}
    record = {str(k): _text(v) for k, v in props.items()}
    geometry = feature.get("geometry")
    if geometry is None or not _geometry_is_site(props):
        return record, None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
        return record, Problem(
            source,
            where,
            f"几何须为点 (Point)，实际为 {shorten(geometry.get('type'), 30)}",
            "每个项目一个点；或删除几何，在“经度”“纬度”属性中填写坐标",
        )
    record[GEOM_LON], record[GEOM_LAT] = _text(coords[0]), _text(coords[1])
    return record, None


def _geometry_is_site(props: dict) -> bool:
    """Whether a feature's geometry is its site: not in a download, where it is the drawn
    point (the plan's place point unless ``located_by`` / 点位依据 says 台账坐标)."""
    from dzgeo.ledger.fields import LOCATED_BY_SITE

    codes = {code: props[header] for header, code in map_headers(props)[0].items()}
    if "located_by" in codes:
        return codes["located_by"] == LOCATED_BY_SITE
    return "located" not in codes and "location_note" not in codes


def _text(value: object) -> str:
    """A property as cell text: None and NaN (which some writers put in JSON) are blank."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
