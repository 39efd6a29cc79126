"""The deck's slides as a viewer sees them: open the real PPTX and measure its shapes."""

from __future__ import annotations

import io

import pytest
from _synthetic import synthetic_projects
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dzgeo.briefing.deck import BOTTOM, SLIDE_H, SLIDE_W, TOP
from dzgeo.briefing.sheets import render
from dzgeo.data.published import Layers, read_layers
from dzgeo.filters import ProjectFilter, apply_filter


@pytest.fixture(scope="module")
def layers() -> Layers:
    return read_layers()


def _boxes(slide) -> list[tuple[str, int, int, int, int]]:
    return [
        (shape.name, shape.left, shape.top, shape.left + shape.width, shape.top + shape.height)
        for shape in slide.shapes
    ]


def _overlaps(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


def _check_slide(slide) -> None:
    boxes = _boxes(slide)
    for name, x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= SLIDE_W and 0 <= y0 < y1 <= SLIDE_H, name
    pairs = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlaps(a, b)]
    assert pairs == []
    for shape in slide.shapes:
        if shape.has_table:
            rows = shape.table.rows
            assert sum(row.height for row in rows) == shape.height
            assert shape.top >= TOP and shape.top + shape.height <= SLIDE_H - BOTTOM


def _deck(data: bytes):
    deck = Presentation(io.BytesIO(data))
    assert deck.slide_width == SLIDE_W and deck.slide_height == SLIDE_H
    return list(deck.slides)


def _pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _table_names(slides) -> list[str]:
    names = []
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_table:
                table = shape.table
                assert table.cell(0, 1).text == "名称"
                names += [table.cell(r, 1).text for r in range(1, len(table.rows))]
    return names


@pytest.mark.parametrize(
    ("kind", "flt"),
    [
        ("projects", ProjectFilter(industries=("高端装备",))),
        ("projects", ProjectFilter(places=("齐河县",))),
        ("layout", ProjectFilter()),
    ],
)
def test_a_sheets_slides_use_the_slide_and_keep_shapes_apart(
    layers: Layers, kind: str, flt: ProjectFilter
) -> None:
    slides = _deck(render(layers, kind=kind, flt=flt, fmt="pptx"))
    for slide in slides:
        _check_slide(slide)
    first = _pictures(slides[0])
    assert len(first) == 2  # the map and its legend
    map_picture = max(first, key=lambda s: s.width * s.height)
    # The map is as tall as the slide's content band and takes a quarter of the slide.
    band = SLIDE_H - TOP - BOTTOM
    assert map_picture.height >= 0.95 * band or map_picture.width > 0.4 * SLIDE_W
    assert map_picture.width * map_picture.height >= 0.25 * SLIDE_W * SLIDE_H
    if kind == "projects":
        chosen = apply_filter(layers.projects, flt, layers.vocab)
        assert sorted(_table_names(slides)) == sorted(chosen["name"])
        table = next(s for s in slides[0].shapes if s.has_table)
        assert table.left >= max(p.left + p.width for p in first)  # beside the pictures
        assert table.width >= 0.33 * SLIDE_W
    else:
        assert len(slides) == 1 and _table_names(slides) == []


def test_a_long_list_continues_on_full_width_slides_and_drops_nothing(layers: Layers) -> None:
    projects = synthetic_projects(layers, 120)
    slides = _deck(render(layers, kind="projects", projects=projects, fmt="pptx"))
    assert len(slides) >= 3
    for slide in slides:
        _check_slide(slide)
    for slide in slides[1:]:
        assert _pictures(slide) == []
        table = next(s for s in slide.shapes if s.has_table)
        assert table.width >= 0.9 * SLIDE_W
    assert sorted(_table_names(slides)) == sorted(projects["name"])
