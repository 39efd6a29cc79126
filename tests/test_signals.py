"""Signals at random moments: `dzgeo export` and `dzgeo build` killed 20 times each.

Every time: no traceback, no temporary file left (after SIGKILL, the next run removes
what the killed one left), the map is the old one or the whole new one, and the layers
folder is wholly the previous build or wholly the new one — never a mix.

The kill moments are drawn (seeded) from the span of an uninterrupted run, starting
0.25 s in: before that the Python interpreter itself is still starting, and a Ctrl-C
there is Python's, not ours.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dzgeo.data.layerset import verify
from dzgeo.data.published import read_layers
from dzgeo.settings import GEODATA_DIR, LAYERS_DIR

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
KILLS = 20
SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL)
PNG_END = b"IEND\xaeB`\x82"


def _start(argv: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "dzgeo.cli", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _timed_run(argv: list[str]) -> float:
    started = time.monotonic()
    proc = _start(argv)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - started


def _kill_at(argv: list[str], delay: float, signum: int) -> tuple[int, str]:
    proc = _start(argv)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def _check_exit(code: int, err: str, signum: int) -> None:
    assert code in (0, 128 + signum, -signum), (code, err)
    assert "Traceback" not in err, err
    if code == 128 + signum:
        assert err.strip().endswith("已中断 (interrupted)"), err


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".dzgeo-" in p.name)


def test_killed_exports_leave_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "map.png"
    argv = ["export", "layout", "--dpi", "72", "-o", str(target)]
    span = _timed_run(argv)
    whole = target.read_bytes()
    rng = random.Random(11)
    left_by_kill: list[str] = []
    for i in range(KILLS):
        signum = SIGNALS[i % len(SIGNALS)]
        code, err = _kill_at(argv, rng.uniform(0.25, span * 1.1), signum)
        _check_exit(code, err, signum)
        assert not set(left_by_kill) & set(_temporaries(tmp_path)), "a stale temp survived"
        left_by_kill = _temporaries(tmp_path)
        if signum != signal.SIGKILL:
            assert left_by_kill == [], (signum, left_by_kill)
        assert target.read_bytes() == whole  # old and new maps are the same whole file
        assert target.read_bytes().endswith(PNG_END)
    _timed_run(argv)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def _other_geodata(tmp_path: Path) -> Path:
    folder = tmp_path / "geodata-b"
    shutil.copytree(GEODATA_DIR, folder)
    projects = folder / "projects.csv"
    text = projects.read_text(encoding="utf-8")
    name = text.splitlines()[1].split(",")[1]
    projects.write_text(text.replace(name, name + "（二期）", 1), encoding="utf-8")
    return folder


def test_killed_builds_leave_wholly_old_or_wholly_new_layers(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    outdir = work / "layers"
    shutil.copytree(LAYERS_DIR, outdir)
    sources = {verify(LAYERS_DIR): GEODATA_DIR}
    other = _other_geodata(tmp_path)
    span = _timed_run(["build", "--geodata", str(other), "--outdir", str(tmp_path / "b")])
    sources[verify(tmp_path / "b")] = other
    assert len(sources) == 2
    current = verify(outdir)
    rng = random.Random(7)
    left_by_kill: list[str] = []
    for i in range(KILLS):
        signum = SIGNALS[i % len(SIGNALS)]
        target = next(b for b in sources if b != current)  # build the other one
        argv = ["build", "--geodata", str(sources[target]), "--outdir", str(outdir)]
        code, err = _kill_at(argv, rng.uniform(0.25, span * 1.1), signum)
        _check_exit(code, err, signum)
        now = verify(outdir)  # raises unless every file belongs to one build
        assert now in (current, target)
        if code == 0:
            assert now == target
        assert read_layers(outdir).build == now
        assert not set(left_by_kill) & set(_temporaries(work))
        left_by_kill = _temporaries(work)
        if signum != signal.SIGKILL:
            assert left_by_kill == [], (signum, left_by_kill)
        current = now
    _timed_run(["build", "--outdir", str(outdir)])
    assert sorted(p.name for p in work.iterdir()) == ["layers"]
