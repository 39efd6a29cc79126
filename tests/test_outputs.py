"""Outputs: never over a device, pipe, folder or read-only file; whole or not at all.

The hostile targets are made here in tmp_path (a FIFO, a device node when root may
make one, a read-only file); each case checks the exit code, the one-line message and
that the target is exactly as it was.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dzgeo import outputs
from dzgeo.cli import main

REPO = Path(__file__).resolve().parents[1]
EXPORT = ["export", "layout", "--dpi", "72", "--no-progress", "-o"]


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_export_refuses_a_fifo(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "map.png"
    os.mkfifo(fifo)
    assert main([*EXPORT, str(fifo)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "不是普通文件" in line and str(fifo) in line
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_export_refuses_a_device_even_as_root(tmp_path: Path, capsys) -> None:
    device = tmp_path / "full.png"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # the same node as /dev/full
    assert main([*EXPORT, str(device)]) == 2
    assert "不是普通文件" in _one_line(capsys.readouterr().err)
    assert stat.S_ISCHR(device.stat().st_mode)
    assert device.stat().st_rdev == os.makedev(1, 7)


def test_export_refuses_a_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "map.png"
    folder.mkdir()
    assert main([*EXPORT, str(folder)]) == 2
    assert "是一个文件夹" in _one_line(capsys.readouterr().err)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_export_refuses_a_read_only_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "map.png"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    assert main([*EXPORT, str(target)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "只读" in line and "换一个文件名" in line
    assert target.read_bytes() == b"keep me"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def test_export_set_refuses_a_file_as_outdir(tmp_path: Path, capsys) -> None:
    plain = tmp_path / "out"
    plain.write_text("x")
    code = main(["export", "--each", "industry", "--outdir", str(plain), "--no-progress"])
    assert code == 2
    assert str(plain) in _one_line(capsys.readouterr().err)
    assert plain.read_text() == "x"


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    outputs.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_symlink_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    outputs.write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


def test_temporaries_of_killed_runs_are_removed_by_the_next(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale_file = tmp_path / f".map.png.dzgeo-{dead}.part"
    stale_file.write_bytes(b"half a png")
    stale_dir = tmp_path / f".layers.dzgeo-{dead}-00ff00ff.part"
    stale_dir.mkdir()
    (stale_dir / "projects.geojson").write_text("{")
    live = tmp_path / f".other.png.dzgeo-{os.getppid()}.part"  # a process that is running
    live.write_bytes(b"in progress")
    mine = tmp_path / "notes.part"
    mine.write_bytes(b"not ours")
    outputs.write_atomic(tmp_path / "map.png", b"png")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["map.png", live.name, "notes.part"]
    )


def test_disk_full_during_export_is_one_line(tmp_path: Path) -> None:
    """A real fault: the export's process may write only 20 kB (RLIMIT_FSIZE)."""
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
        "from dzgeo.cli import main\n"
        f"sys.exit(main({[*EXPORT, str(tmp_path / 'map.png')]!r}))\n"
    )
    old = tmp_path / "map.png"
    old.write_bytes(b"previous map")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert "无法写入" in line and "File too large" in line
    assert old.read_bytes() == b"previous map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]
