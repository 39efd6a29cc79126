"""Sheets that name their projects: open the real PDF / PPTX and check what a reader relies on."""

from __future__ import annotations

import io
import re

import pytest
from _synthetic import synthetic_projects
from matplotlib.text import Text
from pptx import Presentation
from pypdf import PdfReader

from dzgeo.briefing.atlas import export_set, render_set, set_jobs
from dzgeo.briefing.legendkeys import drawn_keys, legend_keys
from dzgeo.briefing.page import agg_renderer
from dzgeo.briefing.sheets import MapFigure, build_figure, render
from dzgeo.data.published import Layers, read_layers
from dzgeo.errors import ExportError
from dzgeo.filters import ProjectFilter, apply_filter


@pytest.fixture(scope="module")
def layers() -> Layers:
    return read_layers()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), _squash("".join(p.extract_text() for p in reader.pages))


def _row_boxes(fig: MapFigure, page: int) -> list:
    renderer = agg_renderer(fig.pages[page])
    boxes = []
    for block in fig.blocks[page]:
        for _, texts in block.rows:
            boxes += [t.get_window_extent(renderer) for t in texts if t.get_text()]
    return boxes


def _no_overlaps(boxes: list) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]


@pytest.mark.parametrize("industry", list(read_layers().vocab.industries))
def test_every_project_of_an_industry_is_named_in_its_pdf(layers: Layers, industry: str) -> None:
    flt = ProjectFilter(industries=(industry,))
    chosen = apply_filter(layers.projects, flt, layers.vocab)
    _, text = _pdf_text(render(layers, kind="projects", flt=flt, fmt="pdf", dpi=72))
    missing = [name for name in chosen["name"] if _squash(name) not in text]
    assert not missing, missing


def test_a_300_project_list_continues_on_further_pages_and_drops_nothing(layers: Layers) -> None:
    projects = synthetic_projects(layers, 300)
    fig = build_figure(layers, kind="projects", projects=projects, dpi=72)
    assert len(fig.pages) >= 3
    listed = [n for page in fig.blocks for block in page for n, _ in block.rows]
    assert sorted(listed) == list(range(1, 301))
    for page in range(len(fig.pages)):
        assert _no_overlaps(_row_boxes(fig, page)) == [], page
    pages, text = _pdf_text(fig.save("pdf", dpi=72))
    assert pages == len(fig.pages)
    assert [name for name in projects["name"] if _squash(name) not in text] == []
    assert f"第{len(fig.pages)}/{len(fig.pages)}页" in text


def test_list_rows_stay_off_the_map_legend_and_each_other(layers: Layers) -> None:
    fig = build_figure(
        layers, kind="projects", flt=ProjectFilter(industries=("高端装备",)), dpi=100
    )
    renderer = agg_renderer(fig.figure)
    rows = _row_boxes(fig, 0)
    assert rows and _no_overlaps(rows) == []
    frame = fig.ax.get_window_extent(renderer)
    assert fig.legend_ax is not None
    legend = [t.get_window_extent(renderer) for t in fig.legend_ax.texts if t.get_text()]
    labels = [t.get_window_extent(renderer) for lab in fig.labels for t in lab.texts]
    for box in rows:
        assert not box.overlaps(frame)
        assert not any(box.overlaps(other) for other in (*legend, *labels))
        assert fig.figure.bbox.contains(box.x0, box.y0) and fig.figure.bbox.contains(box.x1, box.y1)


def test_markers_carry_the_list_numbers_and_city_level_projects_are_boxed(layers: Layers) -> None:
    fig = build_figure(layers, kind="projects", flt=ProjectFilter(industries=("高端装备",)), dpi=72)
    texts = " ".join(t.get_text() for lab in fig.labels for t in lab.texts)
    located = fig.numbered[fig.numbered["located"] != "city"]
    first = int(located["number"].min())
    assert re.search(rf"(^|\D){first}(\D|$)", texts)
    all_text = " ".join(t.get_text() for page in fig.pages for t in page.findobj(Text))
    assert "全市层面项目" in all_text
    assert list(fig.numbered["number"]) == list(range(1, len(fig.numbered) + 1))


