"""Time the interactive map; run by hand, prints figures.

    python benchmarks/bench_app.py [--sizes real 5000 50000] [--no-browser] [--trials 5] [--floor]

1. Map build, in Python, for the real projects and synthetic 5,000 / 50,000 projects:
   seconds for the base layers (once per basemap), the view layers (once per view
   state), the folium assembly + render, and the bytes of the page the browser gets
   (assets linked) and of the standalone page (assets inlined).
2. In headless Chromium (Debian's), with the app served by ``streamlit run app.py`` and
   every host but the local server unresolvable (offline; request interception is not
   used because it turns the HTTP cache off): page open to map ready (cold: first visit
   after the server starts, so it includes reading the layers; warm: a later visit),
   the projects layer's own build time in the page ("layer", ms: unpack, cluster index,
   first draw), a filter change to the map updated, the script's own run time, pan and
   zoom (time until the projects layer has redrawn), and the number of script runs per
   interaction (the app appends a line to ``DZGEO_RUN_LOG`` per run). ``--floor`` adds
   the same figures for a page holding only the map and one filter: what Streamlit and
   streamlit-folium cost by themselves.

Synthetic projects are random points inside the counties carrying real project rows
(names suffixed, so their length is realistic); they are written to a temporary
layers folder next to links to the real layer files, never into layers/.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
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
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TOKEN_JS = """() => { const m = document.querySelector('.leaflet-container');
  return m && window.dzReady ? m.getAttribute('data-dz-view') : null; }"""
MOVE_JS = """async (kind) => {
  const map = window.map;
  const t0 = performance.now();
  await new Promise((resolve) => {
    map.once('moveend', () => requestAnimationFrame(() => resolve()));
    if (kind === 'pan') map.panBy([160, 90], {animate: false});
    else map.setZoom(map.getZoom() + (kind === 'in' ? 1 : -1), {animate: false});
  });
  return performance.now() - t0;
}"""


def synthetic_projects(layers, n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` projects at random points inside the counties, carrying real project rows."""
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


def _timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def bench_build(layers, label: str) -> None:
    """Map build figures for one set of layers."""
    from dzgeo.filters import ProjectFilter, ViewState
    from dzgeo.web import views as webmap

    state = ViewState()
    t_base, base = _timed(lambda: webmap.base_layers(layers, "none"))
    t_view, view = _timed(lambda: webmap.view_layers(layers, state))
    t_one, _ = _timed(
        lambda: webmap.view_layers(layers, ViewState(ProjectFilter(industries=("新能源",))))
    )
    t_html, page = _timed(lambda: webmap.render_html(webmap.build_map(base, view)))
    t_alone, alone = _timed(lambda: webmap.standalone_html(layers, state))
    print(
        f"{label:>8} | {len(layers.projects):>6} | {t_base:6.3f} | {t_view:6.3f} | "
        f"{t_one:6.3f} | {t_html:6.3f} | {len(page.encode()):>10,} | {t_alone:6.2f} | "
        f"{len(alone.encode()):>10,}"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(layers_dir: Path, run_log: Path, app: Path = REPO / "app.py") -> Iterator[str]:
    """``streamlit run <app>`` on a free port; yields its URL once /_stcore/health answers."""
    port = _free_port()
    env = {**os.environ, "DZGEO_LAYERS_DIR": str(layers_dir), "DZGEO_RUN_LOG": str(run_log)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
         "--server.port", str(port), "--server.enableStaticServing", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _runs(log: Path) -> int:
    return len(_run_times(log))


def _run_times(log: Path) -> list[float]:
    """Seconds each script run took (one ``time,seconds`` line per run)."""
    if not log.exists():
        return []
    return [float(line.split(",")[1]) for line in log.read_text(encoding="utf-8").split()]


def _map_frame(page):
    page.wait_for_selector(MAP_IFRAME, timeout=60_000)
    return page.query_selector(MAP_IFRAME).content_frame()


def _wait_token(page, old: str | None) -> str:
    frame = _map_frame(page)
    frame.wait_for_function(
        f"(old) => {{ const t = ({TOKEN_JS})(); return t && t !== old; }}",
        arg=old,
        timeout=60_000,
        polling="raf",
    )
    return frame.evaluate(TOKEN_JS)


def _open(context, url: str) -> tuple[float, object, str]:
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    token = _wait_token(page, None)
    return time.perf_counter() - start, page, token


def _pick(page, label: str, text: str) -> None:
    """Open the sidebar multiselect ``label`` and type ``text`` (the option is not clicked)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    box.locator("input").click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.wait_for()


#: The floor: the same map and one sidebar filter, nothing else on the page, so the
#: time Streamlit and streamlit-folium take by themselves shows next to the app's.
FLOOR_APP = """
import os, time
from pathlib import Path
import streamlit as st
from streamlit_folium import st_folium
from dzgeo.web import views as webmap
from dzgeo.filters import ProjectFilter, ViewState
from dzgeo.data.published import read_layers

start = time.perf_counter()
layers = st.cache_resource(read_layers)(os.environ["DZGEO_LAYERS_DIR"])
chosen = st.sidebar.multiselect("产业", list(layers.vocab.industries))
state = ViewState(ProjectFilter(industries=tuple(chosen)))
base = st.cache_resource(lambda b: webmap.base_layers(layers, b))("none")
view = st.cache_resource(lambda s: webmap.view_layers(layers, s))(state)
parts = webmap.build_map(base, view)
st_folium(parts.map, key="m", height=700, use_container_width=True, returned_objects=[],
          feature_group_to_add=parts.overlays, layer_control=parts.control)
with Path(os.environ["DZGEO_RUN_LOG"]).open("a") as fh:
    fh.write(f"{time.time():.3f},{time.perf_counter() - start:.4f}\\n")
"""


def bench_browser(layers_dir: Path, label: str, trials: int, *, floor: bool = False) -> None:
    """Browser figures for one layers folder (``floor``: the bare map page instead)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "runs.log"
        app = REPO / "app.py"
        if floor:
            app = Path(tmp) / "floor.py"
            app.write_text(FLOOR_APP, encoding="utf-8")
            (Path(tmp) / "static").symlink_to(REPO / "static")
        with served(layers_dir, log, app) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 1100})
            cold, page, _ = _open(context, url)
            runs_open = _runs(log)
            page.close()
            warm_times = []
            for _ in range(trials):
                t, page, token = _open(context, url)
                warm_times.append(t)
                if len(warm_times) < trials:
                    page.close()
            layer_ms = _map_frame(page).evaluate("window.dzReady.ms")
            page.wait_for_timeout(500)

            changes, change_runs, run_seconds = [], [], []
            for industry in ("新能源", "高端装备", "文化旅游", "现代物流", "新材料")[:trials]:
                _pick(page, "产业", industry)
                before = _runs(log)
                start = time.perf_counter()
                page.get_by_role("option", name=industry).first.click()
                token = _wait_token(page, token)
                changes.append(time.perf_counter() - start)
                page.keyboard.press("Escape")
                page.wait_for_timeout(600)
                change_runs.append(_runs(log) - before)
                run_seconds += _run_times(log)[before:]

            frame = _map_frame(page)
            before = _runs(log)
            moves = {kind: [] for kind in ("pan", "in", "out")}
            for _ in range(trials):
                for kind in moves:
                    moves[kind].append(frame.evaluate(MOVE_JS, kind))
            box = page.locator(MAP_IFRAME).bounding_box()
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(cx, cy)
            page.mouse.down()
            page.mouse.move(cx - 150, cy - 80, steps=8)
            page.mouse.up()
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(1500)
            pan_runs = _runs(log) - before
            browser.close()

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.0f}"

    print(
        f"{label:>8} | {cold:6.2f} | {statistics.median(warm_times):6.2f} | {layer_ms:5.0f} | "
        f"{runs_open:>4} | "
        f"{ms(changes)} | {statistics.median(change_runs):>4} | {ms(run_seconds)} | "
        f"{statistics.median(moves['pan']):6.1f} | {statistics.median(moves['in']):6.1f} | "
        f"{statistics.median(moves['out']):6.1f} | {pan_runs:>4}"
    )


