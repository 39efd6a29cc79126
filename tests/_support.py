"""Support shared by the tests and the benchmarks: a served Streamlit script on a free
port, offline Chromium settings, synthetic projects, the load average benchmarks print.

The one copy: tests import it as ``_support`` (tests/ is on pytest's path), the
benchmark scripts put tests/ on ``sys.path`` first.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Offline without request interception (which would turn the HTTP cache off): every host
# but the local server fails to resolve.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

#: The reference page: Streamlit showing one line of text, nothing else.
BARE_APP = 'import streamlit as st\nst.write("德州市新旧动能转换规划地图")\n'
BARE_TEXT = "德州市新旧动能转换规划地图"


#: The app's view component (st.components.v2): its data carries the line above the map.
VIEW_COMPONENT = "dzgeo_view"


def line_markup(segments) -> str:
    """The line above the map (the view component's ``line``: dzgeo.web.summary) as one
    string, its bold segments between ``**`` (to read in assertions, not to render)."""
    return "".join(f"**{text}**" if bold else str(text) for text, bold in segments)


def view_line(at) -> list:
    """The segments of the line above the map in an AppTest run (the view component's
    data: AppTest keeps components as unknown elements with their proto)."""
    import json

    view = next(
        e for e in at.get("bidi_component") if e.proto.component_name.endswith(VIEW_COMPONENT)
    )
    return json.loads(view.proto.json)["line"]


def load() -> str:
    """The 1/5/15-minute load average, to print next to every figure."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout: float = 90) -> None:
    """Wait until ``url``/_stcore/health answers 200."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer at {url}")
        time.sleep(0.05)


@contextmanager
def served(
    app: Path,
    *,
    layers_dir: Path | None = None,
    run_log: Path | None = None,
    extra: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``streamlit run <app>`` on a free port with the repo's config, ``env`` added to the
    environment; yields (URL, process)."""
    port = free_port()
    environ = dict(os.environ)
    environ.pop("DZGEO_LAYERS_DIR", None)
    environ.update(env or {})
    if layers_dir is not None:
        environ["DZGEO_LAYERS_DIR"] = str(layers_dir)
    if run_log is not None:
        environ["DZGEO_RUN_LOG"] = str(run_log)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", *extra],
        cwd=REPO, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_times(log: Path) -> list[float]:
    """Seconds each script run took (the app appends ``time,seconds`` per run)."""
    if not log.exists():
        return []
    return [float(line.split(",")[1]) for line in log.read_text(encoding="utf-8").split()]


def synthetic_projects(layers, n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` projects at random points inside the counties, carrying real project rows
    (names suffixed, so their length is realistic)."""
    rng = np.random.default_rng(seed)
    real = layers.projects
    rows = real.drop(columns="geometry").iloc[rng.integers(0, len(real), n)]
    rows = rows.reset_index(drop=True)
    counties = layers.counties_web
    pick = rng.integers(0, len(counties), n)
    x = np.empty(n)
    y = np.empty(n)
    for c in range(len(counties)):
        idx = np.flatnonzero(pick == c)
        geom = counties.geometry.iloc[c]
        minx, miny, maxx, maxy = geom.bounds
        got = 0
        while got < len(idx):
            px = rng.uniform(minx, maxx, 2 * len(idx))
            py = rng.uniform(miny, maxy, 2 * len(idx))
            inside = shapely.contains_xy(geom, px, py)
            take = min(int(inside.sum()), len(idx) - got)
            x[idx[got : got + take]] = px[inside][:take]
            y[idx[got : got + take]] = py[inside][:take]
            got += take
    rows["id"] = [f"S-{i:05d}" for i in range(n)]
    rows["name"] = [f"{name}（合成{i}）" for i, name in enumerate(rows["name"])]
    rows["counties"] = counties["adcode"].iloc[pick].to_numpy()
    rows["place"] = counties["name"].iloc[pick].to_numpy()
    rows["located"] = "place"
    return gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")


def synthetic_layers_dir(n: int, tmp: Path) -> Path:
    """A layers folder with ``n`` synthetic projects and links to the other real layers."""
    from dzgeo.data.layerset import MANIFEST_NAME, seal
    from dzgeo.data.published import read_layers
    from dzgeo.settings import layers_dir

    real_dir = layers_dir()
    out = tmp / f"layers-{n}"
    out.mkdir()
    for path in real_dir.iterdir():
        if path.name != "projects.geojson":
            (out / path.name).symlink_to(path.resolve())
    projects = synthetic_projects(read_layers(real_dir), n)
    projects.to_file(out / "projects.geojson", driver="GeoJSON", engine="pyogrio")
    # sealed as one build: read_layers refuses files that do not match their manifest
    (out / MANIFEST_NAME).unlink()
    seal(out, [p.name for p in out.iterdir() if p.suffix in (".geojson", ".csv", ".gpkg")])
    return out


#: How to get a PostgreSQL for the tests that need one.
PG_HOWTO = 'eval "$(bash scripts/pg_test_cluster.sh start)" (sets DZGEO_TEST_PG)'


@contextmanager
def pg_schema_store() -> Iterator[str]:
    """A ``postgresql://`` store URL of a fresh schema in ``DZGEO_TEST_PG``'s database,
    dropped afterwards. Without the variable the test skips locally and fails in CI
    (``CI`` set); set but not answering, it fails."""
    import pytest

    url = os.environ.get("DZGEO_TEST_PG", "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI: DZGEO_TEST_PG is not set — .ci/run must start it ({PG_HOWTO})")
        pytest.skip(f"PostgreSQL tests need DZGEO_TEST_PG: {PG_HOWTO}")
    import uuid

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        pytest.fail(f"DZGEO_TEST_PG is set but PostgreSQL does not answer: {exc}")
    glue = "&" if "?" in url else "?"
    try:
        yield f"{url}{glue}options=-csearch_path%3D{schema},public"
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