@pytest.mark.parametrize("place", ["齐河县", "德州经济技术开发区", "中心城区"])
def test_a_place_sheet_shows_the_place_with_a_locator(layers: Layers, place: str) -> None:
    fig = build_figure(layers, kind="projects", flt=ProjectFilter(places=(place,)), dpi=72)
    from dzgeo.briefing.extent import MIN_SIDE_M, focus_geometry
    from dzgeo.briefing.geometry import projected_layers

    focus = focus_geometry(ProjectFilter(places=(place,)), layers, projected_layers(layers))
    assert focus is not None
    x0, y0, x1, y1 = focus.bounds
    margin = 0.35 * max(x1 - x0, y1 - y0, MIN_SIDE_M)
    ax0, ax1 = fig.ax.get_xlim()
    ay0, ay1 = fig.ax.get_ylim()
    assert x0 - margin <= ax0 <= x0 and x1 <= ax1 <= x1 + margin
    assert y0 - margin <= ay0 <= y0 and y1 <= ay1 <= y1 + margin
    assert fig.locator is not None
    # The scale bar is true on the zoomed map too (equal aspect, metres).
    width_pt = fig.ax.get_position().width * fig.figure.get_figwidth() * 72
    height_pt = fig.ax.get_position().height * fig.figure.get_figheight() * 72
    assert (ax1 - ax0) / width_pt == pytest.approx((ay1 - ay0) / height_pt, rel=1e-6)


def test_a_city_wide_sheet_shows_the_city(layers: Layers) -> None:
    fig = build_figure(layers, kind="projects", dpi=72)
    x0, y0, x1, y1 = layers.city.to_crs("EPSG:4548").total_bounds
    ax0, ax1 = fig.ax.get_xlim()
    ay0, ay1 = fig.ax.get_ylim()
    assert ax0 <= x0 and x1 <= ax1 and ay0 <= y0 and y1 <= ay1
    assert fig.locator is None


@pytest.mark.parametrize(
    ("kind", "flt"),
    [
        ("layout", ProjectFilter()),
        ("layout", ProjectFilter(places=("禹城市",))),
        ("projects", ProjectFilter(industries=("新能源",))),
        ("projects", ProjectFilter(places=("齐河县",))),
        ("projects", ProjectFilter()),
    ],
)
def test_legend_entries_are_exactly_the_symbols_drawn(
    layers: Layers, kind: str, flt: ProjectFilter
) -> None:
    fig = build_figure(layers, kind=kind, flt=flt, dpi=72)
    drawn = drawn_keys([fig.ax])
    assert drawn and fig.legend_ax is not None
    assert legend_keys(fig.legend_ax) == drawn
    if kind == "layout" and not flt.places:
        labels = " ".join(e.label for e in fig.legend_entries)
        assert "京台高速" in labels and "京沪高铁" in labels


def test_user_text_and_official_title_are_on_the_sheet(layers: Layers) -> None:
    from dzgeo.briefing.figure import SheetText

    text = SheetText(
        subtitle="市发改委专题会材料",
        unit="德州市发展和改革委员会",
        review_number="鲁SG(2026)001号",
    )
    data = render(layers, kind="layout", fmt="pdf", text=text)
    _, extracted = _pdf_text(data)
    for part in (*text.__dict__.values(),):
        if isinstance(part, str) and part:
            assert _squash(part) in extracted
    assert _squash("《德州市新旧动能转换重大工程实施规划（2018—2022年）》") in extracted
    assert "示意图，非标准地图" in extracted


def test_the_set_pdf_has_a_bookmark_per_sheet(layers: Layers, tmp_path) -> None:
    flt = ProjectFilter(groups=("传统",))
    written = export_set(layers, tmp_path, flt=flt, fmt="pdf", dpi=72, progress=False)
    jobs = set_jobs(layers, flt, "industry")
    combined = [p for p in written if p.name.startswith("简报图集")]
    assert len(combined) == 1 and len(written) == len(jobs) + 1
    reader = PdfReader(combined[0])
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [job.bookmark for job in jobs]
    pages = sum(len(PdfReader(p).pages) for p in written if p not in combined)
    assert len(reader.pages) == pages


def test_each_place_makes_one_sheet_per_county_and_zone(layers: Layers) -> None:
    jobs = set_jobs(layers, ProjectFilter(), "place")
    places = [job.flt.places[0] for job in jobs[1:]]
    assert set(layers.counties["name"]) <= set(places)
    assert "德州经济技术开发区" in places and "中心城区" not in places


def test_each_status_needs_statuses(layers: Layers) -> None:
    with pytest.raises(ExportError, match="状态"):
        set_jobs(layers, ProjectFilter(), "status")
    ledger = layers.projects.copy()
    ledger["status"] = ["在建" if i % 2 else "前期" for i in range(len(ledger))]
    jobs = set_jobs(layers, ProjectFilter(), "status", ledger)
    assert [job.bookmark for job in jobs] == ["布局", "前期", "在建"]


