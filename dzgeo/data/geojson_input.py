"""A user's GeoJSON project file: its structure and geometry checked, never trusted.

:func:`read_features` turns any file into feature properties plus problems, never a
traceback: JSON that does not parse (with line and column), nesting too deep for a
parser, a top level that is a list, number or string, ``"features": null``, features
that are not objects. Each geometry is checked for a known type, coordinates that
parse, emptiness, validity (self-intersection …) and lying inside Dezhou. RFC 7946
GeoJSON is WGS 84 longitude/latitude and has no ``crs`` member: a ``crs`` naming
WGS 84 is noted, one naming another system is converted (and noted), an unknown one and
projected coordinates without one are problems.

Locations are ``第 N 个要素 (feature N)``, counting from 1 in file order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from dzgeo.data._validate import WHOLE_FILE
from dzgeo.errors import Problem, shorten
from dzgeo.settings import DEZHOU_BOUNDS

__all__ = ["GEOMETRY_TYPES", "GeoJSONRead", "feature_where", "read_features"]

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)
_WGS84 = ("CRS84", "EPSG:4326", "4326", "WGS84", "WGS 84")
_FIX_STRUCTURE = (
    '应为 {"type": "FeatureCollection", "features": [{"type": "Feature", '
    '"properties": {...}, "geometry": ...}, ...]}（RFC 7946）'
)


@dataclass
class GeoJSONRead:
    """The properties of every feature, in order, and what was found wrong or noted."""

    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def feature_where(number: int, what: str = "") -> str:
    """``第 3 个要素 geometry (feature 3, geometry)``: where a problem is in a GeoJSON."""
    part = f" {what}" if what else ""
    return f"第 {number} 个要素{part} (feature {number}{', ' + what if what else ''})"


def read_features(path: Path, *, outline: BaseGeometry | None = None) -> GeoJSONRead:
    """Read ``path`` as a GeoJSON FeatureCollection; see the module docstring.

    ``outline`` is the area geometries must lie in (default: Dezhou's bounding box).
    """
    source = shorten(path)
    out = GeoJSONRead()
    data = _load(path, source, out)
    if data is None:
        return out
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        kind = _kind(data.get("type") if isinstance(data, dict) else data)
        out.problems.append(
            Problem(source, WHOLE_FILE, f"顶层不是 FeatureCollection（是{kind}）", _FIX_STRUCTURE)
        )
        return out
    features = data.get("features")
    if not isinstance(features, list):
        out.problems.append(
            Problem(
                source, WHOLE_FILE, f'"features" 应为数组，实际是{_kind(features)}', _FIX_STRUCTURE
            )
        )
        return out
    to_wgs84 = _crs_transform(data.get("crs"), source, out)
    area = (outline if outline is not None else box(*DEZHOU_BOUNDS)).buffer(0.02)
    for number, feature in enumerate(features, start=1):
        out.rows.append(_feature(feature, number, source, out, to_wgs84, area))
    return out


def _kind(value: Any) -> str:
    names = {list: "数组", str: "字符串", dict: "对象", bool: "布尔值", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"数字 {shorten(value, 20)}"
    if isinstance(value, str) and value:
        return f"“{shorten(value, 40)}”"
    return names.get(type(value), type(value).__name__)


def _load(path: Path, source: str, out: GeoJSONRead) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        out.problems.append(
            Problem(
                source,
                WHOLE_FILE,
                f"不是 UTF-8 文本（第 {exc.start} 字节）",
                "GeoJSON 须为 UTF-8 编码 (RFC 7946)；请用 GIS 软件重新导出",
            )
        )
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        out.problems.append(
            Problem(
                source,
                f"第 {exc.lineno} 行第 {exc.colno} 列 (line {exc.lineno}, column {exc.colno})",
                f"JSON 语法错误：{exc.msg}",
                "检查括号、引号和逗号；或用 GIS 软件重新导出为 GeoJSON",
            )
        )
    except RecursionError:
        out.problems.append(
            Problem(
                source,
                WHOLE_FILE,
                "数组或对象嵌套过深，无法读取 (nested too deeply)",
                "这不是正常的 GeoJSON；请用 GIS 软件重新导出",
            )
        )
    return None


def _crs_transform(crs: Any, source: str, out: GeoJSONRead) -> Transformer | None:
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or not name.strip():
        out.problems.append(
            Problem(source, WHOLE_FILE, "crs 成员无法识别", "删除 crs 成员并使用 WGS 84 经纬度")
        )
        return None
    if any(name.upper().replace("::", ":").endswith(w) for w in _WGS84):
        out.notes.append(f"crs 成员“{shorten(name, 60)}”即 WGS 84；RFC 7946 已不用 crs 成员")
        return None
    try:
        declared = CRS.from_user_input(name)
    except CRSError:
        out.problems.append(
            Problem(
                source,
                WHOLE_FILE,
                f"未知的坐标系 crs“{shorten(name, 60)}”",
                "用 GIS 软件转换为 WGS 84 (EPSG:4326) 经纬度后再导出",
            )
        )
        return None
    out.notes.append(f"坐标按声明的坐标系 {shorten(name, 60)} 读取，已转换为 WGS 84")
    return Transformer.from_crs(declared, "EPSG:4326", always_xy=True)


def _feature(
    feature: Any,
    number: int,
    source: str,
    out: GeoJSONRead,
    to_wgs84: Transformer | None,
    area: BaseGeometry,
) -> dict[str, str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        out.problems.append(
            Problem(
                source,
                feature_where(number),
                f"不是 Feature 对象（是{_kind(feature)}）",
                '每个要素应为 {"type": "Feature", "properties": {...}, "geometry": ...}',
            )
        )
        return {}
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        out.problems.append(
            Problem(
                source,
                feature_where(number, "properties"),
                f"properties 应为对象，实际是{_kind(properties)}",
                'properties 写成 {"id": ..., "name": ...}',
            )
        )
        properties = None
    out.problems += _geometry_problems(feature.get("geometry"), number, source, to_wgs84, area)
    return {str(k): _text(v) for k, v in (properties or {}).items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _geometry_problems(
    geometry: Any, number: int, source: str, to_wgs84: Transformer | None, area: BaseGeometry
) -> list[Problem]:
    """What is wrong with one feature's geometry (a null geometry is allowed)."""
    where = feature_where(number, "geometry")

    def problem(message: str, fix: str) -> list[Problem]:
        return [Problem(source, where, message, fix)]

    if geometry is None:
        return []
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in GEOMETRY_TYPES:
        return problem(
            f"未知的几何类型 {_kind(kind if kind is not None else geometry)}",
            f"应为：{'、'.join(GEOMETRY_TYPES)}，或 null",
        )
    try:
        shp = shape(geometry)
    except (
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        shapely.errors.GEOSException,
    ):
        return problem("坐标无法解析 (bad coordinates)", "坐标应为 [经度, 纬度] 数字数组")
    if shp.is_empty:
        return problem("几何为空 (empty geometry)", "填写坐标，或把 geometry 写成 null")
    coords = shapely.get_coordinates(shp)
    if not all(math.isfinite(v) for v in coords.ravel()):
        return problem("坐标含非数字值 (NaN/Infinity)", "坐标应为有限的数字")
    if to_wgs84 is not None:
        shp = shapely.transform(shp, lambda xy: np.column_stack(to_wgs84.transform(*xy.T)))
        coords = shapely.get_coordinates(shp)
    elif (abs(coords[:, 0]) > 180).any() or (abs(coords[:, 1]) > 90).any():
        return problem(
            "坐标超出经纬度范围，像是投影坐标（米）(projected coordinates?)",
            "RFC 7946 要求 WGS 84 经纬度：请转换为 EPSG:4326，或声明 crs",
        )
    problems = []
    if not shp.is_valid:
        reason = shapely.is_valid_reason(shp)
        problems += problem(
            f"几何无效：{shorten(reason, 80)} (invalid geometry)",
            "修正自相交或未闭合的环（如 GIS 软件的“修复几何”）",
        )
    if not area.contains(shp):
        x, y = coords[0]
        problems += problem(
            f"位置不在德州市范围内（如 {x:.4f}, {y:.4f}）(outside Dezhou)",
            "检查经纬度是否写反、坐标系是否为 WGS 84",
        )
    return problems


def column_names(rows: Iterable[dict[str, str]]) -> list[str]:
    """Every property name of ``rows``, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)
