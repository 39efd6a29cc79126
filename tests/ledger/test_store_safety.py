"""The store under stress, on both back ends, with real processes: two imports at the same
moment both land in order while a reader only ever sees whole versions; an import killed
inside its transaction leaves the store as it was; a full disk refuses the import."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dzgeo.ledger.current import plan_projects
from dzgeo.ledger.importer import import_file
from dzgeo.ledger.store import open_store
from dzgeo.settings import REPO_ROOT


def _cli(*args: str, preexec=None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dzgeo.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,
    )


def _plan_file(path: Path, header: str, value: str) -> Path:
    ids = plan_projects()["id"].tolist()
    path.write_text(f"编号,{header}\n" + "".join(f"{i},{value}\n" for i in ids), "utf-8")
    return path


def _new_projects_file(path: Path, rows: int) -> Path:
    lines = ["编号,项目名称,产业,地点,状态,总投资（亿元）"]
    lines += [f"BIG-{i:06d},项目{i},新能源,齐河县,在建,{i % 50}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _consistent(store_url: str) -> list[int]:
    """The store's versions; asserts the pointer and every version's rows are whole."""
    with open_store(store_url) as store:
        versions = store.versions()
        numbers = [v.number for v in versions]
        assert numbers == list(range(len(numbers)))
        assert store.current_version() == numbers[-1]
        for version in versions:
            _, rows = store.rows(version.number)
            assert len(rows) == version.rows
    return numbers


def test_two_concurrent_imports_both_land_in_order(store_url, tmp_path):
    status = _plan_file(tmp_path / "状态.csv", "状态", "在建")
    unit = _plan_file(tmp_path / "责任单位.csv", "责任单位", "市发改委")
    open_store(store_url).close()
    first = _cli("import", str(status), "--store", store_url)
    second = _cli("import", str(unit), "--store", store_url)
    seen = set()
    with open_store(store_url) as reader:
        while first.poll() is None or second.poll() is None:
            number, rows = reader.rows()
            seen.add(number)
            assert len(rows) == reader.version(number).rows  # a whole version, never half
            filled = int((rows["status"] == "在建").sum()) if len(rows) else 0
            assert filled in (0, 272)
            time.sleep(0.05)
    for proc in (first, second):
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert _consistent(store_url) == [0, 1, 2]
    with open_store(store_url) as store:
        names = {v.file_name for v in store.versions()[1:]}
        _, rows = store.rows()
    assert names == {status.name, unit.name}
    # the second import was merged on top of the first: both files' fields are there
    assert (rows["status"] == "在建").sum() == 272
    assert (rows["responsible"] == "市发改委").sum() == 272


def _writer_active(store_url: str) -> bool:
    if store_url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(store_url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            ).fetchone()
        return bool(row and row[0])
    probe = sqlite3.connect(store_url, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def test_import_killed_inside_its_transaction_leaves_the_store_whole(store_url, tmp_path):
    big = _new_projects_file(tmp_path / "大台账.csv", 20_000)
    small = _plan_file(tmp_path / "小.csv", "状态", "前期")
    open_store(store_url).close()
    proc = _cli("import", str(big), "--store", store_url)
    deadline = time.monotonic() + 240
    while proc.poll() is None and not _writer_active(store_url):
        assert time.monotonic() < deadline, "the import never took the writer lock"
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _consistent(store_url) == [0]  # killed inside the transaction: nothing landed
    with open_store(store_url) as store:
        version, _ = import_file(small, store)  # and the store still takes imports
    assert version.number == 1
    assert _consistent(store_url) == [0, 1]


def test_full_disk_refuses_the_import_and_keeps_the_store(tmp_path):
    db = tmp_path / "ledger.gpkg"
    with open_store(db) as store:
        import_file(_plan_file(tmp_path / "a.csv", "状态", "前期"), store)
    before = db.read_bytes()
    big = _new_projects_file(tmp_path / "big.csv", 20_000)
    limit = db.stat().st_size + 64 * 1024

    def small_disk() -> None:  # files this process writes cannot grow past `limit`
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = _cli("import", str(big), "--store", str(db), preexec=small_disk)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, (out, err)
    assert "台账未保存" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before
    assert _consistent(str(db)) == [0, 1]


@pytest.mark.parametrize("args", [["versions"], ["revert", "0"]])
def test_cli_versions_and_revert(store_url, tmp_path, run_cli, args):
    with open_store(store_url) as store:
        import_file(_plan_file(tmp_path / "a.csv", "状态", "在建"), store)
    done = run_cli(*args, "--store", store_url)
    assert done.returncode == 0, done.stderr
    if args == ["versions"]:
        assert "* 第 1 版" in done.stdout and "第 0 版" in done.stdout and "a.csv" in done.stdout
    else:
        assert "恢复为第 0 版" in done.stdout
        with open_store(store_url) as store:
            assert store.current_version() == 2
            assert len(store.rows()[1]) == 0


def test_cli_refuses_bad_input_with_exit_2(store_url, tmp_path, run_cli):
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,状态\nE1-001,开工\n", encoding="utf-8")
    done = run_cli("import", str(bad), "--store", store_url)
    assert done.returncode == 2
    assert "第 2 行 状态 列" in done.stdout and "未导入" in done.stderr
    assert run_cli("revert", "5", "--store", store_url).returncode == 2
    missing = run_cli("import", str(tmp_path / "none.csv"), "--store", store_url)
    assert missing.returncode == 2 and "找不到台账文件" in missing.stderr
    dry = tmp_path / "ok.csv"
    dry.write_text("编号,状态\nE1-001,在建\n", encoding="utf-8")
    done = run_cli("import", str(dry), "--dry-run", "--store", store_url)
    assert done.returncode == 0 and "更新 1" in done.stdout
    with open_store(store_url) as store:
        assert [v.number for v in store.versions()] == [0]
