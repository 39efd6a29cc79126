"""A machine whose matplotlib font cache predates its CJK font still exports maps.

matplotlib builds its font list once and keeps it (``fontlist-*.json`` in MPLCONFIGDIR);
a font installed afterwards is unknown to it although ``fc-list :lang=zh`` lists it.
The test builds a fresh cache in a temporary MPLCONFIGDIR, takes the CJK fonts out of
it — exactly the cache of a machine that ran matplotlib before the font was installed —
checks that matplotlib really does not know them, then exports a PDF map.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("fc-list") is None or shutil.which("pdffonts") is None,
    reason="needs fontconfig's fc-list and poppler's pdffonts (scripts/setup.sh --dev)",
)


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_export_with_a_font_cache_older_than_the_font(tmp_path: Path) -> None:
    cache = tmp_path / "mplconfig"
    env = {**os.environ, "MPLCONFIGDIR": str(cache), "PYTHONPATH": str(REPO)}
    env.pop("DZGEO_CJK_FONT", None)
    _run("import matplotlib.font_manager", env)
    (fontlist,) = cache.glob("fontlist-*.json")
    cjk_files = {
        line.split(":", 1)[0]
        for line in subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        if line.strip()
    }
    assert cjk_files, "no CJK font installed (scripts/setup.sh installs fonts-noto-cjk)"
    data = json.loads(fontlist.read_text(encoding="utf-8"))
    data["ttflist"] = [e for e in data["ttflist"] if e["fname"] not in cjk_files]
    fontlist.write_text(json.dumps(data), encoding="utf-8")

    knows = _run(
        "from matplotlib import font_manager as fm\n"
        f"print(any(e.fname in {sorted(cjk_files)!r} for e in fm.fontManager.ttflist))",
        env,
    )
    assert knows.strip() == "False", "the stale cache was rebuilt: the test proves nothing"

    out = tmp_path / "map.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "dzgeo.cli", "export", "layout", "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True)
    assert any(name in fonts.stdout for name in ("Noto", "WenQuanYi", "Source")), fonts.stdout
