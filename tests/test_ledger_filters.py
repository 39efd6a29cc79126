"""The ledger's filter fields (状态, 开工年份, 总投资, the year slider) in dzgeo.filters.

The ledger frame is made here from the published projects plus the ledger fields of
dzgeo.ledger.fields, with known values, so every count below is worked out by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest
from _ledger_frame import ledger_frame

from dzgeo import cli
from dzgeo.data.published import Layers
from dzgeo.errors import FilterError
from dzgeo.filters import (
    ProjectFilter,
    ViewState,
    apply_filter,
    parse_filter,
    parse_view_state,
    validate_filter,
)
from dzgeo.ledger.conditions import (
    FIRST_YEAR,
    NO_STATUS,
    STAGE_FINISHED,
    STAGE_STARTED,
    last_year,
    year_stage,
)


@pytest.fixture(scope="module")
def ledger(layers: Layers) -> pd.DataFrame:
    """See tests/_ledger_frame.py for the values."""
    return ledger_frame(layers.projects)


def _ids(frame: pd.DataFrame) -> set[str]:
    return set(frame["id"])


def test_status_filter(layers, ledger):
    got = apply_filter(ledger, ProjectFilter(statuses=("在建",)), layers.vocab)
    assert len(got) == 10 and set(got["status"]) == {"在建"}
    both = apply_filter(ledger, ProjectFilter(statuses=("在建", "竣工")), layers.vocab)
    assert len(both) == 20
    unset = apply_filter(ledger, ProjectFilter(statuses=(NO_STATUS,)), layers.vocab)
    assert len(unset) == len(ledger) - 60
    # the published layer has no status: a status condition admits nothing there
    assert not len(apply_filter(layers.projects, ProjectFilter(statuses=("在建",)), layers.vocab))


def test_start_year_and_investment_ranges(layers, ledger):
    flt = ProjectFilter(start_min=2019, start_max=2020)
    got = apply_filter(ledger, flt, layers.vocab)
    assert len(got) == 24 and set(got["start_year"].astype(int)) == {2019, 2020}
    open_end = apply_filter(ledger, ProjectFilter(start_min=2022), layers.vocab)
    assert len(open_end) == 12
    invest = apply_filter(ledger, ProjectFilter(invest_min=10, invest_max=19.5), layers.vocab)
    assert sorted(invest["investment_total"].astype(float)) == [float(v) for v in range(10, 20)]
    # a project without an investment is in no range, even an open one
    assert len(apply_filter(ledger, ProjectFilter(invest_max=1e9), layers.vocab)) == 60


def test_ranges_combine_with_the_plan_filters(layers, ledger):
    industry = ledger.loc[ledger.index[0], "industry"]
    flt = ProjectFilter(industries=(industry,), statuses=("谋划",), invest_max=30)
    got = apply_filter(ledger, flt, layers.vocab)
    expected = ledger.iloc[:31]
    expected = expected[(expected["industry"] == industry) & (expected["status"] == "谋划")]
    assert _ids(got) == _ids(expected) and len(got) > 0


def test_year_stage_follows_start_and_finish(ledger):
    stage = year_stage(ledger, 2020)
    rows = ledger.iloc[:60]
    for (_, row), value in zip(rows.iterrows(), stage.iloc[:60], strict=True):
        start, status = int(row["start_year"]), row["status"]
        if status in ("谋划", "前期", "取消") or start > 2020:
            assert value == "", (status, start)
        elif status in ("竣工", "投产") and start + 2 <= 2020:
            assert value == STAGE_FINISHED
        else:
            assert value == STAGE_STARTED
    assert (stage.iloc[60:] == "").all()
    # as the years go by, nothing finished starts again and the started only grow
    started = [int((year_stage(ledger, y) != "").sum()) for y in range(FIRST_YEAR, 2025)]
    finished = [int((year_stage(ledger, y) == STAGE_FINISHED).sum()) for y in range(2018, 2025)]
    assert started == sorted(started) and finished == sorted(finished)
    assert started[0] == 6 and started[-1] == 30 and finished[0] == 0 and finished[-1] == 20


def test_year_filter_keeps_what_stood(layers, ledger):
    for year in (2018, 2020, 2024):
        got = apply_filter(ledger, ProjectFilter(year=year), layers.vocab)
        assert len(got) == int((year_stage(ledger, year) != "").sum())
    assert len(apply_filter(ledger, ProjectFilter(year=2018), layers.vocab)) == 6


def test_ledger_fields_round_trip_through_the_url(layers):
    state = ViewState(
        ProjectFilter(
            industries=("新能源",),
            statuses=("在建", NO_STATUS),
            start_min=2019,
            start_max=2021,
            invest_min=0.5,
            year=2020,
        ),
        view="项目",
    )
    query = state.to_query()
    assert query["status"] == ["在建", NO_STATUS]
    assert query["start"] == ["2019-2021"] and query["invest"] == ["0.5-"]
    assert query["year"] == ["2020"]
    parsed, notices = parse_view_state(query, layers.vocab)
    assert notices == [] and parsed == state
    assert "状态：在建、未填" in state.filter.describe()
    assert "开工年份：2019—2021 年" in state.filter.describe()
    assert "总投资：0.5 亿元及以上" in state.filter.describe()
    assert not state.filter.is_empty()


def test_range_spellings(layers):
    for text, expected in (
        ("2019-2021", (2019, 2021)),
        ("2019～2021", (2019, 2021)),
        (" 2019 至 2021 ", (2019, 2021)),
        ("2019-", (2019, None)),
        ("-2021", (None, 2021)),
        ("2020", (2020, 2020)),
    ):
        flt = parse_filter({"start": text}, layers.vocab)
        assert (flt.start_min, flt.start_max) == expected, text


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"status": "烂尾"}, "未知状态“烂尾”"),
        ({"start": "2021-2019"}, "起点大于终点"),
        ({"start": "去年"}, "格式不对"),
        ({"start": "2019.5-2020"}, "格式不对"),
        ({"start": "1800-"}, "超出范围"),
        ({"invest": "abc"}, "总投资“abc”格式不对"),
        ({"invest": "1-2-3"}, "格式不对"),
        ({"year": "2017"}, "超出范围"),
        ({"year": str(last_year() + 1)}, "超出范围"),
        ({"year": "2019-2020"}, "年份只取一个值"),
        ({"start": ["2019-2020", "2021"]}, "只取一个范围"),
    ],
)
def test_bad_ledger_parameters_are_dropped_from_urls_and_refused_by_the_cli(layers, raw, fragment):
    state, notices = parse_view_state(raw, layers.vocab)
    assert any(fragment in n for n in notices), notices
    assert state.filter.year is None or "start" in raw
    with pytest.raises(FilterError, match=fragment):
        parse_filter(raw, layers.vocab)


def test_validate_filter_checks_the_ledger_fields(layers):
    with pytest.raises(FilterError, match="起点大于终点"):
        validate_filter(ProjectFilter(invest_min=10, invest_max=1), layers.vocab)
    with pytest.raises(FilterError, match="未知状态"):
        validate_filter(ProjectFilter(statuses=("停工",)), layers.vocab)
    ok = ProjectFilter(statuses=("竣工",), invest_min=1e-7, year=FIRST_YEAR)
    assert validate_filter(ok, layers.vocab) == ok


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--status", "烂尾"], "未知状态“烂尾”"),
        (["--start-year", "2021-2019"], "起点大于终点"),
        (["--investment", "很多"], "总投资“很多”格式不对"),
        (["--year", "2017"], "年份“2017”超出范围"),
    ],
)
def test_cli_refuses_bad_ledger_options_in_one_line(tmp_path, capsys, options, fragment):
    out = tmp_path / "map.png"
    code = cli.main(["export", "projects", "-o", str(out), *options])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_cli_filter_options_make_the_filter(layers):
    parser = cli.build_parser()
    ledger_options = ["--start-year", "2019-", "--investment", "1-10", "--year", "2020"]
    statuses = ["--status", "在建,竣工", "--status", "投产"]
    args = parser.parse_args(
        ["export", "projects", "-o", "x.png", *statuses, *ledger_options, "--place", "陵县"]
    )
    flt = cli.filter_from_options(args, layers.vocab)
    assert flt == ProjectFilter(
        places=("陵城区",),
        statuses=("在建", "竣工", "投产"),
        start_min=2019,
        invest_min=1,
        invest_max=10,
        year=2020,
    )
