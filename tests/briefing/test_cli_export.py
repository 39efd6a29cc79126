"""``dzgeo export``: one command per map or per set; bad requests exit 2 and write nothing."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from dzgeo.briefing import sheets as staticmap
from dzgeo.briefing.fonts import find_cjk_font
from dzgeo.cli import main


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("dzgeo export: ")
    return err


def test_layout_to_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "布局图.pdf"
    assert main(["export", "layout", "-o", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    assert "德州市新旧动能转换空间布局" in reader.pages[0].extract_text()
    assert f"wrote {out}" in capsys.readouterr().out


def test_projects_with_filters_to_png(tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    code = main(
        [
            "export", "projects", "--industry", "新能源", "--place", "齐河县", "--place", "乐陵",
            "--paper", "A3", "--orientation", "portrait", "--dpi", "72", "-o", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    width, height = staticmap.paper_pixels("A3", "portrait", 72)
    with Image.open(out) as image:
        assert image.size[0] == width and image.size[1] % height == 0


def test_format_option_overrides_a_missing_suffix(tmp_path: Path) -> None:
    out = tmp_path / "map"
    args = ["export", "projects", "--industry", "纺织服装", "--format", "svg", "-o", str(out)]
    assert main(args) == 0
    assert ET.fromstring(out.read_bytes()).tag.endswith("svg")


def test_each_industry_writes_the_13_map_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outdir = tmp_path / "briefings"
    code = main(
        ["export", "--each", "industry", "--outdir", str(outdir), "--format", "png",
         "--dpi", "72", "--no-progress"]
    )  # fmt: skip
    assert code == 0
    names = sorted(p.name for p in outdir.iterdir())
    assert len(names) == 13
    assert names[0] == "00-布局.png" and names[-1] == "12-现代金融.png"
    assert capsys.readouterr().out.count("wrote ") == 13


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["projects", "--industry", "新能原"], "新能原"),
        (["projects", "--place", "火星县"], "火星县"),
        (["projects", "--group", "未来"], "未来"),
        (["projects", "--format", "tiff"], "tiff"),
        (["overview"], "overview"),
        (["layout", "--paper", "B5"], "B5"),
        (["layout", "--orientation", "sideways"], "sideways"),
        (["layout", "--dpi", "5000"], "dpi"),
    ],
)
def test_bad_requests_exit_2_with_one_line_and_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], match: str
) -> None:
    out = tmp_path / "map.png"
    assert main(["export", *args, "-o", str(out)]) == 2
    assert match in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["map.jpg", "no-folder/map.png", "a-file/map.png"])
def test_bad_output_paths_exit_2_and_name_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / name
    assert main(["export", "layout", "-o", str(out)]) == 2
    assert str(out) in _one_line_error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize(
    "args",
    [
        ["layout"],  # no -o
        ["-o", "x.png"],  # no kind
        ["--each", "industry"],  # no --outdir
        ["--each", "county", "--outdir", "out"],  # unknown grouping
        ["--each", "status", "--outdir", "out"],  # the plan's projects have no 状态
        ["layout", "--each", "industry", "--outdir", "out"],
    ],
)
def test_incomplete_commands_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", *args]) == 2
    _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_no_cjk_font_exits_2_with_the_install_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staticmap, "find_cjk_font", lambda: find_cjk_font([]))
    out = tmp_path / "map.pdf"
    assert main(["export", "layout", "-o", str(out)]) == 2
    assert "apt-get install fonts-noto-cjk" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "industries"),
    [(["projects", "--industry", "新能源"], ("新能源",)), (["layout"], None)],
)
def test_one_sheet_to_pptx_is_a_deck_of_that_sheet(
    tmp_path: Path, args: list[str], industries: tuple[str, ...] | None
) -> None:
    from pptx import Presentation

    from dzgeo.data.published import read_layers
    from dzgeo.filters import ProjectFilter, apply_filter

    out = tmp_path / "x.pptx"
    assert main(["export", *args, "-o", str(out)]) == 0
    deck = Presentation(str(out))
    names, pictures = [], 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                table = shape.table
                assert table.cell(0, 1).text == "名称"
                names += [table.cell(r, 1).text for r in range(1, len(table.rows))]
            pictures += shape.shape_type == 13  # PICTURE
    assert pictures == 2  # the map and its legend
    if industries is None:  # the layout sheet: one slide, the map, no list
        assert len(deck.slides) == 1 and names == []
        return
    layers = read_layers()
    chosen = apply_filter(layers.projects, ProjectFilter(industries=industries), layers.vocab)
    assert sorted(names) == sorted(chosen["name"]) and len(names) > 0
    assert all(any(shape.has_table for shape in slide.shapes) for slide in deck.slides)
