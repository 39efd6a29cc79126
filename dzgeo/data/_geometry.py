"""Checks shared by the geographic readers: geometry type and validity, inside Dezhou, unique ids,
the basis of approximate features, and where a geographic file sits.

Each check is pure and returns a list of :class:`~dzgeo.errors.Problem`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from dzgeo.data._validate import check_enum
from dzgeo.data.geojson import feature_label
from dzgeo.data.schema import PRECISIONS
from dzgeo.errors import Problem, raise_if_problems
from dzgeo.frames import records
from dzgeo.settings import DEZHOU_BOUNDS, GEODATA_DIR, METRIC_CRS, STORAGE_CRS

logger = logging.getLogger(__name__)


POLYGONAL = ("Polygon", "MultiPolygon")


ADCODE_PATTERN = re.compile(r"^3714\d\d$")


def default_path(path: str | Path | None, name: str) -> Path:
    return Path(path) if path is not None else GEODATA_DIR / name


def row_label(row: int, name: str) -> str:
    """``row 3 (中心城区)``: a place row named like a feature (header = row 1)."""
    return f"row {row}" + (f" ({name})" if name else "")


def to_metric(geoms: Sequence[BaseGeometry] | np.ndarray) -> np.ndarray:
    return np.asarray(gpd.GeoSeries(list(geoms), crs=STORAGE_CRS).to_crs(METRIC_CRS).values)


def outline_area(outline: BaseGeometry | None, margin_m: float) -> tuple[BaseGeometry, str]:
    """The area features must lie in, in METRIC_CRS, and how to describe it."""
    if outline is not None and not outline.is_empty:
        return to_metric([outline])[0].buffer(margin_m), f"德州市 outline + {margin_m / 1000:g} km"
    box = shapely.box(*DEZHOU_BOUNDS)
    return to_metric([box])[0], f"DEZHOU_BOUNDS {DEZHOU_BOUNDS}"


def check_geometry(
    source: str,
    where: str,
    geom: BaseGeometry | None,
    allowed: Sequence[str],
) -> list[Problem]:
    if geom is None:
        return []
    if geom.is_empty:
        return [Problem(source, where, "geometry is empty", "draw the feature")]
    if geom.geom_type not in allowed:
        return [
            Problem(
                source,
                where,
                f"geometry is a {geom.geom_type}, expected {' or '.join(allowed)}",
                "redraw it with the expected type",
            )
        ]
    if not geom.is_valid:
        return [
            Problem(
                source,
                where,
                f"invalid geometry: {explain_validity(geom)}",
                "repair it (e.g. shapely.make_valid) and check the shape",
            )
        ]
    return []


def check_inside(
    source: str,
    frame: gpd.GeoDataFrame,
    labels: Sequence[str],
    outline: BaseGeometry | None,
    margin_m: float,
) -> list[Problem]:
    usable = [
        i for i, g in enumerate(frame.geometry) if g is not None and not g.is_empty and g.is_valid
    ]
    if not usable:
        return []
    area, described = outline_area(outline, margin_m)
    metric = to_metric([frame.geometry.iloc[i] for i in usable])
    return [
        Problem(
            source,
            labels[i],
            f"lies outside Dezhou ({described})",
            "check the coordinates (lon/lat order, GCJ-02 vs WGS 84) or clip the feature",
        )
        for i, geom in zip(usable, metric, strict=True)
        if not area.contains(geom)
    ]


def check_unique_ids(source: str, labels: Sequence[str], field: str, values: Sequence[str]) -> list:
    """Empty or repeated ``values``, a repeat pointing at the feature (row) it repeats.

    Not ``_validate.check_unique``: that one points at a file row and leaves empty cells to
    ``check_text``; a GeoJSON feature has no file row, and nothing else reports empty ids.
    """
    seen: dict[str, str] = {}
    problems = []
    for label, value in zip(labels, values, strict=True):
        if not value:
            problems.append(Problem(source, label, f"{field} is empty", f"fill in the {field}"))
        elif value in seen:
            problems.append(
                Problem(
                    source,
                    label,
                    f"{field} {value!r} repeats {seen[value]}",
                    f"give each feature its own {field}",
                )
            )
        else:
            seen[value] = label
    return problems


def check_basis(source: str, where: str, precision: str, basis: str) -> list[Problem]:
    problems = check_enum([(where, precision)], "precision", PRECISIONS, source)
    if precision == "approximate" and not basis:
        problems.append(
            Problem(
                source,
                where,
                "is approximate but has no basis",
                "write how it was placed in basis (e.g. 县城东南约 3 km，依据外部知识)",
            )
        )
    return problems


def feature_labels(frame: gpd.GeoDataFrame) -> list[str]:
    return [feature_label(i, row) for i, row in enumerate(records(frame), start=1)]


def finish(frame: gpd.GeoDataFrame, problems: list[Problem], validate: bool) -> gpd.GeoDataFrame:
    if validate:
        raise_if_problems(problems)
    elif problems:
        logger.warning("%d data problem(s) ignored (validate=False)", len(problems))
    return frame
