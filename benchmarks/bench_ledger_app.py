"""Time the app on a 100,000-row ledger; run by hand, prints figures.

    python benchmarks/bench_ledger_app.py [--rows 100000] [--trials 3] [--no-browser]

A temporary SQLite store gets one version of ``--rows`` ledger rows: the 272 plan
projects with statuses, years and investments, plus projects the ledger added at random
sites inside the counties (real project rows, names suffixed). The reference in the same
run is the plan as published (no store: version 0, 272 projects).

1. In Python: reading the current version (store read + compose, per version), the map's
   view layers for the whole ledger and for a 状态 filter, the filter alone, the 在建 /
   竣工 / 总投资 totals, and the bytes of the project payload.
2. In headless Chromium (offline), with ``streamlit run app.py`` on that store: page
   open to map ready (cold: first visit after the server starts, which reads the
   ledger; warm: later visits), a 状态 filter change to the map updated, and turning the
   year slider on; each as seconds and as a ratio to the plan-only reference.

The browser harness (server, offline Chromium, waits) is tests/_support.py's and
bench_app.py's. Figures are comparable within one run only (shared machine: see load).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _support import CHROMIUM, CHROMIUM_ARGS, REPO, load, served, synthetic_projects
from bench_app import open_app, pick, wait_token

from dzgeo.data.published import read_layers
from dzgeo.filters import ProjectFilter, ViewState, apply_filter
from dzgeo.ledger.current import plan_projects
from dzgeo.ledger.fields import FINISHED_STATUSES, STATUSES
from dzgeo.ledger.store import Counts, normalise_rows, open_store
from dzgeo.ledger.view import current_layers
from dzgeo.settings import LAYERS_DIR
from dzgeo.tables import progress_totals
from dzgeo.web import views as webmap
from dzgeo.web.projects import project_payload


def ledger_rows(layers, n: int, seed: int = 2) -> pd.DataFrame:
    """``n`` ledger rows: the plan's projects, then added ones at random sites."""
    rng = np.random.default_rng(seed)
    plan = plan_projects(LAYERS_DIR).drop(columns="geometry")
    plan["geometry"] = None  # drawn at the plan's place
    added = synthetic_projects(layers, n - len(plan), seed=seed)
    added["id"] = [f"TZ-{i:06d}" for i in range(len(added))]
    added["site_lon"] = added.geometry.x.round(6)
    added["site_lat"] = added.geometry.y.round(6)
    added["site_crs"] = "WGS84"
    added["located_by"] = "台账坐标"
    rows = pd.concat([plan, pd.DataFrame(added)], ignore_index=True)
    rows["status"] = rng.choice(STATUSES, len(rows))
    rows["start_year"] = rng.integers(2018, 2026, len(rows))
    finished = rows["status"].isin(FINISHED_STATUSES).to_numpy()
    rows["finish_year"] = np.where(finished, rows["start_year"] + rng.integers(1, 4, len(rows)), 0)
    rows.loc[~finished, "finish_year"] = None
    rows["investment_total"] = rng.gamma(2.0, 5.0, len(rows)).round(2)
    rows["responsible"] = "德州市发展和改革委员会"
    rows["provenance"] = '{"status": "台账 v1", "start_year": "台账 v1"}'
    return normalise_rows(rows)


def make_store(layers, path: Path, n: int) -> float:
    """A store at ``path`` whose version 1 has ``n`` rows; returns seconds to write it."""
    rows = ledger_rows(layers, n)
    start = time.perf_counter()
    with open_store(path) as store:
        store.append_version(
            lambda _current, _n: (rows, Counts(added=n - 272, updated=272)),
            file_name="bench.csv",
            user="bench",
        )
    return time.perf_counter() - start


