"""County polygons and the city outline: read and validate.

Readers parse ``geodata/`` GeoJSON into frames with CRS EPSG:4326 declared and check them;
the ``validate_*`` functions are pure and return every problem of a file at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from dzgeo.data._geometry import (
    ADCODE_PATTERN,
    POLYGONAL,
    check_geometry,
    check_inside,
    check_unique_ids,
    default_path,
    feature_labels,
    finish,
)
from dzgeo.data._validate import WHOLE_FILE, check_enum
from dzgeo.data.geojson import feature_label, load_feature_collection, parse_features
from dzgeo.data.schema import CITY_ADCODE, CITY_FIELDS, COUNTY_FIELDS, COUNTY_KINDS
from dzgeo.errors import Problem
from dzgeo.frames import first_record, rows
from dzgeo.settings import GEODATA_DIR


def validate_counties(
    counties: gpd.GeoDataFrame,
    *,
    source: str = "counties.geojson",
    expected: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Check the county layer.

    Parameters
    ----------
    counties
        Frame with ``adcode``, ``name``, ``kind`` and polygonal geometry.
    source
        File name used in the messages.
    expected
        adcode -> name of the county rows of ``places.csv``, if they should agree.

    Returns
    -------
    Every problem found (empty when the layer is sound).
    """
    labels = feature_labels(counties)
    problems = check_unique_ids(source, labels, "adcode", list(counties["adcode"]))
    problems += check_unique_ids(source, labels, "name", list(counties["name"]))
    for label, row in zip(labels, rows(counties), strict=True):
        if row.adcode and not ADCODE_PATTERN.match(row.adcode):
            problems.append(
                Problem(
                    source,
                    label,
                    f"adcode {row.adcode!r} is not a Dezhou county code",
                    "use the 6-digit code 3714xx",
                )
            )
        problems += check_enum([(label, row.kind)], "kind", COUNTY_KINDS, source)
        problems += check_geometry(source, label, row.geometry, POLYGONAL)
        if expected is not None and row.adcode in expected and expected[row.adcode] != row.name:
            problems.append(
                Problem(
                    source,
                    label,
                    f"name differs from places.csv ({expected[row.adcode]})",
                    "use the places.csv name",
                )
            )
    if expected is not None:
        missing = sorted(set(expected) - set(counties["adcode"]))
        if missing:
            problems.append(
                Problem(
                    source,
                    WHOLE_FILE,
                    f"lacks the counties {', '.join(missing)}",
                    "rebuild it with scripts/build_counties.py",
                )
            )
    problems += check_inside(source, counties, labels, None, 0.0)
    return problems


def validate_city(city: gpd.GeoDataFrame, *, source: str = "city.geojson") -> list[Problem]:
    """Check the city outline: one polygonal feature with adcode 371400.

    Parameters
    ----------
    city
        Frame with ``adcode``, ``name`` and polygonal geometry.
    source
        File name used in the messages.

    Returns
    -------
    Every problem found.
    """
    if len(city) != 1:
        return [
            Problem(
                source,
                WHOLE_FILE,
                f"has {len(city)} features, expected 1",
                "rebuild it with scripts/build_counties.py",
            )
        ]
    label = feature_label(1, first_record(city))
    problems = []
    if city["adcode"].iloc[0] != CITY_ADCODE:
        problems.append(
            Problem(source, label, f"adcode is not {CITY_ADCODE}", f"set adcode {CITY_ADCODE}")
        )
    problems += check_geometry(source, label, city.geometry.iloc[0], POLYGONAL)
    problems += check_inside(source, city, [label], None, 0.0)
    return problems


def read_counties(
    path: str | Path | None = None, *, web: bool = False, validate: bool = True
) -> gpd.GeoDataFrame:
    """Read the 11 county polygons (``counties.geojson`` or ``counties_web.geojson``).

    Parameters
    ----------
    path
        File to read; default ``geodata/counties.geojson`` (``_web`` when ``web``).
    web
        Read the simplified web version when ``path`` is None.
    validate
        Raise :class:`~dzgeo.errors.DataValidationError` listing every problem.

    Returns
    -------
    GeoDataFrame (EPSG:4326) with ``adcode``, ``name``, ``kind``, sorted by adcode.
    """
    file = default_path(path, "counties_web.geojson" if web else "counties.geojson")
    frame, problems = parse_features(load_feature_collection(file), str(file), COUNTY_FIELDS)
    problems += validate_counties(frame, source=str(file))
    return finish(frame.sort_values("adcode", ignore_index=True), problems, validate)


def read_city(
    path: str | Path | None = None, *, web: bool = False, validate: bool = True
) -> gpd.GeoDataFrame:
    """Read the city outline (``city.geojson`` or ``city_web.geojson``).

    Parameters
    ----------
    path
        File to read; default ``geodata/city.geojson`` (``_web`` when ``web``).
    web
        Read the simplified web version when ``path`` is None.
    validate
        Raise :class:`~dzgeo.errors.DataValidationError` listing every problem.

    Returns
    -------
    One-row GeoDataFrame (EPSG:4326) with ``adcode`` 371400 and ``name`` 德州市.
    """
    file = default_path(path, "city_web.geojson" if web else "city.geojson")
    frame, problems = parse_features(load_feature_collection(file), str(file), CITY_FIELDS)
    problems += validate_city(frame, source=str(file))
    return finish(frame, problems, validate)


def sibling(file: Path, name: str) -> Path:
    """``name`` beside ``file``, else the one in geodata/ (a lone test file has no siblings)."""
    beside = file.parent / name
    return beside if beside.is_file() or not (GEODATA_DIR / name).is_file() else GEODATA_DIR / name


def outline_beside(file: Path, outline: BaseGeometry | None) -> BaseGeometry:
    if outline is not None:
        return outline
    return read_city(sibling(file, "city.geojson")).geometry.iloc[0]
