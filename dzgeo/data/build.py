"""geodata/ -> validate -> join -> layers/.

:func:`load_geodata` reads and validates every source file (all problems of all files
in one error), :func:`build_layers` joins them into the published frames (pure), and
:func:`write_layers` writes them deterministically: a second build gives identical bytes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from shapely.ops import polylabel

from dzgeo.counting import county_counts
from dzgeo.data import boundaries, catalog, features, places
from dzgeo.data.geojson import write_geojson
from dzgeo.data.layerset import MANIFEST_NAME, publish, seal
from dzgeo.data.projects import check_projects, locate_projects
from dzgeo.data.published import GPKG_NAME, PROJECT_FIELDS
from dzgeo.errors import DataValidationError, ExportError, Problem, raise_if_problems, shorten
from dzgeo.frames import Row, rows
from dzgeo.outputs import temporary_dir
from dzgeo.settings import GEODATA_DIR, LAYERS_DIR, METRIC_CRS, STORAGE_CRS
from dzgeo.vocabulary import Vocabulary, build_vocabulary, split_multi

log = logging.getLogger(__name__)

#: Half-width of the schematic corridor bands on each side of their routes, km.
CORRIDOR_HALF_WIDTH_KM = 10.0
#: A fixed GeoPackage timestamp, so the file rebuilds byte-identical.
GPKG_TIMESTAMP = "2022-12-31T00:00:00Z"
KIND_LABELS = {
    "lead_zone": "双区",
    "dev_zone": "开发区",
    "platform": "创新平台",
    "park": "产业园",
    "logistics_park": "物流园区",
    "district": "城区",
}


@dataclass(frozen=True)
class GeoData:
    """Every validated source table of geodata/."""

    counties: gpd.GeoDataFrame
    counties_web: gpd.GeoDataFrame
    city: gpd.GeoDataFrame
    places: pd.DataFrame
    zones: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    corridors: pd.DataFrame
    industries: pd.DataFrame
    targets: pd.DataFrame
    subfields: pd.DataFrame
    priorities: pd.DataFrame
    indicators: pd.DataFrame
    projects: gpd.GeoDataFrame
    vocab: Vocabulary


def load_geodata(geodata_dir: str | Path = GEODATA_DIR) -> GeoData:
    """Read and validate every file of ``geodata_dir``; raise one error listing all problems."""
    root = Path(geodata_dir)
    problems: list[Problem] = []
    loaded: dict[str, Any] = {}  # GeoDataFrame or DataFrame per GeoData field
    readers = {
        "counties": lambda: boundaries.read_counties(root / "counties.geojson"),
        "counties_web": lambda: boundaries.read_counties(root / "counties_web.geojson"),
        "city": lambda: boundaries.read_city(root / "city.geojson"),
        "places": lambda: places.read_places(root / "places.csv"),
        "zones": lambda: features.read_zones(
            root / "zones.geojson", places_path=root / "places.csv"
        ),
        "routes": lambda: features.read_routes(root / "routes.geojson"),
        "industries": lambda: catalog.read_industries(root),
        "targets": lambda: catalog.read_targets(root),
        "subfields": lambda: catalog.read_subfields(root),
        "priorities": lambda: catalog.read_priorities(root),
        "indicators": lambda: catalog.read_indicators(root),
        "corridors": lambda: catalog.read_corridors(root),
    }
    for name, read in readers.items():
        try:
            loaded[name] = read()
        except DataValidationError as exc:
            problems += exc.problems
        except (ValueError, KeyError, TypeError, RuntimeError, OSError) as exc:
            problems.append(_unreadable(root, name, exc))  # damaged bytes, not bad rows
    raise_if_problems(problems)
    raise_if_problems(
        features.check_corridor_routes(
            loaded["corridors"], set(loaded["routes"]["id"]), str(root / "corridors.csv")
        )
    )
    vocab = build_vocabulary(loaded["industries"], loaded["subfields"], loaded["places"])
    projects = locate_projects(
        check_projects(root / "projects.csv", vocab), loaded["places"], vocab
    )
    return GeoData(**loaded, projects=projects, vocab=vocab)


def _to_metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(METRIC_CRS)


def _place_counties(place: str, data: GeoData) -> list[str]:
    """Adcodes of the counties a place stands for (an area expands to its members)."""
    return data.vocab.place_adcodes.get(place, [])


def _label_points(counties: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """A point well inside each county (pole of inaccessibility of its largest part)."""
    metric = _to_metric(counties)
    points = []
    for geom in metric.geometry:
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        points.append(polylabel(largest, tolerance=200.0))
    lonlat = gpd.GeoSeries(points, crs=METRIC_CRS).to_crs(STORAGE_CRS)
    return [
        (round(float(x), 6), round(float(y), 6)) for x, y in zip(lonlat.x, lonlat.y, strict=True)
    ]


def county_attributes(data: GeoData) -> pd.DataFrame:
    """One row per county: corridor membership, priorities, core areas, project counts."""
    names = dict(zip(data.places["name"], data.places["short"], strict=True))
    counts = county_counts(data.projects, data.counties["adcode"].astype(str))
    records = []
    for county in rows(data.counties):
        adcode, name = str(county.adcode), county.name
        records.append(
            {
                "adcode": adcode,
                "name": name,
                "short": names.get(name, name),
                "kind": county.kind,
                **_corridor_fields(adcode, name, data),
                **_priority_fields(adcode, name, data),
                "core_areas": "|".join(_core_areas(adcode, name, data)),
                **_project_counts(counts[adcode], data),
            }
        )
    return pd.DataFrame(records)


def _corridor_fields(adcode: str, name: str, data: GeoData) -> dict[str, object]:
    member_of, via = [], []
    for corridor in rows(data.corridors):
        for place in split_multi(corridor.places):
            if adcode in _place_counties(place, data):
                member_of.append(corridor.id)
                via.append(f"{corridor.name}：{place}")
                break
    return {
        "corridors": "|".join(member_of),
        "in_axis": "axis" in member_of,
        "in_belt": "belt" in member_of,
        "corridor_via": "|".join(via),
    }


def _priority_fields(adcode: str, name: str, data: GeoData) -> dict[str, str]:
    own = data.priorities[data.priorities["place"] == name].sort_values("rank")
    zone_texts = []
    for place, terms in data.priorities.groupby("place", sort=False):
        place = str(place)
        if data.vocab.places.get(place) == "zone" and _place_counties(place, data) == [adcode]:
            zone_texts.append(f"{place}：" + "、".join(terms.sort_values("rank")["term"]))
    return {
        "priority_terms": "|".join(own["term"]),
        "priority_industries": "|".join(own["industry"]),
        "zone_priorities": "|".join(zone_texts),
    }


def _core_areas(adcode: str, name: str, data: GeoData) -> list[str]:
    found = []
    for row in rows(data.subfields):
        for place in split_multi(row.core_areas):
            if place == name:
                found.append(f"{row.industry}·{row.subfield}")
            elif data.vocab.places.get(place) == "zone" and adcode in _place_counties(place, data):
                found.append(f"{row.industry}·{row.subfield}（{place}）")
    return found


def _project_counts(counts: dict[str, int], data: GeoData) -> dict[str, int]:
    """A county's published project counts (the counting rule of :mod:`dzgeo.counting`)."""
    out = {"projects_total": counts[""]}
    for row in rows(data.industries):
        out[f"projects_{row.slug}"] = counts.get(row.name, 0)
    return out


