"""A layers folder is one build: published whole, refused when mixed or damaged.

Hostile folders (a file from another build, a truncated table, random bytes in
geodata/) are made here in tmp_path; each case checks the exit code or the error, the
message (file and the fix `dzgeo build`) and that the previous layers are untouched.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dzgeo.cli import main
from dzgeo.data.layerset import MANIFEST_NAME, LayersMismatchError, verify
from dzgeo.data.published import read_layers
from dzgeo.errors import DataValidationError
from dzgeo.settings import GEODATA_DIR, LAYERS_DIR

REPO = Path(__file__).resolve().parents[2]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture()
def layers_copy(tmp_path: Path) -> Path:
    out = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, out)
    return out


@pytest.fixture()
def other_geodata(tmp_path: Path) -> Path:
    """geodata/ with one project renamed: its build differs from the committed one."""
    folder = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, folder)
    projects = folder / "projects.csv"
    text = projects.read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[1]
    projects.write_text(text.replace(first, first + "（二期）", 1), encoding="utf-8")
    return folder


def test_committed_layers_are_one_build() -> None:
    build = verify(LAYERS_DIR)
    assert len(build) == 16
    assert read_layers(LAYERS_DIR).build == build


def test_a_file_from_another_build_is_refused(
    layers_copy: Path, other_geodata: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    assert main(["build", "--geodata", str(other_geodata), "--outdir", str(other)]) == 0
    assert verify(other) != verify(layers_copy)
    shutil.copy2(other / "projects.geojson", layers_copy / "projects.geojson")
    with pytest.raises(LayersMismatchError, match=r"projects\.geojson.*另一次构建.*dzgeo build"):
        read_layers(layers_copy)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        ("truncate:industries.csv", r"industries\.csv.*另一次构建"),
        ("delete:zones.geojson", r"缺少图层文件 zones\.geojson"),
        ("delete:" + MANIFEST_NAME, r"缺少构建清单"),
        ("garble:" + MANIFEST_NAME, r"构建清单 MANIFEST\.sha256 已损坏"),
        ("random:counties.geojson", r"counties\.geojson.*已损坏"),
    ],
)
def test_damaged_layers_name_the_file_and_the_fix(layers_copy: Path, damage, match) -> None:
    how, name = damage.split(":")
    path = layers_copy / name
    if how == "truncate":
        path.write_bytes(path.read_bytes()[:100])
    elif how == "delete":
        path.unlink()
    elif how == "garble":  # one listed hash changed: the build id no longer matches
        lines = path.read_text().splitlines()
        lines[1] = ("1" if lines[1][0] == "0" else "0") + lines[1][1:]
        path.write_text("\n".join(lines) + "\n")
    else:
        path.write_bytes(os.urandom(4096))
    with pytest.raises(DataValidationError, match=match) as info:
        read_layers(layers_copy)
    assert "dzgeo build" in str(info.value)
    assert "Traceback" not in str(info.value)


def test_a_missing_layers_folder_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="dzgeo build"):
        read_layers(tmp_path / "nowhere")


def test_rebuild_keeps_other_files_and_is_byte_identical(layers_copy: Path) -> None:
    (layers_copy / "NOTES.txt").write_text("planner's notes", encoding="utf-8")
    before = _snapshot(layers_copy)
    assert main(["build", "--outdir", str(layers_copy)]) == 0
    assert _snapshot(layers_copy) == before
    assert [p.name for p in layers_copy.parent.iterdir()] == ["layers"]  # no staging left


def test_random_bytes_in_places_csv_is_one_message(
    other_geodata: Path, layers_copy: Path, capsys
) -> None:
    (other_geodata / "places.csv").write_bytes(os.urandom(2000))
    before = _snapshot(layers_copy)
    assert main(["build", "--geodata", str(other_geodata), "--outdir", str(layers_copy)]) == 2
    err = capsys.readouterr().err
    assert "places.csv" in err and "git checkout -- geodata/places.csv" in err
    assert "Traceback" not in err
    assert _snapshot(layers_copy) == before


def test_build_into_an_unwritable_parent_is_one_line(
    layers_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # Tests may run as root, whom a read-only folder does not stop: the fault is injected.
    before = _snapshot(layers_copy)
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args, **kwargs) -> None:
        if ".dzgeo-" in self.name:
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert main(["build", "--outdir", str(layers_copy)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "无法在" in err and "Permission denied" in err
    assert _snapshot(layers_copy) == before


def test_full_disk_during_build_leaves_the_old_layers(layers_copy: Path, other_geodata) -> None:
    """A real fault: the build may write only 100 kB per file (RLIMIT_FSIZE)."""
    before = _snapshot(layers_copy)
    argv = ["build", "--geodata", str(other_geodata), "--outdir", str(layers_copy)]
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (100000, 100000))\n"
        "from dzgeo.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "原有图层未改动" in proc.stderr or "File too large" in proc.stderr
    assert _snapshot(layers_copy) == before
    assert sorted(p.name for p in layers_copy.parent.iterdir()) == ["geodata", "layers"]


def test_build_into_a_new_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "layers"
    assert main(["build", "--outdir", str(out)]) == 0
    names = [p.name for p in out.iterdir() if p.name != "FIELDS.md"]
    _, mismatch, errors = filecmp.cmpfiles(out, LAYERS_DIR, names, shallow=False)
    assert mismatch == [] and errors == []
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # not the staging folder's mode
