"""The line above the map (dzgeo.web.summary): segments of text, bold or not."""

from __future__ import annotations

from dzgeo.filters import ProjectFilter, apply_filter
from dzgeo.web.summary import count_line, plain_text, summary_line


def test_the_line_counts_the_filter_and_keeps_typed_text_as_one_segment(layers):
    typed = "<b>x</b> **粗** [链](javascript:alert(1))"
    flt = ProjectFilter(industries=("新能源",), text=typed)
    shown = apply_filter(layers.projects, flt, layers.vocab)
    line = summary_line(shown, layers.projects, layers.vocab, flt, 0)
    what, bold = line[0]
    assert bold and typed in what  # as typed: dzview.js sets it as text
    assert (str(len(shown)), True) in line and ("\n", False) in line
    text = plain_text(line)
    assert (
        f"符合条件的重点项目 {len(shown)} 个（全部 {len(layers.projects)} 个，台账第 0 版）" in text
    )
    assert "台账尚未填写状态与投资" in text


def test_count_line_groups_industries_and_leaves_out_zeros(layers):
    groups = layers.vocab.industries
    assert count_line({"新能源": 3, "文化旅游": 0, "纺织服装": 2}, groups) == (
        "新兴：新能源 3　传统：纺织服装 2"
    )
    assert count_line({}, groups) == "各产业均无"
