"""The filter model (dzgeo.filters) against the published layers."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from dzgeo.data.published import Layers
from dzgeo.errors import DzgeoError, FilterError
from dzgeo.filters import (
    BASEMAPS,
    MAX_TEXT,
    NO_PROJECTS_MARK,
    VIEWS,
    ProjectFilter,
    ViewState,
    allowed_subfields,
    apply_filter,
    parse_filter,
    parse_view_state,
    project_mask,
    selected_industries,
    subfield_counts,
    subfield_option_label,
    validate_filter,
    with_industries,
)
from dzgeo.vocabulary import split_multi


@pytest.fixture(scope="module")
def projects(layers: Layers) -> pd.DataFrame:
    return layers.projects


def _count(layers: Layers, flt: ProjectFilter) -> int:
    return len(apply_filter(layers.projects, flt, layers.vocab))


def test_empty_filter_admits_everything(layers, projects):
    flt = ProjectFilter()
    assert flt.is_empty()
    assert flt.describe() == "全部重点支持项目"
    assert project_mask(projects, flt, layers.vocab).all()


def test_group_filter_matches_the_industry_table(layers):
    table = layers.industries
    for group in ("新兴", "传统"):
        expected = int(table.loc[table["group"] == group, "projects"].sum())
        assert _count(layers, ProjectFilter(groups=(group,))) == expected
    assert _count(layers, ProjectFilter(groups=("新兴", "传统"))) == len(layers.projects)


@pytest.mark.parametrize("industry", ["高端装备", "新能源", "现代高效农业", "现代金融"])
def test_industry_filter_matches_the_industry_table(layers, industry):
    expected = int(layers.industries.set_index("name").loc[industry, "projects"])
    got = apply_filter(layers.projects, ProjectFilter(industries=(industry,)), layers.vocab)
    assert len(got) == expected
    assert set(got["industry"]) == {industry}


def test_group_and_industry_intersect(layers):
    # 绿色化工 is traditional: asking for emerging industries and it gives nothing
    assert _count(layers, ProjectFilter(groups=("新兴",), industries=("绿色化工",))) == 0
    assert selected_industries(layers.vocab, groups=("传统",), industries=("绿色化工",)) == [
        "绿色化工"
    ]


def test_subfields_are_narrowed_to_the_chosen_industries(layers):
    vocab = layers.vocab
    assert allowed_subfields(vocab, industries=("高端装备",)) == vocab.subfields["高端装备"]
    emerging = allowed_subfields(vocab, groups=("新兴",))
    assert "车船零部件" in emerging
    assert not set(emerging) & set(vocab.subfields["绿色化工"])
    entries = sum(len(vocab.subfield_entries(ind)) for ind in vocab.industries)
    assert len(allowed_subfields(vocab)) == entries == len(layers.subfields) - 4


#: The 专栏 heading and the 项目 label of one sub-field (same_as in subfields.csv).
TWINS = [
    ("新能源", "风力发电及设备", "风力发电及装备"),
    ("新材料", "航空航天材料", "航天航空材料"),
    ("现代高效农业", "农副产品（食品）精深加工", "农副产品精深加工"),
    ("文化旅游", "构建“文化+”产业体系", "“文化+”产业体系"),
]


@pytest.mark.parametrize(("industry", "heading", "label"), TWINS)
def test_a_subfield_spelt_two_ways_is_one_option_matching_both(layers, industry, heading, label):
    vocab, projects = layers.vocab, layers.projects
    options = allowed_subfields(vocab, industries=(industry,))
    assert heading in options and label not in options
    assert vocab.resolve_subfield(label) == heading
    spelt = set(projects.loc[projects["industry"] == industry, "subfield"])
    assert label in spelt  # the projects carry the 项目 label ...
    shown = apply_filter(projects, ProjectFilter(subfields=(heading,)), vocab)
    assert len(shown) == (projects["subfield"].isin([heading, label])).sum() > 0
    # ... and an old URL with the other spelling still works, with no notice
    state, notices = parse_view_state({"subfield": label, "industry": industry}, vocab)
    assert state.filter.subfields == (heading,) and notices == []
    assert len(apply_filter(projects, state.filter, vocab)) == len(shown)
    # the strict reader (CLI) takes both spellings too
    assert parse_filter({"subfield": [label]}, vocab).subfields == (heading,)


def test_every_subfield_option_returns_a_project_or_is_marked(layers):
    vocab, projects = layers.vocab, layers.projects
    counts = subfield_counts(projects, vocab)
    assert set(counts) == set(allowed_subfields(vocab))
    marked = []
    for name in allowed_subfields(vocab):
        label = subfield_option_label(name, counts)
        found = len(apply_filter(projects, ProjectFilter(subfields=(name,)), vocab))
        assert found == counts[name]
        if found == 0:
            assert label == f"{name}{NO_PROJECTS_MARK}"
            marked.append(name)
        else:
            assert label == name
    # the plan lists no project under these (the 现代金融 projects have no sub-field)
    assert {"软件产业", "制造业物流", "科技投融资体系", "规范发展互联网金融"} <= set(marked)
    assert not {"风力发电及设备", "航空航天材料", "环保设备"} & set(marked)


def test_subfield_filter(layers, projects):
    flt = ProjectFilter(industries=("高端装备",), subfields=("环保设备",))
    got = apply_filter(projects, flt, layers.vocab)
    expected = ((projects["industry"] == "高端装备") & (projects["subfield"] == "环保设备")).sum()
    assert len(got) == expected > 0
    assert set(got["subfield"]) == {"环保设备"}


def test_county_filter_admits_projects_of_its_zones(layers, projects):
    got = apply_filter(projects, ProjectFilter(places=("德城区",)), layers.vocab)
    places = {p for cell in got["place"] for p in split_multi(cell)}
    # 经开区 and 运河开发区 lie in 德城区: their projects count for the county
    assert {"德州经济技术开发区", "运河经济开发区"} <= places
    assert all("371402" in split_multi(c) for c in got["counties"])
    zone_only = apply_filter(projects, ProjectFilter(places=("运河经济开发区",)), layers.vocab)
    assert 0 < len(zone_only) < len(got)
    assert all("运河经济开发区" in split_multi(p) for p in zone_only["place"])


def test_central_city_covers_its_member_counties(layers, projects):
    vocab = layers.vocab
    central = apply_filter(projects, ProjectFilter(places=("中心城区",)), vocab)
    members = set(vocab.place_adcodes["中心城区"])
    assert members == {"371402", "371403"}
    expected = projects["counties"].map(lambda c: bool(set(split_multi(c)) & members)).sum()
    assert len(central) == expected
    dec = apply_filter(projects, ProjectFilter(places=("德城区",)), vocab)
    assert set(dec["id"]) <= set(central["id"])


def test_multi_place_project_found_from_each_place(layers, projects):
    multi = projects[projects["place"].str.contains("|", regex=False)].iloc[0]
    for place in split_multi(multi["place"]):
        got = apply_filter(projects, ProjectFilter(places=(place,)), layers.vocab)
        assert multi["id"] in set(got["id"]), place


def test_text_search_covers_names_and_enterprises(layers, projects):
    row = projects[projects["enterprise"] != ""].iloc[0]
    by_enterprise = apply_filter(projects, ProjectFilter(text=row["enterprise"]), layers.vocab)
    assert row["id"] in set(by_enterprise["id"])
    word = row["name"][:4]
    by_name = apply_filter(projects, ProjectFilter(text=word), layers.vocab)
    assert all(
        word in f"{n} {e}" for n, e in zip(by_name["name"], by_name["enterprise"], strict=True)
    )
    assert _count(layers, ProjectFilter(text="不存在的项目名称")) == 0


def test_apply_filter_does_not_change_its_input(layers, projects):
    before = projects.copy()
    apply_filter(projects, ProjectFilter(industries=("新材料",), text="项目"), layers.vocab)
    pd.testing.assert_frame_equal(projects, before)


def test_with_industries_drops_subfields():
    flt = ProjectFilter(industries=("高端装备",), subfields=("数控机床",), places=("德城区",))
    out = with_industries(flt, ["新能源"])
    assert out.industries == ("新能源",) and out.subfields == () and out.places == ("德城区",)


def test_view_state_round_trips_through_the_url(layers):
    state = ViewState(
        ProjectFilter(
            groups=("新兴",),
            industries=("高端装备", "新能源"),
            subfields=("数控机床",),
            places=("中心城区", "运河经济开发区"),
            text="电机, 项目",
        ),
        view="项目",
        basemap="amap",
    )
    query = state.to_query()
    assert query["industry"] == ["高端装备", "新能源"]
    assert query["q"] == ["电机, 项目"]  # a comma in the search text is kept
    parsed, notices = parse_view_state(query, layers.vocab)
    assert notices == []
    assert parsed == state


def test_defaults_are_left_out_of_the_url(layers):
    assert ViewState().to_query() == {}
    parsed, notices = parse_view_state({}, layers.vocab)
    assert parsed == ViewState() and notices == []
    assert parsed.view == VIEWS[0] and parsed.basemap == BASEMAPS[0]


def test_place_aliases_become_canonical(layers):
    parsed, notices = parse_view_state({"place": ["陵县", "运河开发区"]}, layers.vocab)
    assert notices == []
    assert parsed.filter.places == ("陵城区", "运河经济开发区")


def test_comma_separated_values_are_split(layers):
    parsed, _ = parse_view_state({"industry": "高端装备，新能源,新材料"}, layers.vocab)
    assert parsed.filter.industries == ("高端装备", "新能源", "新材料")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"foo": "1"}, "未知参数“foo”"),
        ({"industry": "造船"}, "未知产业“造船”"),
        ({"group": "夕阳"}, "未知类别“夕阳”"),
        ({"place": "北京市"}, "未知地点“北京市”"),
        ({"view": "卫星"}, "未知视图“卫星”"),
        ({"view": ["布局", "项目"]}, "视图只取一个值"),
        ({"basemap": "google"}, "未知底图“google”"),
        ({"industry": "新能源", "subfield": "数控机床"}, "未知细分领域“数控机床”"),
        ({"q": "长" * (MAX_TEXT + 5)}, "关键词过长"),
    ],
)
def test_malformed_parameters_are_dropped_with_a_notice(layers, raw, fragment):
    state, notices = parse_view_state(raw, layers.vocab)
    assert any(fragment in n for n in notices), notices
    assert isinstance(state, ViewState)
    assert len(state.filter.text) <= MAX_TEXT


def test_known_values_survive_next_to_unknown_ones(layers):
    state, notices = parse_view_state(
        {"industry": ["新能源", "造船", "新能源"], "view": "项目"}, layers.vocab
    )
    assert state.filter.industries == ("新能源",)
    assert state.view == "项目"
    assert len(notices) == 1


def test_parse_never_raises_on_garbage(layers):
    rng = random.Random(7)
    alphabet = "abc<>&'\"%/\\ ,，|新能源德城区\x00\n"
    for _ in range(200):
        raw = {
            rng.choice(["industry", "place", "q", "view", "basemap", "group", "subfield", "x"]): [
                "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
                for _ in range(rng.randrange(1, 4))
            ]
        }
        state, notices = parse_view_state(raw, layers.vocab)
        assert isinstance(state, ViewState)
        assert all(isinstance(n, str) for n in notices)


def test_validate_filter_accepts_and_canonicalises(layers):
    flt = validate_filter(ProjectFilter(industries=("新能源",), places=("陵县",)), layers.vocab)
    assert flt.places == ("陵城区",)


@pytest.mark.parametrize(
    ("flt", "pattern"),
    [
        (ProjectFilter(industries=("造船",)), "未知产业“造船”"),
        (ProjectFilter(places=("北京市",)), "未知地点“北京市”"),
        (ProjectFilter(groups=("夕阳",)), "未知类别"),
        (ProjectFilter(industries=("新能源",), subfields=("数控机床",)), "未知细分领域“数控机床”"),
    ],
)
def test_validate_filter_raises_filter_error(layers, flt, pattern):
    with pytest.raises(FilterError, match=pattern) as info:
        validate_filter(flt, layers.vocab)
    assert isinstance(info.value, ValueError) and isinstance(info.value, DzgeoError)
    assert "筛选条件有误" in str(info.value)
