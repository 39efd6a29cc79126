"""`dzgeo validate` on a large CSV: peak memory and time, against pandas reading it whole.

Generates a valid project table of about ``--mb`` megabytes (the real projects repeated
under new ids) in a temporary folder, then runs in separate processes, each measured
by its peak resident memory (getrusage of the child):

* ``dzgeo validate FILE`` — the streamed check (dzgeo.data.tabular chunks);
* the reference: ``pandas.read_csv(FILE, dtype=str)``, the whole table in memory, which
  is what the check did before it streamed.

Usage: python3 benchmarks/bench_validate.py [--mb 500] [--encoding utf-8|gb18030]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make_table(path: Path, megabytes: float, encoding: str) -> int:
    """Write a valid project CSV of about ``megabytes``; return its data rows."""
    with (REPO / "geodata" / "projects.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    target = int(megabytes * 1e6)
    count = 0
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        while out.tell() < target:
            buffer = io.StringIO()
            chunk = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
            for row in rows * 20:
                count += 1
                chunk.writerow(row | {"id": f"B-{count:08d}"})
            out.write(buffer.getvalue())
    return count


def measured(argv: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one child process (its own rusage, via wait4)."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode:
        print(err.decode(errors="replace")[-2000:])
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=500)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        started = time.perf_counter()
        rows = make_table(path, args.mb, args.encoding)
        size = path.stat().st_size / 1e6
        print(f"table: {size:,.0f} MB, {rows:,} rows, {args.encoding} "
              f"(made in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        small = REPO / "geodata" / "projects.csv"
        t_base, mb_base, _ = measured([sys.executable, "-m", "dzgeo.cli", "validate", str(small)])
        print(f"dzgeo validate 272 : {t_base:7.1f} s  peak {mb_base:7,.0f} MB  (baseline)")
        t_check, mb_check, code = measured(
            [sys.executable, "-m", "dzgeo.cli", "validate", str(path)]
        )
        print(f"dzgeo validate     : {t_check:7.1f} s  peak {mb_check:7,.0f} MB  exit {code}")
        reference = (
            "import pandas as pd, sys\n"
            f"frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, "
            f"encoding={args.encoding!r})\n"
            "print(len(frame))\n"
        )
        t_ref, mb_ref, _ = measured([sys.executable, "-c", reference, str(path)])
        print(f"pandas whole table : {t_ref:7.1f} s  peak {mb_ref:7,.0f} MB")
        print(f"memory ratio (validate / whole table): {mb_check / mb_ref:.2f}")
        print(f"peak per MB of file: {mb_check / size:.2f} MB  (goal: 500 MB file within 1 GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
