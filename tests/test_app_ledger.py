"""The app (app.py under AppTest) on a temporary ledger store: version shown, filters
on the ledger's fields, switching to another version (a revert through the ledger API)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import shapely
from _support import line_markup, view_line
from streamlit.testing.v1 import AppTest

from dzgeo.ledger.current import plan_projects
from dzgeo.ledger.store import Counts, normalise_rows, open_store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60
SITE = (116.35, 37.25)


def _rows(statuses: list[str]) -> pd.DataFrame:
    """Ledger rows for the first len(statuses) plan projects; the first one has a site."""
    plan = plan_projects()
    rows = plan.iloc[: len(statuses)].drop(columns="geometry").copy()
    rows["status"] = statuses
    rows["start_year"] = 2019
    rows["investment_total"] = 2.5
    rows["provenance"] = json.dumps({"status": "台账 v1"}, ensure_ascii=False)
    rows["located_by"] = ["台账坐标", *["规划地点"] * (len(statuses) - 1)]
    rows["site_lon"] = [SITE[0], *[None] * (len(statuses) - 1)]
    rows["site_lat"] = [SITE[1], *[None] * (len(statuses) - 1)]
    rows["geometry"] = pd.Series([shapely.Point(SITE), *[None] * (len(statuses) - 1)], dtype=object)
    return normalise_rows(rows)


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    """A store with version 1 (4 projects 在建) and version 2 (2 在建, 1 竣工)."""
    url = str(tmp_path / "ledger.gpkg")
    with open_store(url) as opened:
        for statuses in (["在建"] * 4, ["在建", "在建", "竣工"]):
            rows = _rows(statuses)

            def build(_cur: pd.DataFrame, _n: int, rows: pd.DataFrame = rows) -> tuple:
                return rows, Counts(updated=len(rows))

            opened.append_version(build, file_name="台账.xlsx", user="test")
    monkeypatch.setenv("DZGEO_STORE", url)
    return url


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def summary(at: AppTest) -> str:
    return line_markup(view_line(at))


def test_the_current_version_drives_counts_and_filters(store):
    at = run({"status": "在建"})
    assert not at.exception
    assert "台账第 2 版" in summary(at)
    assert "**2** 个" in summary(at)
    assert "在建 2 个 · 竣工 0 个 · 总投资 5.00 亿元" in summary(at)
    assert at.multiselect(key="w_statuses").value == ["在建"]
    assert any("当前版本：第 2 版" in t.value for t in at.text)


def test_switching_back_to_version_1_is_a_new_version(store):
    at = run({"status": "在建"})
    assert at.selectbox(key="w_revert").options  # the other versions are offered
    at.selectbox(key="w_revert").set_value(1)
    at.button(key="w_revert_go").click().run()
    assert not at.exception
    assert "台账第 3 版" in summary(at)
    assert "**4** 个" in summary(at)  # version 1's statuses are current again
    with open_store(store) as opened:
        versions = opened.versions()
    assert [v.number for v in versions] == [0, 1, 2, 3]
    assert versions[-1].reverted_to == 1


def test_ledger_widgets_write_the_url(store):
    at = run()
    at.text_input(key="w_start").set_value("2019-2020")
    at.text_input(key="w_invest").set_value("1-3")
    at.toggle(key="w_year_on").set_value(True).run()
    assert not at.exception
    assert at.query_params["start"] == "2019-2020"
    assert at.query_params["invest"] == "1-3"
    assert at.query_params["year"]
    assert "**3** 个" in summary(at)  # version 2: three projects started in 2019
    at.text_input(key="w_invest").set_value("很多").run()
    assert any("总投资“很多”格式不对" in w.value for w in at.sidebar.warning)
    assert "invest" not in at.query_params