def _layers_dir(real_dir: Path, projects: gpd.GeoDataFrame | None, tmp: Path) -> Path:
    """A layers folder: links to the real files, and the given projects if any, sealed
    as one build (read_layers refuses a folder whose files do not match its manifest)."""
    from dzgeo.data.layerset import MANIFEST_NAME, seal

    if projects is None:
        return real_dir
    out = tmp / f"layers-{len(projects)}"
    out.mkdir()
    for path in real_dir.iterdir():
        if path.name != "projects.geojson":
            (out / path.name).symlink_to(path)
    projects.to_file(out / "projects.geojson", driver="GeoJSON", engine="pyogrio")
    (out / MANIFEST_NAME).unlink()
    seal(out, [p.name for p in out.iterdir() if p.suffix in (".geojson", ".csv", ".gpkg")])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", nargs="+", default=["real", "5000", "50000"])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument(
        "--floor", action="store_true", help="also time a page with only the map (real data)"
    )
    args = parser.parse_args(argv)

    from dzgeo.data.published import read_layers
    from dzgeo.settings import LAYERS_DIR

    layers = read_layers(LAYERS_DIR)
    sets = {
        size: None if size == "real" else synthetic_projects(layers, int(size))
        for size in args.sizes
    }
    print("Map build (seconds; bytes of the page as served and of the standalone page)")
    print("     set | projects |   base |   view | 1 ind. | folium |  page bytes | alone", end="")
    print(" |  alone bytes")
    for size, projects in sets.items():
        bench_build(
            layers if projects is None else dataclasses.replace(layers, projects=projects), size
        )
    if args.no_browser:
        return 0
    print("\nHeadless Chromium, network blocked (open: s; filter change: ms; pan/zoom: ms)")
    print("     set |   cold |   warm | layer | runs |  filter | runs |  script |    pan", end="")
    print(" | zoom+1 | zoom-1 | runs")
    with tempfile.TemporaryDirectory() as tmp:
        for size, projects in sets.items():
            bench_browser(_layers_dir(LAYERS_DIR, projects, Path(tmp)), size, args.trials)
        if args.floor:
            bench_browser(LAYERS_DIR, "floor", args.trials, floor=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
