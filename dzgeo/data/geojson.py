"""GeoJSON in and out: a lenient reader that collects problems, a deterministic writer.

Reading (:func:`load_feature_collection`, :func:`parse_features`) never raises on a
bad feature: it returns the frame and every structural problem, so a caller can report
all of them at once.

Writing: same data, same bytes.

Published files and geodata/ must diff cleanly and rebuild byte-identical, so polygons
get counter-clockwise shells (RFC 7946), coordinates are rounded to a fixed precision,
properties keep their column order, and each feature takes one line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import from_shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from dzgeo.data._validate import WHOLE_FILE, file_error, require_file
from dzgeo.errors import DataValidationError, Problem
from dzgeo.frames import records
from dzgeo.settings import STORAGE_CRS

#: 6 decimal places of a degree ≈ 0.1 m: finer than any source we hold.
PRECISION = 6


def feature_collection_text(
    properties: Sequence[Mapping[str, Any]],
    geometries: Sequence[BaseGeometry | None],
    *,
    precision: int = PRECISION,
) -> str:
    """GeoJSON text in the house format: stable, diffable, byte-identical on rebuild.

    Polygons get counter-clockwise shells (RFC 7946), coordinates are rounded to
    ``precision`` decimals, and each feature takes one line.

    Parameters
    ----------
    properties
        One mapping per feature, written in its own key order.
    geometries
        One WGS 84 geometry per feature (None: a feature with null geometry).
    precision
        Decimals kept in every coordinate.

    Returns
    -------
    The file's text, ending in a newline.
    """
    if len(properties) != len(geometries):
        raise ValueError(
            f"feature_collection_text: {len(properties)} property rows but "
            f"{len(geometries)} geometries — pass one of each per feature"
        )
    geoms = np.asarray(list(geometries), dtype=object)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    geoms = shapely.transform(geoms, lambda c: np.round(c, precision))
    lines = []
    for props, geom in zip(properties, geoms, strict=True):
        shape = None if geom is None else mapping(geom)  # null: a feature with no place
        feature = {"type": "Feature", "properties": dict(props), "geometry": shape}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(", ", ": ")))
    body = ",\n".join(lines)
    return '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n"


def _clean(value: object) -> object:
    """A JSON-ready scalar: numpy scalars become Python ones, NaN becomes null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, *, precision: int = PRECISION) -> Path:
    """Write a WGS 84 frame to ``path`` in the house format; return the path."""
    if frame.crs is None or not CRS(frame.crs).equals(CRS("EPSG:4326")):
        raise DataValidationError(
            [Problem(str(path), "CRS", f"需要 WGS 84 (EPSG:4326)，实际为 {frame.crs}",
                     "先调用 to_crs('EPSG:4326')")]
        )  # fmt: skip
    columns = [c for c in frame.columns if c != frame.geometry.name]
    properties = [
        {key: _clean(val) for key, val in record.items()} for record in records(frame[columns])
    ]
    path = Path(path)
    text = feature_collection_text(properties, list(frame.geometry.values), precision=precision)
    path.write_text(text, encoding="utf-8")
    return path


_WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326", "WGS84", "WGS 84")


_FIX_REPROJECT = (
    "store WGS 84 lon/lat (RFC 7946): reproject, e.g. gdf.to_crs('EPSG:4326'), "
    "and drop the crs member"
)


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def feature_label(i: int, props: Mapping[str, Any]) -> str:
    ident = cell_text(props.get("id")) or cell_text(props.get("adcode"))
    name = cell_text(props.get("name"))
    tag = " ".join(x for x in (ident, name) if x)
    return f"feature {i}" + (f" ({tag})" if tag else "")


def _crs_is_wgs84(name: str) -> bool:
    if any(name.upper().endswith(n) for n in _WGS84_NAMES):
        return True
    try:
        return CRS.from_user_input(name).to_epsg() == 4326
    except CRSError:
        return False


def load_feature_collection(path: Path) -> dict[str, Any]:
    require_file(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise file_error(str(path), f"not valid UTF-8 JSON ({exc})", "fix the syntax") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise file_error(
            str(path),
            "expected a GeoJSON FeatureCollection",
            'write {"type": "FeatureCollection", "features": [...]}',
        )
    return doc


def _looks_projected(geom: BaseGeometry) -> tuple[float, float] | None:
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return None
    bad = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    if bad.any():
        x, y = coords[np.argmax(bad)]
        return float(x), float(y)
    return None


def parse_features(
    doc: Mapping[str, Any], source: str, fields: Sequence[str]
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Turn a FeatureCollection into a GeoDataFrame; collect structural problems."""
    problems: list[Problem] = []
    crs = doc.get("crs")
    if crs is not None:
        name = cell_text((crs.get("properties") or {}).get("name")) if isinstance(crs, dict) else ""
        if not _crs_is_wgs84(name):
            problems.append(
                Problem(
                    source,
                    "crs",
                    f"declares CRS {name or json.dumps(crs)}, not WGS 84",
                    _FIX_REPROJECT,
                )
            )
    features = doc.get("features")
    if not isinstance(features, list):
        problems.append(Problem(source, WHOLE_FILE, "has no 'features' list", "add the features"))
        features = []
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for i, feat in enumerate(features, start=1):
        props = feat.get("properties") if isinstance(feat, dict) else None
        props = props if isinstance(props, dict) else {}
        where = feature_label(i, props)
        missing = [f for f in fields if f not in props]
        if missing:
            problems.append(
                Problem(
                    source,
                    where,
                    f"missing field(s) {', '.join(missing)}",
                    f"add them to properties (fields: {', '.join(fields)}; see geodata/SCHEMA.md)",
                )
            )
        geom = None
        raw = feat.get("geometry") if isinstance(feat, dict) else None
        if raw is None:
            problems.append(Problem(source, where, "has no geometry", "add the geometry"))
        else:
            try:
                geom = shape(raw)
            except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
                problems.append(
                    Problem(source, where, "geometry cannot be read", "write RFC 7946 geometry")
                )
        if geom is not None and (xy := _looks_projected(geom)) is not None:
            problems.append(
                Problem(
                    source,
                    where,
                    f"coordinates look projected or swapped, e.g. ({xy[0]:g}, {xy[1]:g}), "
                    "not lon/lat degrees",
                    _FIX_REPROJECT,
                )
            )
            geom = None
        rows.append({f: cell_text(props.get(f)) for f in fields})
        geoms.append(geom)
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=list(fields), dtype=object),
        geometry=gpd.GeoSeries(from_shapely(geoms), crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )
    return frame, problems
