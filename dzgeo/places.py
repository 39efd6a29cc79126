"""Counties, city outline, places, zones and routes: load, validate, write.

Readers parse the files in ``geodata/`` into frames with CRS EPSG:4326 declared and
check them; the ``validate_*`` functions are pure and return a list of
:class:`~dzgeo.errors.Problem`, so every problem of a file is reported at once.
Row numbers count the CSV header as row 1; features count from 1.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from dzgeo._validate import WHOLE_FILE, check_columns, check_enum, file_error, require_file
from dzgeo.errors import Problem, raise_if_problems
from dzgeo.settings import DEZHOU_BOUNDS, GEODATA_DIR, METRIC_CRS, STORAGE_CRS
from dzgeo.vocabulary import split_multi

__all__ = [
    "CITY_ADCODE",
    "CORRIDORS",
    "COUNTY_KINDS",
    "INSIDE_MARGIN_M",
    "PLACE_KINDS",
    "PRECISIONS",
    "ROUTE_KINDS",
    "ZONE_KINDS",
    "read_city",
    "read_counties",
    "read_places",
    "read_routes",
    "read_zones",
    "validate_city",
    "validate_counties",
    "validate_places",
    "validate_routes",
    "validate_zones",
]

logger = logging.getLogger(__name__)

CITY_ADCODE = "371400"
COUNTY_KINDS = ("区", "县", "县级市")
PLACE_KINDS = ("city", "county", "zone", "area")
ZONE_KINDS = ("lead_zone", "dev_zone", "platform", "park", "logistics_park", "district")
ROUTE_KINDS = ("expressway", "high_speed_rail")
CORRIDORS = ("axis", "belt")
#: Only hand-placed features carry a precision; none of them is surveyed.
PRECISIONS = ("approximate",)
#: How far outside the city outline a zone or route may reach, metres.
INSIDE_MARGIN_M = 2000.0

COUNTY_FIELDS = ("adcode", "name", "kind")
CITY_FIELDS = ("adcode", "name")
PLACE_FIELDS = (
    "name",
    "short",
    "kind",
    "adcode",
    "aliases",
    "members",
    "lon",
    "lat",
    "precision",
    "basis",
)
ZONE_FIELDS = (
    "id",
    "name",
    "kind",
    "place",
    "role",
    "industries",
    "precision",
    "basis",
    "plan_section",
)
ROUTE_FIELDS = ("id", "name", "kind", "corridor", "waypoints", "precision", "basis")

_POLYGONAL = ("Polygon", "MultiPolygon")
_ADCODE = re.compile(r"^3714\d\d$")
_WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326", "WGS84", "WGS 84")
_FIX_REPROJECT = (
    "store WGS 84 lon/lat (RFC 7946): reproject, e.g. gdf.to_crs('EPSG:4326'), "
    "and drop the crs member"
)


# ------------------------------------------------------------------------- helpers


def _default(path: str | Path | None, name: str) -> Path:
    return Path(path) if path is not None else GEODATA_DIR / name


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _feature_label(i: int, props: Mapping[str, Any]) -> str:
    ident = _text(props.get("id")) or _text(props.get("adcode"))
    name = _text(props.get("name"))
    tag = " ".join(x for x in (ident, name) if x)
    return f"feature {i}" + (f" ({tag})" if tag else "")


def _row_label(row: int, name: str) -> str:
    """``row 3 (中心城区)``: a place row named like a feature (header = row 1)."""
    return f"row {row}" + (f" ({name})" if name else "")


def _crs_is_wgs84(name: str) -> bool:
    if any(name.upper().endswith(n) for n in _WGS84_NAMES):
        return True
    try:
        return CRS.from_user_input(name).to_epsg() == 4326
    except CRSError:
        return False


def _metric(geoms: Sequence[BaseGeometry] | np.ndarray) -> np.ndarray:
    return np.asarray(gpd.GeoSeries(list(geoms), crs=STORAGE_CRS).to_crs(METRIC_CRS).values)


def _outline_area(outline: BaseGeometry | None, margin_m: float) -> tuple[BaseGeometry, str]:
    """The area features must lie in, in METRIC_CRS, and how to describe it."""
    if outline is not None and not outline.is_empty:
        return _metric([outline])[0].buffer(margin_m), f"德州市 outline + {margin_m / 1000:g} km"
    box = shapely.box(*DEZHOU_BOUNDS)
    return _metric([box])[0], f"DEZHOU_BOUNDS {DEZHOU_BOUNDS}"


# --------------------------------------------------------------------- GeoJSON I/O


def _load_json(path: Path) -> dict[str, Any]:
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


def _parse_features(
    doc: Mapping[str, Any], source: str, fields: Sequence[str]
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Turn a FeatureCollection into a GeoDataFrame; collect structural problems."""
    problems: list[Problem] = []
    crs = doc.get("crs")
    if crs is not None:
        name = _text((crs.get("properties") or {}).get("name")) if isinstance(crs, dict) else ""
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
        where = _feature_label(i, props)
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
        rows.append({f: _text(props.get(f)) for f in fields})
        geoms.append(geom)
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=list(fields), dtype=object),
        geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )
    return frame, problems


