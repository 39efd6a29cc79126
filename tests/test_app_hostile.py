"""The app under hostile URLs and damaged layers: literal text, few notices, no traceback.

A notice is literal when every ASCII punctuation character of the Markdown source that
Streamlit renders is backslash-escaped (CommonMark then shows it as typed: no bold, no
link, no image, no HTML).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dzgeo.settings import LAYERS_DIR

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PHISH = (
    "**系统升级通知**：请前往 [新版地图](https://evil.example/phish) "
    "![x](https://evil.example/track.png) <img src=x onerror=alert(1)> :red[警告] $x^2$"
)


def _run(query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _literal(markdown: str) -> bool:
    """Whether every ASCII punctuation character in ``markdown`` is escaped."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return re.search(r"[!-/:-@\[-`{-~]", bare) is None


def _shown(markdown: str) -> str:
    """The text a reader sees for escaped Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_url_values_are_shown_as_typed_text() -> None:
    for key in ("place", "industry", "view", "group", "subfield", "basemap", "nonsense"):
        at = _run({key: PHISH})
        assert not at.exception
        notices = [w.value for w in at.warning if "网址参数" in w.value]
        assert notices, key
        for value in notices:
            assert _literal(value), value
            assert "evil.example" in _shown(value) or "未知参数" in value


def test_twenty_thousand_values_make_a_few_notices() -> None:
    at = _run({"place": ",".join(f"地{i}" for i in range(20_000))})
    assert not at.exception
    notices = [w.value for w in at.warning if "网址参数" in w.value]
    assert len(notices) == 6
    assert "另有 19,995 条" in _shown(notices[-1])
    assert sum(len(v) for v in notices) < 20_000


def test_repeated_values_are_one_notice() -> None:
    at = _run({"industry": ["不存在"] * 5000})
    notices = [w.value for w in at.warning if "网址参数" in w.value]
    assert len(notices) == 1


def test_a_dropped_query_string_gets_one_notice() -> None:
    """Over Streamlit's limits (1,000 parameters, 512 KiB) the query string is dropped."""
    _run()  # the app installs its marker on its first run
    from streamlit.runtime import app_session

    assert app_session.sanitize_query_string("a=1&" * 1001) == "_dz_dropped=4004"
    assert app_session.sanitize_query_string("a=1") == "a=1"
    for values in ([f"地点{i}" for i in range(20_000)], ["德城区"] * 1500):
        at = _run({"place": values})
        assert not at.exception
        notices = [w.value for w in at.warning if "网址参数" in w.value]
        assert len(notices) == 1, notices
        assert "过多或过长" in notices[0] and "未知参数" not in notices[0]


def test_damaged_layers_give_a_chinese_error_naming_file_and_fix(monkeypatch, tmp_path) -> None:
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, layers)
    (layers / "industries.csv").write_bytes(b"\xff\xfe garbage \x00\x01")
    monkeypatch.setenv("DZGEO_LAYERS_DIR", str(layers))
    at = _run()
    assert not at.exception
    assert at.error, "no error shown"
    text = at.error[0].value
    assert "industries" in text and "dzgeo build" in text and "另一次构建" in text
    assert "Traceback" not in text and "UnicodeDecodeError" not in text


def test_a_bug_shows_no_traceback(monkeypatch) -> None:
    """The project's Streamlit config redacts a bug's details (Streamlit logs them)."""
    monkeypatch.chdir(Path(APP).parent)
    at = AppTest.from_string("raise ValueError('secret detail')").run()
    assert at.exception, "a bug must still fail AppTest-based tests"
    shown = " ".join(e.message + " ".join(e.stack_trace) for e in at.exception)
    assert "secret detail" not in shown and "Traceback" not in shown
