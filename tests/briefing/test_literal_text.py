"""Text on briefing maps is drawn as typed: no mathtext, whatever a user writes.

A filter ``$\\frac{1}{2}$`` must print those characters (not "½"), ``$\\foo{$`` must not
crash the export, and a priority term with ``$\\foo$`` that `dzgeo build` publishes must
not break the layout map. The PDF's text is read back with pdftotext.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from dzgeo.cli import main
from dzgeo.settings import GEODATA_DIR

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler's pdftotext (setup.sh --dev)"
)


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("query", [r"$\frac{1}{2}$", r"$\foo{$", r"a_b^c $x$ \n"])
def test_filter_text_is_drawn_literally(tmp_path: Path, capsys, query: str) -> None:
    out = tmp_path / "m.pdf"
    assert main(["export", "projects", "--q", query, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    text = _text(out)
    assert query.strip() in text
    assert "½" not in text


def test_a_tex_like_priority_term_builds_and_exports(tmp_path: Path, capsys) -> None:
    geodata = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, geodata)
    path = geodata / "priorities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows[0]["term"] = rows[0]["term"] + r"$\foo$"
    rows[0]["mapping_note"] = "专栏 2 新材料（测试：名称含 TeX 记号）"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    layers = tmp_path / "layers"
    assert main(["build", "--geodata", str(geodata), "--outdir", str(layers)]) == 0
    out = tmp_path / "layout.pdf"
    assert main(["export", "layout", "--layers", str(layers), "-o", str(out)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert r"$\foo$" in _text(out)
