"""CJK font discovery: the installed font is found, a missing one is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib import font_manager

from dzgeo.briefing import fonts
from dzgeo.briefing import sheets as staticmap
from dzgeo.briefing.fonts import PREFERRED_FAMILIES, PROBE_TEXT, find_cjk_font
from dzgeo.data.published import read_layers
from dzgeo.errors import DzgeoError, FontNotFoundError


def _installed(family: str) -> bool:
    return any(entry.name == family for entry in font_manager.fontManager.ttflist)


def test_finds_an_installed_cjk_font() -> None:
    font = find_cjk_font()
    assert font.family in PREFERRED_FAMILIES
    assert font.path.is_file()
    assert font.missing([PROBE_TEXT, "德州市新旧动能转换空间布局（2018–2022）·示意"]) == []
    assert font.pdf_fonttype in (3, 42)


def test_no_font_installed_says_how_to_install_one() -> None:
    with pytest.raises(FontNotFoundError, match=r"apt-get install fonts-noto-cjk") as err:
        find_cjk_font([])
    assert "~/.fonts" in str(err.value)
    assert "DZGEO_CJK_FONT" in str(err.value)


def test_latin_fonts_only_is_not_enough() -> None:
    latin = [e for e in font_manager.fontManager.ttflist if e.name.startswith("DejaVu")]
    assert latin, "matplotlib ships DejaVu fonts"
    with pytest.raises(FontNotFoundError, match="no CJK font found"):
        find_cjk_font(latin)


def test_a_family_without_chinese_glyphs_is_skipped() -> None:
    # DejaVu Sans renamed to a preferred family name must still be refused.
    dejavu = next(e for e in font_manager.fontManager.ttflist if e.name == "DejaVu Sans")
    fake = font_manager.FontEntry(
        fname=dejavu.fname, name="Noto Sans CJK SC", style="normal", weight=400
    )
    with pytest.raises(FontNotFoundError):
        find_cjk_font([fake])


def test_environment_variable_names_the_family(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.FONT_ENV, "No Such Font SC")
    with pytest.raises(FontNotFoundError, match="No Such Font SC"):
        find_cjk_font()


@pytest.mark.parametrize(
    ("family", "outline", "fonttype"),
    [("Noto Sans CJK SC", "cff", 3), ("WenQuanYi Zen Hei", "truetype", 42)],
)
def test_pdf_font_type_follows_the_outlines(family: str, outline: str, fonttype: int) -> None:
    if not _installed(family):
        pytest.skip(f"{family} not installed (scripts/setup.sh installs it)")
    font = find_cjk_font(preferred=[family])
    assert font.outline == outline
    assert font.pdf_fonttype == fonttype


def test_missing_glyphs_are_reported_not_drawn_as_boxes() -> None:
    font = find_cjk_font()
    assert font.missing(["德州 \U0001f600"]) == ["\U0001f600"]
    with pytest.raises(FontNotFoundError, match="缺少字符"):
        font.check(["\U0001f600"])


def test_bold_weight_falls_back_to_regular() -> None:
    font = fonts.CjkFont("X", Path("/x.ttf"), 0, "truetype", (500,))
    assert font.regular_weight == 500
    assert font.bold_weight == 500
    font = fonts.CjkFont("X", Path("/x.ttf"), 0, "cff", (400, 700))
    assert (font.regular_weight, font.bold_weight) == (400, 700)


def test_export_without_a_cjk_font_stops_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the finder at an empty font list instead of uninstalling fonts."""
    monkeypatch.setattr(staticmap, "find_cjk_font", lambda: find_cjk_font([]))
    layers = read_layers()
    out = tmp_path / "map.pdf"
    with pytest.raises(FontNotFoundError, match="fonts-noto-cjk"):
        staticmap.export(layers, out, kind="layout")
    assert list(tmp_path.iterdir()) == []
    # The error belongs to the dzgeo family the CLI turns into exit code 2.
    assert issubclass(FontNotFoundError, DzgeoError)
