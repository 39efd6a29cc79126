"""Time the 13-map briefing set (layout + 12 industries) in each format; run by hand.

    python benchmarks/bench_export.py [--formats png pdf svg] [--paper A4] [--dpi 300]

Each format runs in a fresh subprocess, so its peak resident memory (ru_maxrss) is its
own. Prints, per format: wall seconds for the set, seconds per map, total bytes, the
largest file, peak RSS, and RSS after reading the layers (the rendering's share is the
difference).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def run_one(fmt: str, paper: str, orientation: str, dpi: int) -> dict[str, float]:
    """Write the set once in ``fmt`` into a temporary folder; return the figures."""
    from dzgeo.briefing.sheets import export_set
    from dzgeo.data.published import read_layers

    layers = read_layers()
    base = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = export_set(
            layers, tmp, fmt=fmt, paper=paper, orientation=orientation, dpi=dpi, progress=False
        )
        seconds = time.perf_counter() - start
        sizes = [p.stat().st_size for p in paths]
    return {
        "maps": len(paths),
        "seconds": seconds,
        "per_map": seconds / len(paths),
        "bytes": sum(sizes),
        "largest": max(sizes),
        "peak_rss_mb": _rss_mb(),
        "layers_rss_mb": base,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--formats", nargs="+", default=["png", "pdf", "svg"])
    parser.add_argument("--paper", default="A4")
    parser.add_argument("--orientation", default="landscape")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: one format
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.paper, args.orientation, args.dpi)))
        return 0
    print(f"13-map set, {args.paper} {args.orientation}, PNG at {args.dpi} dpi")
    print(
        f"{'format':<7}{'maps':>5}{'seconds':>9}{'s/map':>7}{'bytes':>13}{'largest':>11}"
        f"{'peak RSS':>10}{'(layers)':>10}"
    )
    for fmt in args.formats:
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", fmt,
             "--paper", args.paper, "--orientation", args.orientation, "--dpi", str(args.dpi)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{fmt:<7}{r['maps']:>5}{r['seconds']:>9.1f}{r['per_map']:>7.2f}{r['bytes']:>13,}"
            f"{r['largest']:>11,}{r['peak_rss_mb']:>8.0f}MB{r['layers_rss_mb']:>8.0f}MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
