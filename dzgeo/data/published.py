"""The published layers in layers/: what the web map, the static maps and GIS users read.

``dzgeo build`` writes them (see :mod:`dzgeo.data.build`); this module reads them back into
one :class:`Layers` bundle, so the app and the exports never touch geodata/ directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dzgeo.data.layerset import verify
from dzgeo.errors import DataFileNotFoundError, DataValidationError, Problem, shorten
from dzgeo.settings import LAYERS_DIR
from dzgeo.vocabulary import Vocabulary, build_vocabulary

#: Published GeoJSON layers (file stem = GeoPackage layer name).
GEO_LAYERS = ("city", "counties", "counties_web", "zones", "corridors", "routes", "projects")
#: Published tables.
TABLES = ("industries", "subfields", "places", "priorities", "indicators")
GPKG_NAME = "dezhou-plan.gpkg"
#: Fields of layers/projects.geojson, in order (downloads keep the same order).
PROJECT_FIELDS = (
    "id",
    "name",
    "industry",
    "group",
    "subfield",
    "category",
    "place",
    "counties",
    "place_source",
    "place_basis",
    "place_basis_kind",
    "enterprise",
    "plan_section",
    "plan_text",
    "located",
)


@dataclass(frozen=True)
class Layers:
    """Every published layer and table, read from layers/.

    Geo layers are GeoDataFrames in EPSG:4326; tables are DataFrames of strings and
    numbers as written. ``vocab`` is built from the tables.
    """

    city: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    counties_web: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    industries: pd.DataFrame
    subfields: pd.DataFrame
    places: pd.DataFrame
    priorities: pd.DataFrame
    indicators: pd.DataFrame
    vocab: Vocabulary
    #: The build id of the folder (:mod:`dzgeo.data.layerset`), "" if read otherwise.
    build: str = ""

    def place_shorts(self) -> dict[str, str]:
        """Place name -> its short name (places.csv ``short``), in table order."""
        names, shorts = self.places["name"].astype(str), self.places["short"].fillna("")
        return {n: str(s) or n for n, s in zip(names, shorts, strict=True)}


def _need(path: Path) -> Path:
    if not path.is_file():
        raise DataFileNotFoundError(
            f"{path}: 找不到发布图层 (missing published layer) — 请先运行 `dzgeo build`"
        )
    return path


def read_table(path: Path) -> pd.DataFrame:
    """Read a published CSV table: text columns stay text, empty cells become ''."""
    frame = pd.read_csv(_need(path), dtype=str, keep_default_na=False, encoding="utf-8")
    for column in frame.columns:
        if column.endswith(("_value", "_count", "_km2", "projects")) or column.startswith(
            "projects_"
        ):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def read_layers(layers_dir: str | Path = LAYERS_DIR) -> Layers:
    """Read every published layer and table from ``layers_dir``.

    The folder must be one whole build (its manifest lists every file's hash): a folder
    mixing files of two builds, or with a damaged, missing or unreadable file, is refused
    with a :class:`~dzgeo.errors.DataValidationError` naming the file and `dzgeo build`.
    """
    layers_dir = Path(layers_dir)
    if not layers_dir.is_dir():
        raise DataFileNotFoundError(
            f"{shorten(layers_dir)}: 找不到发布图层目录 (layers folder not found) — "
            "请先运行 `dzgeo build`"
        )
    build = verify(layers_dir)
    geo: dict[str, gpd.GeoDataFrame] = {}
    for name in GEO_LAYERS:
        path = _need(layers_dir / f"{name}.geojson")
        try:
            geo[name] = gpd.read_file(path, engine="pyogrio")
        except Exception as exc:  # pyogrio raises its own family; the folder is damaged
            raise _damaged(path, exc) from exc
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        path = layers_dir / f"{name}.csv"
        try:
            tables[name] = read_table(path)
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            raise _damaged(path, exc) from exc
    try:
        vocab = build_vocabulary(tables["industries"], tables["subfields"], tables["places"])
    except (KeyError, ValueError, TypeError) as exc:
        raise _damaged(layers_dir, exc) from exc
    return Layers(
        city=geo["city"],
        counties=geo["counties"],
        counties_web=geo["counties_web"],
        zones=geo["zones"],
        corridors=geo["corridors"],
        routes=geo["routes"],
        projects=geo["projects"],
        industries=tables["industries"],
        subfields=tables["subfields"],
        places=tables["places"],
        priorities=tables["priorities"],
        indicators=tables["indicators"],
        vocab=vocab,
        build=build,
    )


def _damaged(path: Path, exc: BaseException) -> DataValidationError:
    return DataValidationError(
        [
            Problem(
                shorten(path),
                "整个文件 (whole file)",
                f"发布图层已损坏，无法读取 (damaged layer: {type(exc).__name__})",
                "请重新运行 `dzgeo build` (run `dzgeo build`)",
            )
        ]
    )
