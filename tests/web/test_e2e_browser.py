"""End to end in a real headless Chromium (Debian's), with the network cut off.

The app runs as ``streamlit run app.py`` on a free port; every request that is not to
that local server is aborted, so the map must draw from locally served assets. The
screenshots go to test-artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import _browser
import pytest
from _browser import choose, launch, map_centre, map_frame
from _support import REPO, served
from playwright.sync_api import Browser, Dialog, Page, Playwright, Route, sync_playwright

from dzgeo.filters import ProjectFilter, ViewState
from dzgeo.web import views as webmap

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
XSS = "<img src=x onerror=alert(1)>"
COUNT_JS = """() => {
  // n: the projects behind the clusters and markers drawn (a project with a marker in
  // several counties once); shown: the numbers the user reads, added up
  const map = document.querySelector('.leaflet-container');
  if (!map || !map.getAttribute('data-dz-view')) return null;
  let shown = 0;
  document.querySelectorAll('.dz-cl span').forEach((e) => { shown += Number(e.textContent); });
  shown += document.querySelectorAll('.dz-pt').length;
  const layer = window.dzmap && window.dzmap.lastProjects;
  const payload = window.dzReady ? window.dzReady.projects : null;
  if (!layer || !layer._map) {
    return {token: map.getAttribute('data-dz-view'), n: shown, shown, payload};
  }
  const d = layer._d, m = layer._map, b = m.getBounds().pad(0.25);
  const ids = new Set();
  const add = (i) => ids.add(d.u ? d.u[i] : i);
  for (const c of layer._index.getClusters(
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], Math.round(m.getZoom()))) {
    if (c.properties.cluster) {
      layer._index.getLeaves(c.properties.cluster_id, Infinity).forEach((f) => add(f.properties.i));
    } else add(c.properties.i);
  }
  return {token: map.getAttribute('data-dz-view'), n: ids.size, shown, payload};
}"""


PIE_CHECK_JS = """() => {
  // every cluster's number and pie count each of its projects once
  const layer = window.dzmap.lastProjects, index = layer._index, d = layer._d;
  const bad = [];
  for (let z = 0; z <= 17; z++) {
    for (const c of index.getClusters([-180, -85, 180, 85], z)) {
      if (!c.properties.cluster) continue;
      const sum = c.properties.a.reduce((x, y) => x + y, 0);
      const ids = new Set(index.getLeaves(c.properties.cluster_id, Infinity)
        .map((f) => (d.u ? d.u[f.properties.i] : f.properties.i)));
      if (sum !== c.properties.n || ids.size !== sum) bad.push([z, sum, c.properties.n, ids.size]);
    }
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``streamlit run app.py`` on a free port (tests/_support.py); yields (base URL,
    script-run log)."""
    run_log = tmp_path_factory.mktemp("runs") / "runs.log"
    with served(REPO / "app.py", run_log=run_log) as (url, _proc):
        yield url, run_log


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch(playwright)
    yield browser
    browser.close()


@dataclasses.dataclass
class Offline:
    """A page whose non-local requests are aborted and recorded, and whose dialogs are too."""

    page: Page
    blocked: list[str]
    dialogs: list[str]
    errors: list[str]


@pytest.fixture
def offline(browser: Browser) -> Iterator[Offline]:
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
    blocked: list[str] = []

    def route(route: Route) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:", "file:")) or host in (
            "127.0.0.1",
            "localhost",
        ):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    state = Offline(page, blocked, [], [])

    def on_dialog(dialog: Dialog) -> None:
        state.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: state.errors.append(str(e)))
    yield state
    context.close()


def wait_for_map(page: Page, *, not_token: str | None = None) -> dict:
    """Wait until the map has drawn its projects (with a view token other than ``not_token``)."""
    return _browser.wait_for_map(page, COUNT_JS, not_token=not_token)


def runs(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").split()) if log.exists() else 0


def test_map_counts_every_project_then_one_industry(app_server, offline, layers):
    url, _ = app_server
    page = offline.page
    page.goto(url)
    first = wait_for_map(page)
    # the 布局 view opens with the projects switched off (zones in sight), all 272 loaded,
    # counted from the mask but not indexed or drawn until switched on
    assert first["payload"] == len(layers.projects)
    assert map_frame(page).evaluate("() => !window.dzmap.lastProjects._index")
    control = map_frame(page).locator(".leaflet-control-layers label").filter(has_text="重点项目")
    assert "272" in control.inner_text()
    control.locator("input").uncheck() if control.locator("input").is_checked() else None
    control.locator("input").check()
    map_frame(page).wait_for_function(f"({COUNT_JS})().n === {len(layers.projects)}")
    assert map_frame(page).locator(".dz-legend").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-layout-all.png"), full_page=True)

    choose(page, "产业", "新能源")
    after = wait_for_map(page, not_token=first["token"])
    expected = int(layers.industries.set_index("name").loc["新能源", "projects"])
    assert after["payload"] == expected < first["payload"]
    # the reader's choice to see the projects holds across the filter change
    map_frame(page).wait_for_function(f"({COUNT_JS})().n === {expected}")
    # the map filtered its own copy of the projects: the layer control follows too
    assert f"重点项目（{expected} 个）" in map_frame(page).inner_text(".leaflet-control-layers")
    assert parse_qs(urlparse(page.url).query) == {"industry": ["新能源"]}
    page.screenshot(path=str(ARTIFACTS / "e2e-layout-new-energy.png"), full_page=True)
    assert offline.blocked == [], "the page asked the internet for something"
    assert offline.errors == []


def test_a_copied_url_reproduces_the_view(app_server, offline, layers):
    url, _ = app_server
    page = offline.page
    page.goto(f"{url}/?view=%E9%A1%B9%E7%9B%AE&industry=%E6%96%87%E5%8C%96%E6%97%85%E6%B8%B8")
    drawn = wait_for_map(page)
    expected = int(layers.industries.set_index("name").loc["文化旅游", "projects"])
    assert drawn["n"] == expected
    frame = map_frame(page)
    assert "区县重点项目数" in (frame.text_content(".dz-legend") or "")  # folded: hidden
    # the sidebar's widgets come with the run the map's ready signal asks for
    view = page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="项目")
    view.wait_for(state="attached", timeout=30_000)
    assert view.is_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-projects-view.png"), full_page=True)
    assert offline.blocked == []


def test_tile_basemap_offline_still_draws_every_vector_layer(app_server, offline, layers):
    url, _ = app_server
    page = offline.page
    page.goto(f"{url}/?basemap=amap")
    drawn = wait_for_map(page)
    assert drawn["payload"] == len(layers.projects)
    frame = map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() >= len(layers.counties_web)
    assert "GCJ-02" in (frame.text_content(".dz-legend") or "")
    # the tiles cannot load here: the reader is told, instead of seeing grey
    notice = frame.locator(".dz-notice")
    notice.wait_for(timeout=15_000)
    assert "底图加载失败" in notice.inner_text()
    page.wait_for_timeout(500)
    hosts = {urlparse(u).hostname or "" for u in offline.blocked}
    assert hosts and all(h.endswith("autonavi.com") for h in hosts), hosts  # only the tiles
    assert offline.errors == []


def test_pan_zoom_runs_nothing_and_a_filter_runs_once(app_server, offline):
    url, log = app_server
    page = offline.page
    page.goto(url)
    first = wait_for_map(page)
    # the tables follow the map's ready signal in a second run: let it finish
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    before = runs(log)
    cx, cy = map_centre(page)
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - 120, cy - 60, steps=6)
    page.mouse.up()
    page.mouse.wheel(0, -240)
    page.wait_for_timeout(1500)  # the map's debounce is 250 ms: give it room to misbehave
    assert runs(log) == before, "pan/zoom reran the script"

    choose(page, "类别", "传统")
    wait_for_map(page, not_token=first["token"])
    page.wait_for_timeout(1000)
    assert runs(log) == before + 1, "a filter change should run the script exactly once"


def test_downloads_of_the_filtered_projects(app_server, offline, layers):
    url, _ = app_server
    page = offline.page
    page.goto(f"{url}/?industry=%E6%96%B0%E6%9D%90%E6%96%99")  # 新材料
    wait_for_map(page)
    expected = int(layers.industries.set_index("name").loc["新材料", "projects"])
    files = {}
    for label in ("CSV", "离线网页", "简报图 PNG"):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label, exact=True).click()
        files[label] = Path(info.value.path()).read_bytes()
    csv = files["CSV"].decode("utf-8-sig").splitlines()
    assert files["CSV"].startswith(b"\xef\xbb\xbf") and len(csv) == expected + 1
    assert b"dzmap.projects(" in files["离线网页"] and b"<script src=" not in files["离线网页"]
    assert files["简报图 PNG"].startswith(b"\x89PNG")
    assert offline.blocked == [] and offline.errors == []


def test_standalone_page_is_offline_and_escapes_data(tmp_path, offline, layers):
    projects = layers.projects.copy()
    projects.loc[projects.index[0], "name"] = XSS
    projects.loc[projects.index[0], "enterprise"] = XSS
    evil = dataclasses.replace(layers, projects=projects)
    path = tmp_path / "map.html"
    path.write_text(webmap.standalone_html(evil, ViewState(view="项目")), encoding="utf-8")
    page = offline.page
    page.goto(path.as_uri())
    page.wait_for_function("window.dzReady && window.dzReady.projects > 0", timeout=30_000)
    assert page.evaluate(COUNT_JS)["n"] == len(projects)
    assert page.evaluate(PIE_CHECK_JS) == [], "cluster pies must add up to their counts"

    only = tmp_path / "one.html"
    only.write_text(
        webmap.standalone_html(evil, ViewState(ProjectFilter(text="onerror"), "项目")),
        encoding="utf-8",
    )
    page.goto(only.as_uri())
    page.wait_for_function("window.dzReady", timeout=30_000)
    marker = page.locator(".dz-pt")
    assert marker.count() == 1
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("h4").inner_text() == XSS
    assert XSS in popup.inner_text()
    assert popup.locator("img").count() == 0
    page.wait_for_timeout(300)
    assert offline.dialogs == [], "data text ran as HTML"
    assert offline.blocked == [] and offline.errors == []
