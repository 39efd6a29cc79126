"""The Streamlit app (app.py) under AppTest: widgets <-> filter <-> URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from _support import line_markup, view_line
from streamlit.testing.v1 import AppTest

from dzgeo.filters import ProjectFilter, apply_filter, subfield_counts, subfield_option_label

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def run(query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def widget(at: AppTest, kind: str, key: str):
    return getattr(at, kind)(key=key)


def summary(at: AppTest) -> str:
    return line_markup(view_line(at))


def test_default_page(layers):
    at = run()
    assert not at.exception
    assert at.title[0].value == "德州市新旧动能转换规划地图"
    assert widget(at, "radio", "w_view").value == "布局"
    assert widget(at, "multiselect", "w_industries").value == []
    assert widget(at, "selectbox", "w_basemap").value == "none"
    assert f"**{len(layers.projects)}** 个" in summary(at)
    # version 0 (the plan) has no status or investment: said so, not "在建 0 个"
    assert "台账尚未填写状态与投资" in summary(at) and "在建 0 个" not in summary(at)
    assert not at.warning
    assert at.query_params == {}
    assert len(at.dataframe) >= 3  # projects, 表1, industries


def test_url_parameters_fill_the_widgets(layers):
    at = run({"industry": ["新能源", "新材料"], "place": "陵县", "view": "项目", "q": "项目"})
    assert not at.exception and not at.warning
    assert widget(at, "multiselect", "w_industries").value == ["新能源", "新材料"]
    assert widget(at, "multiselect", "w_places").value == ["陵城区"]  # alias made canonical
    assert widget(at, "radio", "w_view").value == "项目"
    assert widget(at, "text_input", "w_text").value == "项目"
    flt = ProjectFilter(industries=("新能源", "新材料"), places=("陵城区",), text="项目")
    n = len(apply_filter(layers.projects, flt, layers.vocab))
    assert f"**{n}** 个" in summary(at)
    assert at.query_params["place"] == "陵城区"


def test_widgets_write_the_url(layers):
    at = run()
    widget(at, "multiselect", "w_industries").set_value(["高端装备"])
    widget(at, "radio", "w_view").set_value("项目")
    at.run()
    assert not at.exception
    assert at.query_params == {"industry": "高端装备", "view": "项目"}
    n = int(layers.industries.set_index("name").loc["高端装备", "projects"])
    assert f"**{n}** 个" in summary(at)
    widget(at, "multiselect", "w_subfields").set_value(["环保设备"]).run()
    assert at.query_params["subfield"] == "环保设备"
    at.button[0].click().run()  # 清除筛选
    assert at.query_params == {"view": "项目"}
    assert widget(at, "multiselect", "w_industries").value == []


def test_subfield_options_follow_the_industries(layers):
    at = run({"industry": "高端装备"})
    sub = widget(at, "multiselect", "w_subfields")
    assert sub.options == shown_subfields(layers, "高端装备")
    assert "智能电梯（无重点项目）" in sub.options  # a sub-field no project lists says so
    sub.set_value(["数控机床"]).run()
    widget(at, "multiselect", "w_industries").set_value(["新能源"]).run()
    assert not at.exception
    # a sub-field of an industry no longer chosen is dropped, not an error
    assert widget(at, "multiselect", "w_subfields").value == []
    assert widget(at, "multiselect", "w_subfields").options == shown_subfields(layers, "新能源")
    assert "subfield" not in at.query_params


def shown_subfields(layers, industry: str) -> list[str]:
    """The sub-field options of ``industry`` as the widget labels them."""
    counts = subfield_counts(layers.projects, layers.vocab)
    return [subfield_option_label(s, counts) for s in layers.vocab.subfield_entries(industry)]


def test_a_subfield_spelt_two_ways_is_one_option_and_the_old_spelling_still_opens(layers):
    at = run({"subfield": "风力发电及装备"})  # the 项目 label: a URL from before the merge
    assert not at.exception and not at.warning
    sub = widget(at, "multiselect", "w_subfields")
    assert sub.value == ["风力发电及设备"]
    assert "风力发电及装备" not in sub.options and "风力发电及设备" in sub.options
    assert at.query_params["subfield"] == "风力发电及设备"
    assert "**2** 个" in summary(at)


def test_malformed_parameters_warn_and_are_dropped():
    at = run({"industry": ["新能源", "造船"], "view": "卫星", "foo": "1", "basemap": "google"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for fragment in ("造船", "卫星", "foo", "google"):
        assert fragment in warnings
    assert widget(at, "multiselect", "w_industries").value == ["新能源"]
    assert at.query_params == {"industry": "新能源"}
    # the notices go once the user changes the view
    widget(at, "radio", "w_view").set_value("项目").run()
    assert not at.warning


def test_hostile_parameters_never_crash():
    at = run({"q": "<script>alert(1)</script>" * 10, "place": ["", "%%%"], "group": "新兴,夕阳"})
    assert not at.exception
    assert widget(at, "multiselect", "w_groups").value == ["新兴"]
    assert len(widget(at, "text_input", "w_text").value) <= 100


def test_search_text_is_shown_literally():
    at = run({"q": "[点我](javascript:alert(1)) **粗**"})
    assert not at.exception
    what, bold = view_line(at)[0]  # as typed, in a text segment (dzview.js: textContent)
    assert bold and "[点我](javascript:alert(1)) **粗**" in what


def test_empty_result_says_so():
    at = run({"q": "没有这个项目的名字"})
    assert not at.exception
    assert any(i.value == "没有符合条件的项目" for i in at.info)
    assert "**0** 个" in summary(at)


@pytest.mark.parametrize("basemap", ["osm", "amap"])
def test_tile_basemaps_run(basemap):
    at = run({"basemap": basemap, "view": "项目"})
    assert not at.exception
    assert widget(at, "selectbox", "w_basemap").value == basemap


def test_tianditu_without_key_warns(monkeypatch):
    monkeypatch.delenv("DZGEO_TIANDITU_KEY", raising=False)
    at = run({"basemap": "tianditu"})
    assert not at.exception
    assert any("天地图" in w.value for w in at.warning)
    assert any(t.label.startswith("天地图密钥") for t in at.sidebar.text_input)


def test_missing_layers_show_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("DZGEO_LAYERS_DIR", str(tmp_path))
    at = run()
    assert not at.exception
    assert at.error and "dzgeo build" in at.error[0].value


def test_the_sidebar_asks_streamlit_for_no_english_chrome():
    """The settings behind a Chinese-only sidebar (the browser test looks at the page):
    lists without "Select all" and without a search box (whose "No results" is English),
    typed boxes that take their text after a pause (no "Press Enter to apply")."""
    from streamlit.proto.SelectWidgetFilterMode_pb2 import SelectWidgetFilterMode

    at = run({"basemap": "tianditu"})
    no_search = SelectWidgetFilterMode.Value("FILTER_MODE_NONE")
    lists = at.sidebar.multiselect
    assert [w.label for w in lists] == ["类别", "产业", "细分领域", "地点", "状态（台账）"]
    for w in lists:
        assert (w.proto.select_all, w.proto.filter_mode) == (0, no_search), w.label
        assert w.proto.placeholder, w.label  # never "Choose an option"
    assert [w.proto.filter_mode for w in at.sidebar.selectbox] == [no_search]
    boxes = at.sidebar.text_input
    assert [w.label for w in boxes] == ["关键词", "开工年份", "总投资（亿元）", "天地图密钥（tk）"]
    assert all(w.proto.live_debounce_ms > 0 for w in boxes)