def _timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def bench_python(layers, store: Path | None, label: str) -> dict[str, float]:
    """Python-side figures for the plan (``store`` None) or the ledger at ``store``."""
    if store is None:
        t_read, current = _timed(lambda: current_layers(layers, LAYERS_DIR))
    else:
        with open_store(store) as opened:
            t_read, current = _timed(lambda: current_layers(layers, LAYERS_DIR, store=opened))
    flt = ProjectFilter(statuses=("在建",))
    t_view, _ = _timed(lambda: webmap.view_layers(current, ViewState()))
    t_status, _ = _timed(lambda: webmap.view_layers(current, ViewState(flt)))
    t_year, _ = _timed(lambda: webmap.view_layers(current, ViewState(ProjectFilter(year=2021))))
    t_filter, shown = _timed(lambda: apply_filter(current.projects, flt, current.vocab))
    t_totals, _ = _timed(lambda: progress_totals(current.projects, current.vocab))
    payload = webmap.script_json(project_payload(current.projects))
    print(
        f"{label:>8} | {len(current.projects):>7} | {t_read:6.2f} | {t_view:6.2f} | "
        f"{t_status:6.2f} | {t_year:6.2f} | {t_filter:6.3f} | {len(shown):>6} | "
        f"{t_totals:6.3f} | {len(payload.encode()):>10,}"
    )
    return {"read": t_read, "view": t_view, "status": t_status}


def bench_browser(store: Path | None, label: str, trials: int) -> dict[str, float]:
    """Page open / filter change / year slider in Chromium for the app on ``store``."""
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DZGEO_STORE")
    with tempfile.TemporaryDirectory() as tmp:
        # no store: a path that does not exist, so the app shows the plan (version 0)
        os.environ["DZGEO_STORE"] = str(store or Path(tmp) / "none.gpkg")
        try:
            app = REPO / "app.py"
            with served(app, run_log=Path(tmp) / "runs.log") as (url, _), sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1440, "height": 1100})
                opened = open_app(context, url)
                cold = opened.took
                opened.page.close()
                warm = []
                for _ in range(trials):
                    opened = open_app(context, url)
                    warm.append(opened.took)
                    opened.page.close()
                opened = open_app(context, url)
                page, token = opened.page, opened.token
                page.wait_for_timeout(500)
                changes = []
                for status in ("在建", "竣工", "谋划")[:trials]:
                    pick(page, "状态（台账）", status)
                    start = time.perf_counter()
                    page.get_by_role("option", name=status).first.click()
                    token = wait_token(page, token)
                    changes.append(time.perf_counter() - start)
                    page.keyboard.press("Escape")
                    page.wait_for_timeout(400)
                start = time.perf_counter()
                page.locator('[data-testid="stSidebar"]').get_by_text("按年份查看").click()
                token = wait_token(page, token)
                year_on = time.perf_counter() - start
                browser.close()
        finally:
            if saved is None:
                os.environ.pop("DZGEO_STORE", None)
            else:
                os.environ["DZGEO_STORE"] = saved
    figures = {
        "cold": cold,
        "warm": statistics.median(warm),
        "filter": statistics.median(changes),
        "year": year_on,
    }
    print(
        f"{label:>8} | {figures['cold']:6.2f} | {figures['warm']:6.2f} | "
        f"{figures['filter'] * 1000:7.0f} | {figures['year'] * 1000:7.0f} | {load()}"
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    layers = read_layers(LAYERS_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "ledger.gpkg"
        t_write = make_store(layers, store, args.rows)
        size = store.stat().st_size
        print(f"store: {args.rows:,} ledger rows written in {t_write:.2f} s, {size:,} bytes")
        print(load())
        print("\nPython (s; payload in bytes of JSON, zlib-packed past the threshold)")
        print("     set | projects |   read |   view | 在建 view | year view | filter", end="")
        print(" | shown | totals | payload")
        bench_python(dataclasses.replace(layers), None, "plan")
        bench_python(layers, store, f"{args.rows // 1000}k")
        if args.no_browser:
            return 0
        print("\nHeadless Chromium, offline (open: s; filter change and year slider: ms)")
        print("     set |   cold |   warm |  filter |    year | load")
        plan = bench_browser(None, "plan", args.trials)
        big = bench_browser(store, f"{args.rows // 1000}k", args.trials)
        print(
            "ratio ledger/plan: "
            + ", ".join(f"{k} {big[k] / plan[k]:.1f}x" for k in ("cold", "warm", "filter", "year"))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