# ---------------------------------------------------------------------- validation


def _check_geometry(
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


def _check_inside(
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
    area, described = _outline_area(outline, margin_m)
    metric = _metric([frame.geometry.iloc[i] for i in usable])
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


def _check_unique(source: str, labels: Sequence[str], field: str, values: Sequence[str]) -> list:
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


def _check_basis(source: str, where: str, precision: str, basis: str) -> list[Problem]:
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


def _labels(frame: gpd.GeoDataFrame) -> list[str]:
    return [_feature_label(i, row) for i, row in enumerate(frame.to_dict("records"), start=1)]


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
    labels = _labels(counties)
    problems = _check_unique(source, labels, "adcode", list(counties["adcode"]))
    problems += _check_unique(source, labels, "name", list(counties["name"]))
    for label, row in zip(labels, counties.itertuples(index=False), strict=True):
        if row.adcode and not _ADCODE.match(row.adcode):
            problems.append(
                Problem(
                    source,
                    label,
                    f"adcode {row.adcode!r} is not a Dezhou county code",
                    "use the 6-digit code 3714xx",
                )
            )
        problems += check_enum([(label, row.kind)], "kind", COUNTY_KINDS, source)
        problems += _check_geometry(source, label, row.geometry, _POLYGONAL)
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
    problems += _check_inside(source, counties, labels, None, 0.0)
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
    label = _feature_label(1, city.iloc[0].to_dict())
    problems = []
    if city["adcode"].iloc[0] != CITY_ADCODE:
        problems.append(
            Problem(source, label, f"adcode is not {CITY_ADCODE}", f"set adcode {CITY_ADCODE}")
        )
    problems += _check_geometry(source, label, city.geometry.iloc[0], _POLYGONAL)
    problems += _check_inside(source, city, [label], None, 0.0)
    return problems


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
    rows = places.to_dict("records")
    labels = [_row_label(i, _text(r["name"])) for i, r in enumerate(rows, start=2)]
    problems = _check_unique(source, labels, "name", [_text(r["name"]) for r in rows])
    names = {_text(r["name"]) for r in rows}
    county_codes = {_text(r["adcode"]) for r in rows if _text(r["kind"]) == "county"}
    polygons: dict[str, BaseGeometry] = {}
    if counties is not None:
        polygons = dict(zip(counties["adcode"], counties.geometry, strict=True))
    spellings: dict[str, str] = {}
    for label, r in zip(labels, rows, strict=True):
        name, kind, adcode = _text(r["name"]), _text(r["kind"]), _text(r["adcode"])
        problems += check_enum([(label, kind)], "kind", PLACE_KINDS, source)
        for spelling in dict.fromkeys([name, _text(r["short"]), *split_multi(r["aliases"])]):
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
    if kind == "county" and not _ADCODE.match(adcode):
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
    problems = _check_basis(source, label, _text(row["precision"]), _text(row["basis"]))
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
    labels = _labels(zones)
    problems = _check_unique(source, labels, "id", list(zones["id"]))
    problems += _check_unique(source, labels, "name", list(zones["name"]))
    for label, row in zip(labels, zones.itertuples(index=False), strict=True):
        problems += check_enum([(label, row.kind)], "kind", ZONE_KINDS, source)
        allowed = _POLYGONAL if row.kind == "lead_zone" else ("Point", *_POLYGONAL)
        problems += _check_geometry(source, label, row.geometry, allowed)
        problems += _check_basis(source, label, row.precision, row.basis)
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
    problems += _check_inside(source, zones, labels, outline, margin_m)
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
    labels = _labels(routes)
    problems = _check_unique(source, labels, "id", list(routes["id"]))
    problems += _check_unique(source, labels, "name", list(routes["name"]))
    for label, row in zip(labels, routes.itertuples(index=False), strict=True):
        problems += check_enum([(label, row.kind)], "kind", ROUTE_KINDS, source)
        problems += check_enum([(label, row.corridor)], "corridor", CORRIDORS, source)
        problems += _check_geometry(source, label, row.geometry, ("LineString",))
        problems += _check_basis(source, label, row.precision, row.basis)
        if len(split_multi(row.waypoints)) < 2:
            problems.append(
                Problem(
                    source,
                    label,
                    "lists fewer than 2 waypoints",
                    "list the named points the line passes, | separated",
                )
            )
    problems += _check_inside(source, routes, labels, outline, margin_m)
    return problems


# ------------------------------------------------------------------------- readers


def _finish(frame: gpd.GeoDataFrame, problems: list[Problem], validate: bool) -> gpd.GeoDataFrame:
    if validate:
        raise_if_problems(problems)
    elif problems:
        logger.warning("%d data problem(s) ignored (validate=False)", len(problems))
    return frame


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
    file = _default(path, "counties_web.geojson" if web else "counties.geojson")
    frame, problems = _parse_features(_load_json(file), str(file), COUNTY_FIELDS)
    problems += validate_counties(frame, source=str(file))
    return _finish(frame.sort_values("adcode", ignore_index=True), problems, validate)


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
    file = _default(path, "city_web.geojson" if web else "city.geojson")
    frame, problems = _parse_features(_load_json(file), str(file), CITY_FIELDS)
    problems += validate_city(frame, source=str(file))
    return _finish(frame, problems, validate)


def _sibling(file: Path, name: str) -> Path:
    """``name`` beside ``file``, else the one in geodata/ (a lone test file has no siblings)."""
    beside = file.parent / name
    return beside if beside.is_file() or not (GEODATA_DIR / name).is_file() else GEODATA_DIR / name


def _outline_beside(file: Path, outline: BaseGeometry | None) -> BaseGeometry:
    if outline is not None:
        return outline
    return read_city(_sibling(file, "city.geojson")).geometry.iloc[0]


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
    file = _default(path, "places.csv")
    require_file(file)
    table = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    if validate:
        if counties is None:
            counties = read_counties(_sibling(file, "counties.geojson"))
        problems = validate_places(
            table, source=str(file), counties=counties, outline=_outline_beside(file, outline)
        )
        raise_if_problems(problems)
    lon = pd.to_numeric(table.get("lon"), errors="coerce")
    lat = pd.to_numeric(table.get("lat"), errors="coerce")
    frame = table.assign(lon=lon, lat=lat)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=STORAGE_CRS)


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
    file = _default(path, "zones.geojson")
    frame, problems = _parse_features(_load_json(file), str(file), ZONE_FIELDS)
    if validate:
        if place_names is None:
            places_file = _default(places_path, "places.csv")
            if places_path is None:
                places_file = _sibling(file, "places.csv")
            require_file(places_file)
            place_names = list(pd.read_csv(places_file, dtype=str, keep_default_na=False)["name"])
        problems += validate_zones(
            frame,
            source=str(file),
            place_names=place_names,
            industries=_industry_names(_sibling(file, "industries.csv")),
            outline=_outline_beside(file, outline),
        )
    return _finish(frame, problems, validate)


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
    file = _default(path, "routes.geojson")
    frame, problems = _parse_features(_load_json(file), str(file), ROUTE_FIELDS)
    if validate:
        problems += validate_routes(frame, source=str(file), outline=_outline_beside(file, outline))
    return _finish(frame, problems, validate)