def build_counties(data: GeoData, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A county geometry frame (full or web) joined with the county attributes."""
    attributes = county_attributes(data)
    areas = _to_metric(data.counties).area / 1e6
    attributes["area_km2"] = [round(a, 1) for a in areas]
    label = _label_points(data.counties)
    attributes["label_lon"] = [p[0] for p in label]
    attributes["label_lat"] = [p[1] for p in label]
    geometry = frame.set_index(frame["adcode"].astype(str)).geometry
    out = gpd.GeoDataFrame(
        attributes, geometry=list(geometry.loc[attributes["adcode"]]), crs=STORAGE_CRS
    )
    ordered = ["adcode", "name", "short", "kind", "area_km2"]
    rest = [c for c in out.columns if c not in (*ordered, "geometry")]
    return out[[*ordered, *rest, "geometry"]].sort_values("adcode", ignore_index=True)


def build_corridors(data: GeoData) -> gpd.GeoDataFrame:
    """Schematic corridor bands: the routes buffered in EPSG:4548, clipped to the city."""
    routes = _to_metric(data.routes)
    city = _to_metric(data.city).union_all()
    route_names = dict(zip(data.routes["id"], data.routes["name"], strict=True))
    records, geoms = [], []
    for corridor in rows(data.corridors.sort_values("id")):
        ids = split_multi(corridor.routes)
        lines = routes[routes["id"].isin(ids)].union_all()
        band = lines.buffer(CORRIDOR_HALF_WIDTH_KM * 1000, quad_segs=8).intersection(city)
        geoms.append(shapely.simplify(band, 50.0))
        names = [route_names.get(i, i) for i in ids]
        records.append(
            {
                "id": corridor.id,
                "name": corridor.name,
                "routes": "|".join(names),
                "places": corridor.places,
                "industries": corridor.industries,
                "width_km": 2 * CORRIDOR_HALF_WIDTH_KM,
                "precision": "approximate",
                "basis": f"示意带：{'、'.join(names)}两侧各 {CORRIDOR_HALF_WIDTH_KM:g} km "
                "（EPSG:4548 缓冲，裁剪至市界）；路线本身为示意",
                "plan_section": corridor.plan_section,
            }
        )
    return gpd.GeoDataFrame(records, geometry=geoms, crs=METRIC_CRS).to_crs(STORAGE_CRS)


def build_zones(data: GeoData) -> gpd.GeoDataFrame:
    """Zones with a Chinese kind label and the adcode of the county they lie in."""
    zones = data.zones.copy()
    zones["kind_label"] = zones["kind"].map(KIND_LABELS).fillna("")
    zones["adcode"] = ["|".join(_place_counties(p, data)) for p in zones["place"]]
    first = ["id", "name", "kind", "kind_label", "place", "adcode"]
    rest = [c for c in zones.columns if c not in (*first, "geometry")]
    return zones[[*first, *rest, "geometry"]].sort_values("id", ignore_index=True)


def build_projects(data: GeoData) -> gpd.GeoDataFrame:
    """Projects at their place, in id order, with the published columns."""
    projects = data.projects[[*PROJECT_FIELDS, "geometry"]]
    return projects.sort_values("id", ignore_index=True)


def target_text(target: Row) -> str:
    """A target as one phrase: 主营业务收入突破600亿元, 金融业增加值占GDP比重达到5%左右."""
    before, _, after = str(target.qualifier or "").partition("…")
    return f"{target.metric}{before}{target.value:g}{target.unit}{after}"


def build_industries(data: GeoData) -> pd.DataFrame:
    """The 12 industries with targets as text, project counts, core areas, sub-fields."""
    records = []
    for ind in rows(data.industries):
        targets = data.targets[data.targets["industry"] == ind.name]
        text = "；".join(target_text(t) for t in rows(targets))
        subs = data.subfields[data.subfields["industry"] == ind.name]
        cores = []
        for cell in subs["core_areas"]:
            cores += [p for p in split_multi(cell) if p not in cores]
        first = targets.iloc[0] if len(targets) else None
        records.append(
            {
                "code": ind.code,
                "name": ind.name,
                "full_name": ind.full_name,
                "slug": ind.slug,
                "group": ind.group,
                "column": ind.column,
                "targets": text,
                "target_value": None if first is None else first["value"],
                "target_unit": "" if first is None else first["unit"],
                "projects": int((data.projects["industry"] == ind.name).sum()),
                "core_areas": "|".join(cores),
                # one entry per sub-field: a second spelling (same_as) is merged into it
                "subfields": "|".join(subs.loc[subs["same_as"].fillna("") == "", "subfield"]),
                "plan_section": ind.plan_section,
            }
        )
    return pd.DataFrame(records)


def _unreadable(root: Path, name: str, exc: BaseException) -> Problem:
    """The problem of a geodata file that cannot even be parsed (random bytes, truncation)."""
    file = f"{name}.geojson" if name in GEOJSON_SOURCES else f"{name.split('_')[0]}.csv"
    if name == "targets":
        file = "industry_targets.csv"
    return Problem(
        shorten(root / file),
        "整个文件 (whole file)",
        f"文件已损坏，无法读取 ({type(exc).__name__}: {shorten(exc, 80)})",
        f"从 git 恢复：git checkout -- geodata/{file}（字段见 geodata/SCHEMA.md）",
    )


GEOJSON_SOURCES = ("counties", "counties_web", "city", "zones", "routes")


def build_layers(data: GeoData) -> dict[str, pd.DataFrame]:
    """Every published frame, keyed by file stem (GeoDataFrames become GeoJSON)."""
    return {
        "city": _city(data),
        "counties": build_counties(data, data.counties),
        "counties_web": build_counties(data, data.counties_web),
        "zones": build_zones(data),
        "corridors": build_corridors(data),
        "routes": data.routes.sort_values("id", ignore_index=True),
        "projects": build_projects(data),
        "industries": build_industries(data),
        "subfields": data.subfields,
        "places": pd.DataFrame(data.places.drop(columns=data.places.geometry.name)),
        "priorities": data.priorities,
        "indicators": data.indicators,
    }


def _city(data: GeoData) -> gpd.GeoDataFrame:
    area = round(float(_to_metric(data.city).area.sum() / 1e6), 1)
    return gpd.GeoDataFrame(
        {
            "adcode": [data.city["adcode"].iloc[0]],
            "name": [data.city["name"].iloc[0]],
            "area_km2": [area],
        },
        geometry=[data.city.union_all()],
        crs=STORAGE_CRS,
    )


def write_layers(layers: dict[str, pd.DataFrame], outdir: str | Path = LAYERS_DIR) -> list[Path]:
    """Write the frames to ``outdir`` (GeoJSON, CSV, one GeoPackage and the build
    manifest) all at once; return the paths.

    Everything is written to a staging folder beside ``outdir``, sealed with a manifest
    (:mod:`dzgeo.data.layerset`) and swapped into place atomically: a failure or a
    killed build leaves the previous layers whole, never a mix of old and new files.
    """
    outdir = Path(outdir)
    if outdir.is_symlink():
        outdir = outdir.resolve()
    if outdir.exists() and not outdir.is_dir():
        raise ExportError(f"{shorten(outdir)}: 不是文件夹 (not a folder) — 请给出图层输出目录")
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"{shorten(outdir)}: 无法创建目录 (cannot create folder: {exc.strerror or exc}) — "
            "请换一个 --outdir"
        ) from exc
    with temporary_dir(outdir) as staging:
        try:
            names = _write_all(layers, staging)
            seal(staging, names)
            publish(staging, outdir)
        except OSError as exc:
            raise ExportError(
                f"{shorten(outdir)}: 无法写入图层 (cannot write layers: {exc.strerror or exc}) — "
                "请检查磁盘空间和目录权限；原有图层未改动"
            ) from exc
    return [outdir / name for name in [*names, MANIFEST_NAME]]


def _write_all(layers: dict[str, pd.DataFrame], folder: Path) -> list[str]:
    names = []
    geo = {k: v for k, v in layers.items() if isinstance(v, gpd.GeoDataFrame)}
    for name, frame in layers.items():
        if name in geo:
            write_geojson(geo[name], folder / f"{name}.geojson")
            names.append(f"{name}.geojson")
        else:
            frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
            names.append(f"{name}.csv")
    gpkg = folder / GPKG_NAME
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        for name, frame in geo.items():
            if name == "counties_web":
                continue  # QGIS users want the full boundaries; the web copy is for browsers
            frame.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    names.append(GPKG_NAME)
    return names
