"""Deterministic GeoJSON writing: same data, same bytes.

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
import shapely
from pyproj import CRS
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from dzgeo.errors import DataValidationError, Problem

#: 6 decimal places of a degree ≈ 0.1 m: finer than any source we hold.
PRECISION = 6


def feature_collection_text(
    properties: Sequence[Mapping[str, Any]],
    geometries: Sequence[BaseGeometry],
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
        One WGS 84 geometry per feature.
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
        feature = {"type": "Feature", "properties": dict(props), "geometry": mapping(geom)}
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
        {key: _clean(val) for key, val in record.items()}
        for record in frame[columns].to_dict("records")
    ]
    path = Path(path)
    text = feature_collection_text(properties, list(frame.geometry.values), precision=precision)
    path.write_text(text, encoding="utf-8")
    return path
