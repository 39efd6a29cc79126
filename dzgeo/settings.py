"""Fixed locations and constants shared by every module."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository in a checkout; in an installed package (``pip install .``) the copy of
#: app.py, static/, geodata/ and layers/ that the build put in ``dzgeo/_app/`` (setup.py).
REPO_ROOT = Path(__file__).resolve().parent.parent
APP_ROOT = (
    REPO_ROOT
    if (REPO_ROOT / "app.py").is_file() and (REPO_ROOT / "geodata").is_dir()
    else Path(__file__).resolve().parent / "_app"
)
GEODATA_DIR = APP_ROOT / "geodata"
LAYERS_DIR = APP_ROOT / "layers"
#: The Streamlit script, and the folder it serves at /app/static/.
APP_SCRIPT = APP_ROOT / "app.py"
STATIC_DIR = APP_ROOT / "static"
#: The plan's source text, which only the plan-consistency tests read: DZGEO_PLAN_TEXT,
#: else ../shared/plan/ beside the repository (a user's clone has neither).
PLAN_TEXT = Path(
    os.environ.get("DZGEO_PLAN_TEXT")
    or REPO_ROOT.parent / "shared" / "plan" / "dezhou-plan-2018-2022.txt"
)

#: The plan the map is made from (its full title, without the 《》).
PLAN_TITLE = "德州市新旧动能转换重大工程实施规划（2018—2022年）"

#: Storage CRS of every geodata/ and layers/ file (GeoJSON, RFC 7946).
STORAGE_CRS = "EPSG:4326"
#: Metric CRS for lengths, areas, buffers and scale bars:
#: CGCS2000 / 3-degree Gauss-Kruger CM 117E, which covers all of Dezhou.
METRIC_CRS = "EPSG:4548"

#: The 11 county-level units of Dezhou (德州市 371400), by adcode.
COUNTY_ADCODES = (
    "371402",
    "371403",
    "371422",
    "371423",
    "371424",
    "371425",
    "371426",
    "371427",
    "371428",
    "371481",
    "371482",
)
#: Dezhou's rough bounding box in WGS 84 (lon_min, lat_min, lon_max, lat_max), with margin.
DEZHOU_BOUNDS = (115.7, 36.4, 117.8, 38.1)
#: Official area of Dezhou, km².
OFFICIAL_AREA_KM2 = 10356.0

#: Default ledger store file name (a GeoPackage).
LEDGER_STORE_NAME = "ledger.gpkg"


def ledger_store() -> str:
    """Where the ledger is kept: ``DZGEO_STORE`` (a path or ``postgresql://…``).

    Unset: ``var/ledger.gpkg`` in a source checkout (not committed), otherwise
    ``$XDG_DATA_HOME/dzgeo/ledger.gpkg`` (default ``~/.local/share/dzgeo``).
    """
    import os

    url = os.environ.get("DZGEO_STORE", "").strip()
    if url:
        return url
    if (REPO_ROOT / "pyproject.toml").is_file():
        return str(REPO_ROOT / "var" / LEDGER_STORE_NAME)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "dzgeo" / LEDGER_STORE_NAME)
