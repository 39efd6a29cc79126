"""End to end in headless Chromium: a planner's ledger comes in and drives the map.

The app runs as ``streamlit run app.py`` with its own temporary SQLite store
(``DZGEO_STORE``); the network is cut off. The test downloads the template from the
app, fills it in with openpyxl (a site for one project, statuses, years, investments),
uploads it, reads the preview, confirms, and then checks on the map that the project
moved from its county point to its site, that a 状态 filter narrows the map, and that
the year slider changes what is drawn. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import _browser
import openpyxl
import pytest
import shapely
from _browser import choose, launch, map_frame, offline_context, wait_for_table
from _support import REPO, served
from playwright.sync_api import Browser, Page, sync_playwright

from dzgeo.data.published import Layers, read_layers
from dzgeo.ledger.conditions import last_year
from dzgeo.ledger.fields import HEADERS, SITE_CRS_LABELS

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
#: Token of the drawn view, the number of projects drawn (cluster sums + single markers)
#: and how many single markers are drawn as finished.
COUNT_JS = """() => {
  // n: the projects behind the clusters and markers drawn (a project with a marker in
  // several counties once, as the counting rule says); done: markers drawn as finished
  const map = document.querySelector('.leaflet-container');
  if (!map || !map.getAttribute('data-dz-view') || !window.dzReady) return null;
  const layer = window.dzmap && window.dzmap.lastProjects;
  if (!layer || !layer._map) return null;
  const d = layer._d, m = layer._map, b = m.getBounds().pad(0.25);
  const ids = new Set();
  const add = (i) => ids.add(d.u ? d.u[i] : i);
  for (const c of layer._index.getClusters(
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], Math.round(m.getZoom()))) {
    if (c.properties.cluster) {
      layer._index.getLeaves(c.properties.cluster_id, Infinity).forEach((f) => add(f.properties.i));
    } else add(c.properties.i);
  }
  return {token: map.getAttribute('data-dz-view'), n: ids.size,
          done: document.querySelectorAll('.dz-pt-done').length};
}"""
#: Where the map draws project ``id`` (lon, lat), from the layer's own data.
WHERE_JS = """(id) => {
  const d = window.dzmap.lastProjects._d;
  const i = d.id.indexOf(id);
  return i < 0 ? null : [d.x0 + d.x[i] / 1e5, d.y0 + d.y[i] / 1e5];
}"""

#: The ledger filled in below: 5 在建 (started 2019, 2019, 2020, 2021, 2022),
#: 3 竣工 (started 2018, finished 2020), 2 谋划.
UNDER_WAY_STARTS = (2019, 2019, 2020, 2021, 2022)
FINISHED_ROWS = 3
PLANNED_ROWS = 2


@pytest.fixture(scope="module")
def layers() -> Layers:
    return read_layers()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port with an empty temporary ledger store."""
    tmp = tmp_path_factory.mktemp("ledger-app")
    env = {"DZGEO_STORE": str(tmp / "ledger.gpkg"), "DZGEO_USER": "e2e"}
    with served(REPO / "app.py", env=env) as (url, _proc):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = launch(pw)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = offline_context(browser, 1600, 1000)  # downloads accepted: the default
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], errors


def wait_for_map(page: Page, *, not_token: str | None = None) -> dict:
    """Wait for the drawn view after ``not_token``, its markers settled."""
    return _browser.wait_for_map(page, COUNT_JS, not_token=not_token, timeout=60_000, settle_ms=300)


