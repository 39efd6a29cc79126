"""Fixed locations and constants shared by every module, and every DZGEO_* variable.

The environment is read here only, each variable by one function called when the value
is needed (so a test or a server can set it before use):

==================== =========================================================
DZGEO_LAYERS_DIR     the published layers the app serves (default ``layers/``)
DZGEO_STORE          the ledger store: a file path or ``postgresql://…``
DZGEO_USER           who imports a ledger (default: the login name)
DZGEO_TIANDITU_KEY   a 天地图 key the app pre-fills (never written to a file)
DZGEO_CJK_FONT       the CJK font family the briefing maps use
DZGEO_PLAN_TEXT      the plan's text, for the plan-consistency tests
DZGEO_RUN_LOG        a file the app appends one line per script run to (benchmarks)
==================== =========================================================
"""

from __future__ import annotations

import getpass
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
    url = os.environ.get("DZGEO_STORE", "").strip()
    if url:
        return url
    if (REPO_ROOT / "pyproject.toml").is_file():
        return str(REPO_ROOT / "var" / LEDGER_STORE_NAME)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "dzgeo" / LEDGER_STORE_NAME)


def layers_dir() -> Path:
    """The published layers the app serves: ``DZGEO_LAYERS_DIR``, else :data:`LAYERS_DIR`."""
    return Path(os.environ.get("DZGEO_LAYERS_DIR") or LAYERS_DIR)


def ledger_user() -> str:
    """Who is importing a ledger: ``DZGEO_USER``, else the login name ('' if none)."""
    try:
        return os.environ.get("DZGEO_USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""


def tianditu_key() -> str:
    """A 天地图 key to pre-fill in the app (``DZGEO_TIANDITU_KEY``); never written to a file."""
    return os.environ.get("DZGEO_TIANDITU_KEY", "").strip()


def cjk_font_family() -> str:
    """The CJK font family the briefing maps must use (``DZGEO_CJK_FONT``; '' = find one)."""
    return os.environ.get("DZGEO_CJK_FONT", "").strip()


def run_log() -> Path | None:
    """Where the app logs each script run (``DZGEO_RUN_LOG``, set by the benchmarks)."""
    value = os.environ.get("DZGEO_RUN_LOG", "").strip()
    return Path(value) if value else None
