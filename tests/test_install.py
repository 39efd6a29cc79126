"""A fresh machine: a clone with nothing beside it, and `pip install .` (not editable).

The clone is a copy of the repository's tracked files in tmp_path (no ../shared beside
it). Its plan-consistency tests skip and say how to run them; with DZGEO_PLAN_TEXT
naming a missing file they fail. Installed into a new venv (system site-packages for
the heavy dependencies), the package alone — run from another folder — validates,
builds, exports, and serves the app with its static files.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PLAN_TESTS = ["tests/data/test_catalog.py", "tests/data/test_plan_projects.py"]


def _tracked_copy(dest: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        name = raw.decode()
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tracked_copy(tmp_path_factory.mktemp("fresh") / "dzgeo")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DZGEO_PLAN_TEXT"}
    return env | extra


def test_a_clone_skips_the_plan_tests_and_says_how_to_run_them(clone: Path) -> None:
    assert not (clone.parent / "shared").exists()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *PLAN_TESTS],
        cwd=clone,
        env=_env(PYTHONPATH=str(clone)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "skipped" in done.stdout and "failed" not in done.stdout
    assert "DZGEO_PLAN_TEXT=/path/to/dezhou-plan-2018-2022.txt" in done.stdout


def test_ci_fails_instead_of_skipping(clone: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", PLAN_TESTS[0]],
        cwd=clone,
        env=_env(PYTHONPATH=str(clone), DZGEO_PLAN_TEXT=str(clone / "missing.txt")),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1
    assert "is set but no such file" in done.stdout


@pytest.fixture(scope="module")
def venv(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(where)],
                   check=True, timeout=300)  # fmt: skip
    done = subprocess.run(
        [str(where / "bin" / "pip"), "install", "-q", "--no-deps", str(clone)],
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return where


def _installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in _env().items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_installed_package_is_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    done = _installed(
        venv, "python", "-c", "import dzgeo.settings as s; print(s.APP_ROOT)", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    root = Path(done.stdout.strip())
    assert root.is_relative_to(venv) and root.name == "_app"
    for name in ("app.py", "static", "geodata", "layers", ".streamlit"):
        assert (root / name).exists(), name


def test_installed_cli_validates_builds_and_exports(
    venv: Path, clone: Path, tmp_path: Path
) -> None:
    shutil.copy2(clone / "geodata" / "projects.csv", tmp_path / "mine.csv")
    done = _installed(venv, "dzgeo", "validate", "mine.csv", cwd=tmp_path)
    assert done.returncode == 0 and "全部通过检查" in done.stdout, done.stderr
    done = _installed(venv, "dzgeo", "build", "--outdir", "layers", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in (tmp_path / "layers").iterdir():
        assert path.read_bytes() == (clone / "layers" / path.name).read_bytes(), path.name
    done = _installed(venv, "dzgeo", "export", "layout", "--dpi", "72", "-o", "m.png",
                      cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_installed_app_runs_and_serves_its_static_files(venv: Path, tmp_path: Path) -> None:
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "import dzgeo.settings as s\n"
        "at = AppTest.from_file(str(s.APP_SCRIPT), default_timeout=120).run()\n"
        "assert not at.exception, at.exception\n"
        "assert not at.error, [e.value for e in at.error]\n"
        "print(at.title[0].value)\n"
    )
    done = _installed(venv, "python", "-c", script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "德州" in done.stdout

    port = _free_port()
    env = {k: v for k, v in _env().items() if k != "PYTHONPATH"}
    server = subprocess.Popen(
        [str(venv / "bin" / "dzgeo"), "app", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "app did not start"
            time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/app/static/dzgeo/dzmap.js", timeout=10) as reply:
            assert reply.status == 200 and len(reply.read()) > 100
    finally:
        server.terminate()
        server.wait(timeout=30)
    # `dzgeo app` is the server: stopping it left no Streamlit behind holding the port
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "a streamlit server outlived dzgeo app"