def test_the_deck_opens_and_its_tables_hold_the_sheets_projects(layers: Layers) -> None:
    flt = ProjectFilter(industries=("高端装备", "纺织服装"))
    deck = Presentation(io.BytesIO(render_set(layers, flt=flt, fmt="pptx", dpi=72)))
    assert deck.slide_width is not None and deck.slide_height is not None
    assert deck.slide_width * 9 == deck.slide_height * 16
    names, pictures = [], 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                table = shape.table
                assert table.cell(0, 1).text == "名称"
                names += [table.cell(r, 1).text for r in range(1, len(table.rows))]
            if shape.shape_type == 13:  # PICTURE
                pictures += 1
    chosen = apply_filter(layers.projects, flt, layers.vocab)
    assert sorted(names) == sorted(chosen["name"])
    assert pictures == 2 * len(set_jobs(layers, flt, "industry"))  # each map and its legend


def test_a_long_sheet_as_svg_stacks_its_pages(layers: Layers) -> None:
    import xml.etree.ElementTree as ET

    flt = ProjectFilter(industries=("文化旅游",))
    pages = len(build_figure(layers, kind="projects", flt=flt, dpi=72).pages)
    assert pages >= 2
    root = ET.fromstring(render(layers, kind="projects", flt=flt, fmt="svg"))
    nested = [child for child in root if child.tag.endswith("svg")]
    assert len(nested) == pages
    assert float(root.attrib["height"].rstrip("pt")) == pytest.approx(
        pages * float(nested[0].attrib["height"]), abs=0.1
    )


def test_list_only_pages_keep_rows_off_heading_footer_and_each_other(layers: Layers) -> None:
    projects = synthetic_projects(layers, 300)
    fig = build_figure(layers, kind="projects", projects=projects, dpi=72)
    for page in range(1, len(fig.pages)):
        renderer = agg_renderer(fig.pages[page])
        rows = _row_boxes(fig, page)
        assert len(rows) > 60, page  # a list-only page is full, in several columns
        assert len(fig.blocks[page]) >= 2 or page == len(fig.pages) - 1
        page_fig = fig.pages[page]
        furniture = [  # heading, footer, page number: placed in figure fractions
            t.get_window_extent(renderer)
            for t in page_fig.texts
            if t.get_text() and t.get_transform() is page_fig.transFigure
        ]
        assert len(furniture) >= 4
        headers = [
            t.get_window_extent(renderer) for block in fig.blocks[page] for t in block.headers
        ]
        assert _no_overlaps(rows + headers) == [], page
        page_box = fig.pages[page].bbox
        for box in rows:
            assert page_box.contains(box.x0, box.y0) and page_box.contains(box.x1, box.y1)
            assert not any(box.overlaps(other) for other in furniture)


def test_an_industry_sheets_short_columns_give_the_names_room(layers: Layers) -> None:
    fig = build_figure(
        layers, kind="projects", flt=ProjectFilter(industries=("高端装备",)), dpi=100
    )
    renderer = agg_renderer(fig.figure)
    block = fig.blocks[0][0]
    names = [texts[1].get_window_extent(renderer) for _, texts in block.rows if len(texts) > 1]
    industry = [
        t.get_window_extent(renderer) for _, texts in block.rows for t in texts
        if t.get_text() == "高端装备"
    ]  # fmt: skip
    assert names and industry
    # The 产业 column is as wide as its one word needs: the names start far left of it
    # and no name runs into it.
    assert max(n.x1 for n in names) < min(i.x0 for i in industry)
    assert min(i.x0 for i in industry) - min(n.x0 for n in names) > 0.5 * block.box[2] * 100


@pytest.mark.parametrize("zone", ["东部城区", "禹城国家高新技术产业开发区", "德州经济技术开发区"])
def test_a_zone_sheet_draws_its_zone_and_its_legend_names_it(layers: Layers, zone: str) -> None:
    flt = ProjectFilter(places=(zone,))
    fig = build_figure(layers, kind="projects", flt=flt, dpi=72)
    drawn = drawn_keys([fig.ax])
    assert fig.legend_ax is not None and legend_keys(fig.legend_ax) == drawn
    assert any(e.section == "双区与园区（示意）" for e in fig.legend_entries)
    chosen = apply_filter(layers.projects, flt, layers.vocab)
    texts = [t.get_text() for lab in fig.labels for t in lab.texts]
    if chosen.empty:  # no marker stands there: the zone is named on the map
        assert zone in texts
