"""Many planners at once against one app process; run by hand, prints figures.

    python benchmarks/bench_load.py [--sessions 1 5 10 20] [--interactions 12]
                                    [--think 3.0] [--saturate 20]

The sessions are lightweight clients of Streamlit's websocket protocol
(tests/_stclient.py): they send what the browser sends (widget states, the map's ready
signal, the element hashes they hold) and time each run from the request to
``script_finished``, but draw nothing — so the figures are the server's own cost, not
that of twenty browsers fighting over the same two cores.

For each session count, a fresh ``streamlit run app.py``, its caches warmed with every
filter state of the run (so the figures are the steady cost, not first visits): the
sessions open the page
(first run + the run the map's ready signal asks for), then each makes
``--interactions`` filter changes (one industry, then another, then none …; sessions
start at different industries), waiting a random think time (exponential, mean
``--think`` seconds) between them. Printed: interactions per second, p50/p95 latency
and the ratio of p95 to the single-session p95 (the issue's goal: ≤ 3 at 20 sessions),
server CPU seconds per interaction, resident memory per session, script runs.
``--saturate N``: N sessions with no think time — the interactions per second one
process sustains.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _stclient import Session
from _support import REPO, load, run_times, served

INDUSTRIES = ("新能源", "高端装备", "文化旅游", "现代物流", "新材料", "生物技术", "纺织服装")
CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (and its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / CLK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


async def planner(url: str, k: int, interactions: int, think: float, rng: random.Random):
    """One session: open, then ``interactions`` filter changes; the change latencies."""
    session = Session(url)
    await session.open()
    times = []
    for j in range(interactions):
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))
        pick = [] if j % 3 == 2 else [INDUSTRIES[(k + j) % len(INDUSTRIES)]]
        session.choose("产业", pick)
        times.append((await session.rerun()).seconds)
    await session.close()
    return times


async def opened(url: str, n: int) -> list[Session]:
    sessions = [Session(url) for _ in range(n)]
    await asyncio.gather(*(s.open() for s in sessions))
    return sessions


async def measure(
    url: str, pid: int, log: Path, n: int, interactions: int, think: float, seed: int
) -> dict[str, float]:
    """Figures for ``n`` sessions against the server ``pid`` at ``url``."""
    for s in await opened(url, 1):  # layers read; every state of the run cached once
        for industry in INDUSTRIES:
            s.choose("产业", [industry])
            await s.rerun()
        s.choose("产业", [])
        await s.rerun()
        await s.close()
    await asyncio.sleep(0.5)
    rss0 = rss_mb(pid)
    held = await opened(url, n)  # memory of n open sessions
    await asyncio.sleep(0.5)
    per_session = (rss_mb(pid) - rss0) / n
    for s in held:
        await s.close()
    runs0, cpu0, t0 = len(run_times(log)), cpu_seconds(pid), time.perf_counter()
    rngs = [random.Random(seed + k) for k in range(n)]
    results = await asyncio.gather(
        *(planner(url, k, interactions, think, rngs[k]) for k in range(n))
    )
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0
    latencies = [t for times in results for t in times]
    script = run_times(log)[runs0:]
    return {
        "n": n,
        "interactions": len(latencies),
        "rate": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": p95(latencies),
        "cpu": cpu / len(latencies),
        "mb": per_session,
        "runs": len(script),
        "script": statistics.median(script),
    }


def one_count(n: int, interactions: int, think: float, seed: int = 7) -> dict[str, float]:
    """Figures for ``n`` sessions against a fresh server."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "runs.log"
        with served(REPO / "app.py", run_log=log) as (url, proc):
            return asyncio.run(measure(url, proc.pid, log, n, interactions, think, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--interactions", type=int, default=12)
    parser.add_argument("--think", type=float, default=3.0)
    parser.add_argument("--saturate", type=int, default=20)
    args = parser.parse_args(argv)

    print(f"bench_load at {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC; {load()}")
    print(f"think time: exponential, mean {args.think} s; {args.interactions} changes each")
    print("sessions | changes | per s | p50 ms | p95 ms | p95/p95(1) | CPU ms/change", end="")
    print(" | MB/session | script runs | script p50 ms | load")
    single = None
    for n in args.sessions:
        r = one_count(n, args.interactions, args.think)
        single = single or r["p95"]
        print(
            f"{n:>8} | {r['interactions']:>7} | {r['rate']:5.1f} | {r['p50'] * 1e3:6.0f} | "
            f"{r['p95'] * 1e3:6.0f} | {r['p95'] / single:10.2f} | {r['cpu'] * 1e3:13.0f} | "
            f"{r['mb']:10.1f} | {r['runs']:>11} | {r['script'] * 1e3:13.0f} | {load()}"
        )
    if args.saturate:
        r = one_count(args.saturate, args.interactions, 0.0)
        print(
            f"\nsaturated ({args.saturate} sessions, no think time): {r['rate']:.1f} changes/s "
            f"sustained by one process, p50 {r['p50'] * 1e3:.0f} ms, p95 {r['p95'] * 1e3:.0f} ms, "
            f"CPU {r['cpu'] * 1e3:.0f} ms per change; {load()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
