"""Time briefing sets in each format, against a reference copy of older code; run by hand.

    python benchmarks/bench_export.py [--formats pdf png svg pptx] [--dpi 300]
                                      [--reference DIR] [--rounds 1]

Two sets: the 13-sheet industry set (layout + 12 industries) and the county atlas
(``--each place``: layout + 11 counties + 4 zones). Each run is a fresh subprocess, so its
peak resident memory (ru_maxrss) is its own. ``--reference DIR`` is a checkout of older
code (e.g. ``git archive <commit> | tar -x -C DIR``); its 13-map set runs in the same
rounds, interleaved with ours, and the ratios of our time and CPU time to its are
printed. Machines shared with other work are noisy: use several rounds and read the
medians; the CPU-time ratio holds up better under load than the wall-clock one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def run_one(fmt: str, each: str, dpi: int, reference: bool) -> dict[str, float]:
    """Write one set in ``fmt`` into a temporary folder; return the figures."""
    from dzgeo.data.published import read_layers

    layers = read_layers()
    base = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu_start = time.perf_counter(), time.process_time()
        if reference:  # the older code's API: dzgeo.briefing.sheets.export_set, industries only
            from dzgeo.briefing.sheets import (  # type: ignore[attr-defined]  # older code
                export_set as old_export_set,
            )

            paths = old_export_set(layers, tmp, fmt=fmt, dpi=dpi, progress=False)
        else:
            from dzgeo.briefing.atlas import export_set

            paths = export_set(layers, tmp, each=each, fmt=fmt, dpi=dpi, progress=False)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        sizes = [p.stat().st_size for p in paths]
    return {
        "files": len(paths),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "bytes": sum(sizes),
        "largest": max(sizes),
        "peak_rss_mb": _rss_mb(),
        "layers_rss_mb": base,
    }


def _child(fmt: str, each: str, dpi: int, reference: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(reference or ROOT)
    args = [sys.executable, str(Path(__file__).resolve()), "--one", fmt, "--each", each]
    args += ["--dpi", str(dpi)] + (["--as-reference"] if reference else [])
    child = subprocess.run(args, capture_output=True, text=True, env=env, cwd=reference or ROOT)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--formats", nargs="+", default=["pdf", "png", "svg", "pptx"])
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--reference", type=Path, help="a checkout of older code to compare")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: one run
    parser.add_argument("--each", default="industry", help=argparse.SUPPRESS)
    parser.add_argument("--as-reference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.each, args.dpi, args.as_reference)))
        return 0
    print(f"A4 landscape, PNG at {args.dpi} dpi, {args.rounds} round(s); medians")
    print(
        f"{'set':<22}{'format':<7}{'files':>6}{'seconds':>9}{'cpu s':>7}"
        f"{'bytes':>14}{'largest':>12}"
        f"{'peak RSS':>10}{'(layers)':>10}"
    )
    jobs = []
    for fmt in args.formats:
        if args.reference is not None and fmt != "pptx":
            jobs.append(("reference 13-map set", fmt, "industry", args.reference))
        jobs.append(("13-sheet industry set", fmt, "industry", None))
        jobs.append(("county atlas", fmt, "place", None))
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    for _ in range(args.rounds):
        for name, fmt, each, reference in jobs:  # interleaved: each round runs every job
            result = _child(fmt, each, args.dpi, reference)
            results.setdefault((name, fmt), []).append(result)
            print(f"  ({name}, {fmt}: {result['seconds']:.1f} s)", flush=True)
    for name, fmt, _, _ in jobs:
        runs = results[(name, fmt)]
        r = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(
            f"{name:<22}{fmt:<7}{r['files']:>6.0f}{r['seconds']:>9.1f}{r['cpu_seconds']:>7.1f}"
            f"{r['bytes']:>14,.0f}"
            f"{r['largest']:>12,.0f}{r['peak_rss_mb']:>8.0f}MB{r['layers_rss_mb']:>8.0f}MB"
        )
    if args.reference is not None:
        for fmt in args.formats:
            if (("reference 13-map set", fmt)) not in results:
                continue
            for key, what in (("seconds", "time"), ("cpu_seconds", "CPU time")):
                ours = statistics.median(r[key] for r in results[("13-sheet industry set", fmt)])
                ref = statistics.median(r[key] for r in results[("reference 13-map set", fmt)])
                print(f"13-sheet set, {fmt}: {ours / ref:.2f}× the reference's {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