def fill_template(template: bytes, layers: Layers, moved: str, site: tuple[float, float]) -> bytes:
    """The template filled in by a planner: a site for ``moved``, statuses, years."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["台账"]
    header = {str(cell.value): int(cell.column or 0) for cell in sheet[1]}
    by_id = {str(sheet.cell(row, header[HEADERS["id"]]).value): row for row in range(2, 300)}
    projects = layers.projects
    placed = projects.loc[(projects["located"] == "place") & (projects["id"] != moved), "id"]
    chosen = [moved, *placed.astype(str).iloc[: len(UNDER_WAY_STARTS) + FINISHED_ROWS + 1]]

    def put(project: str, field: str, value: str | float | int) -> None:
        sheet.cell(by_id[project], header[HEADERS[field]]).value = value

    put(moved, "site_lon", site[0])
    put(moved, "site_lat", site[1])
    put(moved, "site_crs", SITE_CRS_LABELS["WGS84"])
    for k, project in enumerate(chosen):
        if k < len(UNDER_WAY_STARTS):
            put(project, "status", "在建")
            put(project, "start_year", UNDER_WAY_STARTS[k])
        elif k < len(UNDER_WAY_STARTS) + FINISHED_ROWS:
            put(project, "status", "竣工")
            put(project, "start_year", 2018)
            put(project, "finish_year", 2020)
        else:
            put(project, "status", "谋划")
        put(project, "investment_total", 10 + k)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: The project table's cells of the named columns, row by row (the rows drawn).
TABLE_CELLS_JS = """(names) => {
  const heads = Array.from(document.querySelectorAll('.dz-table thead th'))
    .map((th) => th.textContent);
  const at = names.map((n) => heads.indexOf(n));
  return Array.from(document.querySelectorAll('.dz-table tbody tr[data-row]')).map(
    (tr) => at.map((k) => tr.children[k].textContent));
}"""


def test_upload_preview_confirm_and_the_map_follows(app_url, page, layers, tmp_path):
    projects = layers.projects
    moved_row = projects[(projects["located"] == "place") & (projects["place"] == "乐陵市")].iloc[0]
    moved = str(moved_row["id"])
    county_point = (moved_row.geometry.x, moved_row.geometry.y)
    site = (round(county_point[0] + 0.06, 5), round(county_point[1] - 0.04, 5))
    city = shapely.union_all(layers.city.geometry.values)
    assert city.contains(shapely.Point(site)), "the test's site must lie in Dezhou"

    # the 项目 view: the 布局 view opens with the projects layer switched off (zones in
    # sight), so the project layer would not be on the map to count
    page.goto(f"{app_url}/?view=%E9%A1%B9%E7%9B%AE")
    first = wait_for_map(page)
    assert first["n"] == len(projects)
    before = map_frame(page).evaluate(WHERE_JS, moved)
    assert before == pytest.approx(county_point, abs=2e-5)

    # the template from the app's own button, filled in by openpyxl
    page.get_by_role("tab", name="项目台账").click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载台账模板（Excel，含当前版本的值）").click()
    filled = tmp_path / "德州台账.xlsx"
    filled.write_bytes(fill_template(Path(info.value.path()).read_bytes(), layers, moved, site))

    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(filled))
    n_rows = len(UNDER_WAY_STARTS) + FINISHED_ROWS + PLANNED_ROWS
    preview = page.get_by_text(f"新增 0，更新 {n_rows}，", exact=False)
    preview.wait_for(timeout=60_000)
    assert "德州台账.xlsx" in preview.inner_text()
    assert "基于第 0 版" in preview.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-ledger-preview.png"), full_page=True)
    # nothing is stored before the user confirms
    assert "台账第 0 版" in page.get_by_text("符合条件的重点项目").first.inner_text()

    page.get_by_role("button", name="确认导入").click()
    after = wait_for_map(page, not_token=first["token"])
    assert after["n"] == len(projects)
    page.get_by_text("已保存为第 1 版").wait_for(timeout=30_000)
    assert "台账第 1 版" in page.get_by_text("符合条件的重点项目").first.inner_text()
    where = map_frame(page).evaluate(WHERE_JS, moved)
    assert where == pytest.approx(site, abs=2e-5), "the project should sit at its site now"
    assert where != pytest.approx(county_point, abs=1e-3)
    page.screenshot(path=str(ARTIFACTS / "e2e-ledger-imported.png"), full_page=True)

    # a 状态 filter narrows the map
    choose(page, "状态（台账）", "在建")
    narrowed = wait_for_map(page, not_token=after["token"])
    assert narrowed["n"] == len(UNDER_WAY_STARTS)
    assert "status=%E5%9C%A8%E5%BB%BA" in page.url  # 在建, in the URL like the others
    # the project table shows the same projects, with the ledger's fields
    wait_for_table(page, len(UNDER_WAY_STARTS))
    cells = page.evaluate(TABLE_CELLS_JS, ["状态", "总投资（亿元）"])
    assert sorted(cells) == sorted(["在建", str(10 + k)] for k in range(len(UNDER_WAY_STARTS)))
    page.keyboard.press("Escape")
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="清除筛选").click()
    cleared = wait_for_map(page, not_token=narrowed["token"])
    assert cleared["n"] == len(projects)

    # the year slider: this year first (everything started by now), then back to 2018
    page.locator('[data-testid="stSidebar"]').get_by_text("按年份查看").click()
    now = wait_for_map(page, not_token=cleared["token"])
    started = len(UNDER_WAY_STARTS) + FINISHED_ROWS
    assert now["n"] == started
    assert f"year={last_year()}" in page.url
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    page.keyboard.press("Home")  # 2018
    in_2018 = wait_for_map(page, not_token=now["token"])
    assert in_2018["n"] == FINISHED_ROWS  # only those started in 2018
    assert in_2018["done"] == 0  # not finished yet in 2018
    assert "year=2018" in page.url
    token = in_2018["token"]
    for _ in range(2):  # one year at a time: each step is one run of the script
        page.keyboard.press("ArrowRight")
        in_2020 = wait_for_map(page, not_token=token)
        token = in_2020["token"]
    assert "year=2020" in page.url
    assert in_2020["n"] == FINISHED_ROWS + sum(y <= 2020 for y in UNDER_WAY_STARTS)
    page.screenshot(path=str(ARTIFACTS / "e2e-ledger-year-2020.png"), full_page=True)
