"""Ledger import benchmark: time and peak memory for 272 and 100,000 rows, both back ends.

Each measurement runs in a fresh child process (so its peak RSS is its own): read + check
+ merge (the preview), then the stored import, then reading the current projects back.
The reference, measured in the same child on the same file, is ``pandas.read_csv``:
the ratio says what checking and storing cost over just parsing the file.

    python3 benchmarks/bench_ledger.py                      # SQLite; PostGIS if DZGEO_TEST_PG
    python3 benchmarks/bench_ledger.py --pg postgresql://…  # a PostGIS database to use

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SIZES = (272, 100_000)


def _write_file(path: Path, rows: int) -> None:
    """A GBK CSV like a planner's: the plan's projects (272) or new projects (100,000)."""
    sys.path.insert(0, str(REPO))
    import geopandas as gpd
    import shapely

    from dzgeo.crs import wgs84_to_gcj02
    from dzgeo.ledger.current import plan_projects

    rng = np.random.default_rng(8)
    city = shapely.union_all(gpd.read_file(REPO / "layers" / "city.geojson").geometry)
    x0, y0, x1, y1 = city.bounds
    lon, lat = rng.uniform(x0, x1, rows * 4), rng.uniform(y0, y1, rows * 4)
    inside = shapely.contains_xy(city.buffer(-0.01), lon, lat)  # clear of the border
    lon, lat = lon[inside][:rows], lat[inside][:rows]
    glon, glat = wgs84_to_gcj02(lon, lat)
    statuses = np.array(["谋划", "前期", "在建", "竣工", "投产"])[rng.integers(0, 5, rows)]
    start = rng.integers(2018, 2024, rows)
    invest = rng.uniform(0.1, 50, rows).round(2)
    if rows == 272:
        ids = plan_projects()["id"].tolist()
        head = "编号,经度,纬度,坐标系,状态,开工年份,总投资（亿元）"
        lines = [
            f"{ids[i]},{glon[i]:.6f},{glat[i]:.6f},高德,{statuses[i]},{start[i]},{invest[i]}"
            for i in range(rows)
        ]
    else:
        head = "编号,项目名称,产业,地点,经度,纬度,坐标系,状态,开工年份,总投资（亿元）"
        lines = [
            f"BM-{i:06d},测试项目{i},新能源,齐河县,{glon[i]:.6f},{glat[i]:.6f},GCJ-02,"
            f"{statuses[i]},{start[i]},{invest[i]}"
            for i in range(rows)
        ]
    path.write_bytes(("\n".join([head, *lines]) + "\n").encode("gbk"))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(store_url: str, path: Path) -> dict[str, float]:
    import pandas as pd

    from dzgeo.ledger.current import current_projects
    from dzgeo.ledger.importer import import_file, ledger_context, preview_import
    from dzgeo.ledger.store import open_store

    context = ledger_context()
    store = open_store(store_url)
    current_projects(store)  # warm: plan layer, imports
    base_rss = _rss_mb()
    t0 = time.perf_counter()
    pd.read_csv(path, encoding="gbk", dtype=str)
    t1 = time.perf_counter()
    preview = preview_import(path, store, context=context)
    t2 = time.perf_counter()
    version, _ = import_file(path, store, context=context)
    t3 = time.perf_counter()
    projects = current_projects(store)
    t4 = time.perf_counter()
    store.close()
    assert preview.ok and len(projects) >= 272
    return {
        "read_csv_s": t1 - t0,
        "preview_s": t2 - t1,
        "import_s": t3 - t2,
        "read_back_s": t4 - t3,
        "rows_stored": float(version.rows),
        "peak_rss_mb": _rss_mb(),
        "rss_growth_mb": _rss_mb() - base_rss,
    }


def _measure(store_url: str, path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", store_url, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pg_schema_url(url: str) -> tuple[str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    glue = "&" if "?" in url else "?"
    return f"{url}{glue}options=-csearch_path%3D{schema},public", schema


def _drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("DZGEO_TEST_PG", ""))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    header = (
        f"{'back end':<10} {'rows':>7} {'read_csv':>9} {'preview':>9} {'import':>9} "
        f"{'x csv':>7} {'read back':>10} {'peak RSS':>9} {'RSS +':>8}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        files = {n: Path(tmp) / f"ledger-{n}.csv" for n in SIZES}
        for n, path in files.items():
            _write_file(path, n)
        backends = [("sqlite", None)] + ([("postgis", args.pg)] if args.pg else [])
        for name, pg in backends:
            for n, path in files.items():
                if pg:
                    url, schema = _pg_schema_url(pg)
                else:
                    url, schema = str(Path(tmp) / f"store-{n}.gpkg"), ""
                try:
                    r = _measure(url, path)
                finally:
                    if pg:
                        _drop_schema(pg, schema)
                print(
                    f"{name:<10} {n:>7} {r['read_csv_s']:>8.3f}s {r['preview_s']:>8.2f}s "
                    f"{r['import_s']:>8.2f}s {r['import_s'] / r['read_csv_s']:>6.0f}x "
                    f"{r['read_back_s']:>9.2f}s {r['peak_rss_mb']:>7.0f}MB "
                    f"{r['rss_growth_mb']:>6.0f}MB"
                )
    if not args.pg:
        print("PostGIS skipped: set DZGEO_TEST_PG or pass --pg postgresql://…")


if __name__ == "__main__":
    main()
