"""Deterministic GeoJSON writing: same data, same bytes.

Published files must diff cleanly and rebuild byte-identical, so coordinates are
rounded to a fixed precision, properties keep the frame's column order, and the text
is written with a fixed layout (one feature per line).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import CRS

from dzgeo.errors import DataValidationError, Problem

#: 6 decimal places of a degree ≈ 0.1 m: finer than any source we hold.
PRECISION = 6


def _clean(value: object) -> object:
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def feature_collection(frame: gpd.GeoDataFrame, *, precision: int = PRECISION) -> dict:
    """The frame as a GeoJSON FeatureCollection dict (WGS 84 required, not reprojected)."""
    if frame.crs is None or not CRS(frame.crs).equals(CRS("EPSG:4326")):
        raise DataValidationError(
            [
                Problem(
                    "GeoJSON",
                    "CRS",
                    f"需要 WGS 84 (EPSG:4326)，实际为 {frame.crs}",
                    "先调用 to_crs('EPSG:4326')",
                )
            ]
        )
    columns = [c for c in frame.columns if c != frame.geometry.name]
    geoms = frame.geometry.values
    features = []
    for record, geom in zip(frame[columns].to_dict("records"), geoms, strict=True):
        rounded = None if geom is None else shapely.transform(geom, lambda xy: xy.round(precision))
        features.append(
            {
                "type": "Feature",
                "properties": {key: _clean(val) for key, val in record.items()},
                "geometry": None if rounded is None else shapely.geometry.mapping(rounded),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict) -> str:
    """Serialise a FeatureCollection with one feature per line."""
    lines = [
        json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        for feature in collection["features"]
    ]
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, *, precision: int = PRECISION) -> Path:
    """Write ``frame`` to ``path`` deterministically; return the path."""
    path = Path(path)
    text = dumps(feature_collection(frame, precision=precision))
    path.write_text(text, encoding="utf-8")
    return path
