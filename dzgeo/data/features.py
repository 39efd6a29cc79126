"""Zones (双区, parks, platforms, logistics parks) and the corridors' routes: read and validate.

All of them are hand-placed approximations; each feature says so and on what basis.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from dzgeo.data._geometry import (
    POLYGONAL,
    check_basis,
    check_geometry,
    check_inside,
    check_unique_ids,
    default_path,
    feature_labels,
    finish,
)
from dzgeo.data._validate import check_enum, require_file, where
from dzgeo.data.boundaries import outline_beside, sibling
from dzgeo.data.geojson import load_feature_collection, parse_features
from dzgeo.data.schema import (
    CORRIDOR_IDS,
    INSIDE_MARGIN_M,
    ROUTE_FIELDS,
    ROUTE_KINDS,
    ZONE_FIELDS,
    ZONE_KINDS,
)
from dzgeo.errors import Problem
from dzgeo.frames import rows
from dzgeo.vocabulary import split_multi

logger = logging.getLogger(__name__)


def validate_zones(
    zones: gpd.GeoDataFrame,
    *,
    source: str = "zones.geojson",
    place_names: Collection[str] | None = None,
    industries: Collection[str] | None = None,
    outline: BaseGeometry | None = None,
    margin_m: float = INSIDE_MARGIN_M,
) -> list[Problem]:
    """Check the zone layer (zones, platforms, parks, logistics parks, 东部城区).

    Parameters
    ----------
    zones
        Frame with the fields of ``ZONE_FIELDS`` and Point or polygonal geometry.
    source
        File name used in the messages.
    place_names
        Canonical ``places.csv`` names that ``place`` must be one of (skipped when None).
    industries
        Industry short names that ``industries`` must use (skipped when None).
    outline
        City outline; features must lie within it plus ``margin_m`` (DEZHOU_BOUNDS
        when None).
    margin_m
        Allowed reach outside the outline, metres.

    Returns
    -------
    Every problem found.
    """
    labels = feature_labels(zones)
    problems = check_unique_ids(source, labels, "id", list(zones["id"]))
    problems += check_unique_ids(source, labels, "name", list(zones["name"]))
    for label, row in zip(labels, rows(zones), strict=True):
        problems += check_enum([(label, row.kind)], "kind", ZONE_KINDS, source)
        allowed = POLYGONAL if row.kind == "lead_zone" else ("Point", *POLYGONAL)
        problems += check_geometry(source, label, row.geometry, allowed)
        problems += check_basis(source, label, row.precision, row.basis)
        if place_names is not None and row.place not in place_names:
            problems.append(
                Problem(
                    source,
                    label,
                    f"place {row.place!r} is not in places.csv",
                    "use a places.csv name (or add the place there)",
                )
            )
        if not row.plan_section:
            problems.append(
                Problem(
                    source,
                    label,
                    "plan_section is empty",
                    "name the plan section, e.g. 第二章第三节",
                )
            )
        for industry in split_multi(row.industries):
            if industries is not None and industry not in industries:
                problems.append(
                    Problem(
                        source,
                        label,
                        f"industry {industry!r} is unknown",
                        "use a short name from industries.csv",
                    )
                )
    problems += check_inside(source, zones, labels, outline, margin_m)
    return problems


def validate_routes(
    routes: gpd.GeoDataFrame,
    *,
    source: str = "routes.geojson",
    outline: BaseGeometry | None = None,
    margin_m: float = INSIDE_MARGIN_M,
) -> list[Problem]:
    """Check the route layer (expressways and high-speed rail inside Dezhou).

    Parameters
    ----------
    routes
        Frame with the fields of ``ROUTE_FIELDS`` and LineString geometry.
    source
        File name used in the messages.
    outline
        City outline; routes must lie within it plus ``margin_m`` (DEZHOU_BOUNDS
        when None).
    margin_m
        Allowed reach outside the outline, metres.

    Returns
    -------
    Every problem found.
    """
    labels = feature_labels(routes)
    problems = check_unique_ids(source, labels, "id", list(routes["id"]))
    problems += check_unique_ids(source, labels, "name", list(routes["name"]))
    for label, row in zip(labels, rows(routes), strict=True):
        problems += check_enum([(label, row.kind)], "kind", ROUTE_KINDS, source)
        problems += check_enum([(label, row.corridor)], "corridor", CORRIDOR_IDS, source)
        problems += check_geometry(source, label, row.geometry, ("LineString",))
        problems += check_basis(source, label, row.precision, row.basis)
        if len(split_multi(row.waypoints)) < 2:
            problems.append(
                Problem(
                    source,
                    label,
                    "lists fewer than 2 waypoints",
                    "list the named points the line passes, | separated",
                )
            )
    problems += check_inside(source, routes, labels, outline, margin_m)
    return problems


def _industry_names(file: Path) -> list[str] | None:
    if not file.is_file():
        logger.debug("%s not found: zone industries not checked", file)
        return None
    return list(pd.read_csv(file, dtype=str, keep_default_na=False)["name"])


def read_zones(
    path: str | Path | None = None,
    *,
    places_path: str | Path | None = None,
    place_names: Collection[str] | None = None,
    outline: BaseGeometry | None = None,
    validate: bool = True,
) -> gpd.GeoDataFrame:
    """Read ``zones.geojson``: zones, platforms, parks, logistics parks and 东部城区.

    Sibling files (``places.csv``, ``industries.csv``, ``city.geojson``) are taken
    from the folder of ``path``, or from geodata/ when that folder lacks them.

    Parameters
    ----------
    path
        File to read; default ``geodata/zones.geojson``.
    places_path
        The place table whose names ``place`` may take; default: beside ``path``.
    place_names
        The names themselves (overrides ``places_path``).
    outline
        City outline for the inside check; default: ``city.geojson`` beside ``path``.
    validate
        Raise :class:`~dzgeo.errors.DataValidationError` listing every problem.

    Returns
    -------
    GeoDataFrame (EPSG:4326) with the ``ZONE_FIELDS`` columns, in file order.
    """
    file = default_path(path, "zones.geojson")
    frame, problems = parse_features(load_feature_collection(file), str(file), ZONE_FIELDS)
    if validate:
        if place_names is None:
            places_file = default_path(places_path, "places.csv")
            if places_path is None:
                places_file = sibling(file, "places.csv")
            require_file(places_file)
            place_names = list(pd.read_csv(places_file, dtype=str, keep_default_na=False)["name"])
        problems += validate_zones(
            frame,
            source=str(file),
            place_names=place_names,
            industries=_industry_names(sibling(file, "industries.csv")),
            outline=outline_beside(file, outline),
        )
    return finish(frame, problems, validate)


def read_routes(
    path: str | Path | None = None,
    *,
    outline: BaseGeometry | None = None,
    validate: bool = True,
) -> gpd.GeoDataFrame:
    """Read ``routes.geojson``: 京台高速, 京沪高铁, 德滨高速 and 德上高速 inside Dezhou.

    Parameters
    ----------
    path
        File to read; default ``geodata/routes.geojson``.
    outline
        City outline for the inside check; default: ``city.geojson`` beside ``path``
        (or in geodata/).
    validate
        Raise :class:`~dzgeo.errors.DataValidationError` listing every problem.

    Returns
    -------
    GeoDataFrame (EPSG:4326) with the ``ROUTE_FIELDS`` columns, in file order.
    """
    file = default_path(path, "routes.geojson")
    frame, problems = parse_features(load_feature_collection(file), str(file), ROUTE_FIELDS)
    if validate:
        problems += validate_routes(frame, source=str(file), outline=outline_beside(file, outline))
    return finish(frame, problems, validate)


def check_corridor_routes(
    corridors: pd.DataFrame, route_ids: Collection[str], source: str
) -> list[Problem]:
    """Problems for corridors naming a route id that routes.geojson does not have.

    Without this the corridor would be published with its band silently missing.
    """
    known = "、".join(sorted(route_ids))
    return [
        Problem(
            source,
            where(row, "routes"),
            f"未知线路 id“{route}”（routes.geojson 中没有）",
            f"应为 routes.geojson 的 id：{known}",
        )
        for row, corridor in enumerate(rows(corridors), start=2)
        for route in split_multi(corridor.routes)
        if route not in route_ids
    ]
