"""Tables of the filtered projects (dzgeo.tables), on the published layers."""

from __future__ import annotations

import geopandas as gpd
import pytest

from dzgeo import tables
from dzgeo.counting import county_counts
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, apply_filter
from dzgeo.vocabulary import split_multi


@pytest.fixture(scope="module")
def some(layers: Layers) -> gpd.GeoDataFrame:
    return apply_filter(layers.projects, ProjectFilter(industries=("新材料",)), layers.vocab)


@pytest.fixture(scope="module")
def none(layers: Layers) -> gpd.GeoDataFrame:
    return apply_filter(layers.projects, ProjectFilter(text="没有这个项目"), layers.vocab)


def test_project_table_has_chinese_headers_and_one_row_per_project(some):
    table = tables.project_table(some)
    assert list(table.columns) == list(tables.DISPLAY_COLUMNS.values())
    assert len(table) == len(some)
    assert set(table["地点依据"]) <= set(tables.PLACE_SOURCE_LABELS.values())
    assert not table["地点"].str.contains("|", regex=False).any()


def test_counts_cover_all_twelve_industries(layers, some):
    counts = tables.industry_counts(some, layers.vocab)
    assert list(counts) == list(layers.vocab.industries)
    assert counts["新材料"] == len(some) and sum(counts.values()) == len(some)
    every = tables.industry_counts(layers.projects, layers.vocab)
    assert every == dict(zip(layers.industries["name"], layers.industries["projects"], strict=True))
    table = tables.counts_table(some, layers.vocab)
    assert table.iloc[-1]["产业"] == "合计" and table.iloc[-1]["项目数"] == len(some)


def test_county_counts_match_the_published_totals(layers):
    counts = county_counts(layers.projects, layers.counties_web["adcode"])
    published = dict(
        zip(layers.counties_web["adcode"], layers.counties_web["projects_total"], strict=True)
    )
    assert {a: c[""] for a, c in counts.items()} == {str(a): int(n) for a, n in published.items()}
    for slug, name in zip(layers.industries["slug"], layers.industries["name"], strict=True):
        column = layers.counties_web[f"projects_{slug}"]
        for adcode, n in zip(layers.counties_web["adcode"], column, strict=True):
            assert counts[str(adcode)].get(name, 0) == int(n), (adcode, name)


def test_county_counts_of_nothing_are_zero(layers, none):
    counts = county_counts(none, layers.counties_web["adcode"])
    assert len(counts) == 11 and all(c == {"": 0} for c in counts.values())


def test_empty_table_and_message(none):
    assert tables.project_table(none).empty
    assert tables.EMPTY_MESSAGE == "没有符合条件的项目"


def test_indicator_panel_is_table_1(layers):
    panel = tables.indicator_panel(layers.indicators)
    assert len(panel) == len(layers.indicators)
    assert list(panel.columns) == [
        "序号",
        "类别",
        "指标",
        "单位",
        "2017 年基期",
        "2022 年目标",
        "变化",
    ]
    first = panel.iloc[0]
    assert first["2017 年基期"] == str(layers.indicators.iloc[0]["baseline_2017"])
    # a percentage changes by 百分点 (18.3% -> 26%), a count by a ratio (338 -> 680 家)
    assert first["单位"] == "%" and first["变化"] == "+7.7 个百分点"
    by_no = panel.set_index("序号")
    assert by_no.loc["9", "变化"] == "2.01 倍"
    assert by_no.loc["21", "变化"] == "-21.7 个百分点"
    assert by_no.loc["15", "变化"] == ""  # 稳定增长: no number to compare
    # indicator 13's three rows differ where a narrow column still shows it: at the start
    thirteen = panel[panel["序号"] == "13"]
    assert [t[:5] for t in thirteen["指标"]] == ["〔国家级〕", "〔省级〕企", "〔市级〕企"]
    assert set(thirteen["单位"]) == {"个"}


def test_change_text_edge_cases():
    assert tables.change_text(5, 5, "%") == "持平"
    assert tables.change_text(0, 3, "家") == ""
    assert tables.change_text("x", 3, "%") == ""
    assert tables.change_text(2, float("nan"), "%") == ""


def test_industry_panel_lists_targets_projects_and_core_areas(layers, some):
    panel = tables.industry_panel(layers.industries, some, layers.vocab)
    assert len(panel) == 12
    assert panel["重点项目"].sum() == len(layers.projects)
    assert panel[tables.PASSING].sum() == len(some)
    row = panel.set_index("产业").loc["高端装备产业"]
    assert "600" in row["2022 年目标"]
    assert "宁津县" in row["核心区"].split("、")
    core = split_multi(layers.industries.set_index("name").loc["高端装备", "core_areas"])
    assert row["核心区"] == "、".join(core)


def test_the_apps_industry_panel_is_the_same_for_every_filter(layers, some):
    """Without the passing column the panel of all projects is what every filter shows
    (so a filter change sends it by reference only)."""
    plan = tables.industry_panel(
        layers.industries, layers.projects, layers.vocab, passing_column=False
    )
    full = tables.industry_panel(layers.industries, some, layers.vocab)
    assert tables.PASSING not in plan.columns
    assert list(plan.columns) == [c for c in full.columns if c != tables.PASSING]
    assert plan["重点项目"].tolist() == full["重点项目"].tolist()


def test_display_table_is_the_frame_without_pandas_metadata(layers, some):
    from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes as arrow_bytes
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes as pandas_bytes

    names = dict(zip(layers.counties["adcode"], layers.counties["name"], strict=True))
    rows = tables.project_table(some, names)
    shown = tables.display_table(rows)
    assert shown.schema.metadata is None
    assert shown.column_names == list(rows.columns) and shown.num_rows == len(rows)
    back = shown.to_pandas()
    for column in rows.columns:  # the same text and numbers on screen
        assert back[column].astype(str).tolist() == rows[column].astype(str).tolist()
    assert len(arrow_bytes(shown)) < len(pandas_bytes(rows)) - 1500
