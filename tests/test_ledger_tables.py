"""Tables and downloads of the current ledger version's projects (dzgeo.tables)."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest
from _ledger_frame import FILLED, SITE_LAT, SITE_LON, SITED, ledger_frame

from dzgeo import downloads, tables
from dzgeo.data.published import PROJECT_FIELDS, Layers
from dzgeo.filters import ProjectFilter, apply_filter
from dzgeo.ledger.fields import LEDGER_FIELDS, STATUSES


@pytest.fixture(scope="module")
def ledger(layers: Layers):
    return ledger_frame(layers.projects)


def _expected(ledger: pd.DataFrame, year: int | None = None) -> dict[str, float]:
    """在建 / 竣工 / 总投资 worked out row by row from the frame's definition."""
    under_way = finished = 0
    invest = 0.0
    for k in range(FILLED):
        status, start = STATUSES[k % 6], 2018 + k % 5
        invest += k
        if year is None:
            under_way += status == "在建"
            finished += status in ("竣工", "投产")
        elif status in ("在建", "竣工", "投产") and start <= year:
            done = status in ("竣工", "投产") and start + 2 <= year
            finished += done
            under_way += not done
    return {"在建": under_way, "竣工": finished, "总投资": invest}


def test_progress_totals_add_up(layers, ledger):
    totals = tables.progress_totals(ledger, layers.vocab)
    assert totals[""] == _expected(ledger)
    assert set(totals) == {*layers.vocab.industries, ""}
    for key in ("在建", "竣工", "总投资"):
        assert sum(t[key] for name, t in totals.items() if name) == pytest.approx(totals[""][key])
    for year in (2018, 2020, 2023):
        in_year = tables.progress_totals(ledger, layers.vocab, year=year)
        assert in_year[""] == _expected(ledger, year)
    # the published layer knows no status: zeros, not an error
    plan = tables.progress_totals(layers.projects, layers.vocab)[""]
    assert plan == {"在建": 0, "竣工": 0, "总投资": 0}
    # ... and the app does not read those zeros as "nothing started"
    assert not tables.ledger_filled(layers.projects) and tables.ledger_filled(ledger)
    assert tables.progress_line(totals[""]) == "在建 10 个 · 竣工 20 个 · 总投资 1,770.00 亿元"


def test_industry_panel_gains_progress_columns(layers, ledger):
    panel = tables.industry_panel(layers.industries, ledger, layers.vocab)
    assert {"在建", "竣工", "总投资（亿元）"} <= set(panel.columns)
    assert panel["在建"].sum() == 10 and panel["竣工"].sum() == 20
    assert panel["总投资（亿元）"].sum() == pytest.approx(1770)
    plain = tables.industry_panel(layers.industries, layers.projects, layers.vocab)
    assert "在建" not in plain.columns


def test_project_table_shows_the_ledger_fields(layers, ledger):
    shown = tables.project_table(ledger)
    assert list(shown.columns[-7:]) == list(tables.LEDGER_DISPLAY_COLUMNS.values())
    assert shown.loc[0, "状态"] == STATUSES[0] and shown.loc[0, "开工年份"] == "2018"
    assert shown.loc[FILLED, "状态"] == "" and shown.loc[FILLED, "开工年份"] == ""
    assert shown.loc[0, "点位依据"] == "台账坐标"


def test_downloads_carry_the_ledger_fields_and_the_site(layers, ledger):
    flt = ProjectFilter(statuses=("谋划",))
    chosen = apply_filter(ledger, flt, layers.vocab)
    frame = pd.read_csv(
        io.BytesIO(downloads.projects_csv(chosen, english=True)), encoding="utf-8-sig"
    )
    assert len(frame) == FILLED // 6
    assert list(frame.columns) == [*PROJECT_FIELDS, *LEDGER_FIELDS, "location_note", "lon", "lat"]
    assert set(frame["status"]) == {"谋划"}
    first = frame.iloc[0]  # row 0 has a site
    assert (first["lon"], first["lat"]) == (SITE_LON, SITE_LAT)
    book = openpyxl.load_workbook(io.BytesIO(downloads.projects_xlsx(chosen, english=True)))
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "investment_total" in header and sheet.max_row == len(frame) + 1
    geo = json.loads(downloads.projects_geojson(ledger.iloc[:SITED], english=True))
    assert [f["geometry"]["coordinates"][0] for f in geo["features"]] == [
        pytest.approx(SITE_LON + i / 100) for i in range(SITED)
    ]
    assert geo["features"][0]["properties"]["located_by"] == "台账坐标"
