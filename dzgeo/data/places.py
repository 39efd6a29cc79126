"""The place table (``places.csv``): counties, zones and named areas with their points.

Row numbers count the CSV header as row 1.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dzgeo.data._geometry import (
    ADCODE_PATTERN,
    check_basis,
    check_unique_ids,
    default_path,
    row_label,
)
from dzgeo.data._validate import check_columns, check_enum, require_file
from dzgeo.data.boundaries import outline_beside, read_counties, sibling
from dzgeo.data.geojson import cell_text
from dzgeo.data.schema import CITY_ADCODE, PLACE_FIELDS, PLACE_KINDS
from dzgeo.errors import Problem, raise_if_problems
from dzgeo.frames import records
from dzgeo.settings import DEZHOU_BOUNDS, STORAGE_CRS
from dzgeo.vocabulary import split_multi


def validate_places(
    places: pd.DataFrame,
    *,
    source: str = "places.csv",
    counties: gpd.GeoDataFrame | None = None,
    outline: BaseGeometry | None = None,
) -> list[Problem]:
    """Check the place table.

    Names, short names and aliases must be unique across all rows, kinds and
    adcodes consistent, every row must have a representative point with its
    precision and basis, and the point must lie in the county of its adcode (or in
    the city outline for adcode 371400).

    Parameters
    ----------
    places
        The table as read (text cells; ``lon``/``lat`` may be text or numbers).
    source
        File name used in the messages.
    counties
        County polygons for the point-in-county test (skipped when None).
    outline
        City outline for rows with adcode 371400 (skipped when None).

    Returns
    -------
    Every problem found.
    """
    if missing := check_columns(places, PLACE_FIELDS, source):
        return missing
    rows = records(places)
    labels = [row_label(i, cell_text(r["name"])) for i, r in enumerate(rows, start=2)]
    problems = check_unique_ids(source, labels, "name", [cell_text(r["name"]) for r in rows])
    names = {cell_text(r["name"]) for r in rows}
    county_codes = {cell_text(r["adcode"]) for r in rows if cell_text(r["kind"]) == "county"}
    polygons: dict[str, BaseGeometry] = {}
    if counties is not None:
        polygons = dict(zip(counties["adcode"], counties.geometry, strict=True))
    spellings: dict[str, str] = {}
    for label, r in zip(labels, rows, strict=True):
        name, kind, adcode = cell_text(r["name"]), cell_text(r["kind"]), cell_text(r["adcode"])
        problems += check_enum([(label, kind)], "kind", PLACE_KINDS, source)
        for spelling in dict.fromkeys([name, cell_text(r["short"]), *split_multi(r["aliases"])]):
            if spelling and spellings.setdefault(spelling, name) != name:
                problems.append(
                    Problem(
                        source,
                        label,
                        f"spelling {spelling!r} also names {spellings[spelling]}",
                        "keep every name, short name and alias unique",
                    )
                )
        problems += _check_place_adcode(source, label, kind, adcode, county_codes)
        for member in split_multi(r["members"]):
            if member not in names:
                problems.append(
                    Problem(
                        source,
                        label,
                        f"member {member!r} is not a place name",
                        "use names from the name column",
                    )
                )
        problems += _check_place_point(source, label, r, adcode, polygons, outline)
    return problems


def _check_place_adcode(
    source: str, label: str, kind: str, adcode: str, county_codes: Collection[str]
) -> list[Problem]:
    if kind in ("city", "area") and adcode != CITY_ADCODE:
        return [
            Problem(
                source,
                label,
                f"kind {kind} has adcode {adcode!r}",
                f"use {CITY_ADCODE} for kind {kind}",
            )
        ]
    if kind == "county" and not ADCODE_PATTERN.match(adcode):
        return [
            Problem(
                source,
                label,
                f"adcode {adcode!r} is not a Dezhou county code",
                "use the 6-digit code 3714xx",
            )
        ]
    if kind == "zone" and adcode not in county_codes:
        return [
            Problem(
                source,
                label,
                f"zone adcode {adcode!r} is not a county's adcode",
                "give the adcode of the county the zone's centre lies in",
            )
        ]
    return []


def _check_place_point(
    source: str,
    label: str,
    row: Mapping[str, Any],
    adcode: str,
    polygons: Mapping[str, BaseGeometry],
    outline: BaseGeometry | None,
) -> list[Problem]:
    lon, lat = pd.to_numeric(pd.Series([row["lon"], row["lat"]]), errors="coerce")
    if math.isnan(lon) or math.isnan(lat):
        return [
            Problem(
                source,
                label,
                f"lon/lat missing or not numbers ({row['lon']!r}, {row['lat']!r})",
                "give the representative point in WGS 84 degrees",
            )
        ]
    problems = check_basis(source, label, cell_text(row["precision"]), cell_text(row["basis"]))
    x0, y0, x1, y1 = DEZHOU_BOUNDS
    if not (x0 <= lon <= x1 and y0 <= lat <= y1):
        return [
            *problems,
            Problem(
                source,
                label,
                f"point ({lon:g}, {lat:g}) is outside DEZHOU_BOUNDS {DEZHOU_BOUNDS}",
                "check lon/lat order and that they are WGS 84 degrees",
            ),
        ]
    area = outline if adcode == CITY_ADCODE else polygons.get(adcode)
    if area is not None and not area.contains(shapely.Point(lon, lat)):
        problems.append(
            Problem(
                source,
                label,
                f"point ({lon:g}, {lat:g}) is not inside "
                f"{'the city outline' if adcode == CITY_ADCODE else adcode}",
                "move the point or correct the adcode",
            )
        )
    return problems


def read_places(
    path: str | Path | None = None,
    *,
    counties: gpd.GeoDataFrame | None = None,
    outline: BaseGeometry | None = None,
    validate: bool = True,
) -> gpd.GeoDataFrame:
    """Read ``places.csv``: every name a project, priority or corridor may point at.

    Parameters
    ----------
    path
        File to read; default ``geodata/places.csv``.
    counties
        County polygons for the point-in-county check; default: ``counties.geojson``
        beside ``path`` (or in geodata/).
    outline
        City outline for the city/area points; default: ``city.geojson`` beside
        ``path`` (or in geodata/).
    validate
        Raise :class:`~dzgeo.errors.DataValidationError` listing every problem.

    Returns
    -------
    GeoDataFrame (EPSG:4326) of the rows in file order: text columns as ``str``
    (empty string = no value), ``lon``/``lat`` as floats, a Point geometry.
    """
    file = default_path(path, "places.csv")
    require_file(file)
    table = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    if validate:
        if counties is None:
            counties = read_counties(sibling(file, "counties.geojson"))
        problems = validate_places(
            table, source=str(file), counties=counties, outline=outline_beside(file, outline)
        )
        raise_if_problems(problems)
    lon = pd.to_numeric(table["lon"], errors="coerce")
    lat = pd.to_numeric(table["lat"], errors="coerce")
    frame = table.assign(lon=lon, lat=lat)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=STORAGE_CRS)
