"""The app's map in a real headless Chromium: labels, navigation, history, the project
table (its rows locate a project), notices.

Same set-up as test_e2e_browser.py (its fixtures: the app on a free port, Debian's
chromium, the network cut off). Screenshots at the three viewports go to
test-artifacts/ for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlparse

import pytest
from _browser import MAP_BOX, map_centre, offline_context, page_point, wait_for_table
from playwright.sync_api import Browser, Page

if TYPE_CHECKING:  # mypy names tests/web/ modules web.*; pytest puts tests/web on sys.path
    from web import test_e2e_browser as e2e
else:
    import test_e2e_browser as e2e

ARTIFACTS, choose = e2e.ARTIFACTS, e2e.choose
map_frame, wait_for_map = e2e.map_frame, e2e.wait_for_map

# the fixtures of test_e2e_browser.py, shared by name
app_server, browser, playwright = e2e.app_server, e2e.browser, e2e.playwright  # layers: conftest

pytestmark = pytest.mark.browser

VIEWPORTS = [(1600, 1000), (1366, 768), (1024, 768)]

#: Every visible label's box, every obstacle's box, in the map frame's pixels.
BOXES_JS = """() => {
  const root = document.querySelector('.leaflet-container');
  const frame = root.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const seen = (b) =>
    b.r > frame.left && b.l < frame.right && b.b > frame.top && b.t < frame.bottom;
  const labels = [];
  root.querySelectorAll('.dz-lbl').forEach((el) => {
    if (getComputedStyle(el).visibility === 'hidden') return;
    const b = box(el);
    if (b.r - b.l > 0 && seen(b)) labels.push({text: el.textContent, ...b});
  });
  const obstacles = [];
  const kinds = {'.dz-cl > div': 'cluster', '.dz-pt span': 'project', '.dz-sym': 'zone symbol',
                 '.dz-legend': 'legend', '.leaflet-control': 'control'};
  for (const [sel, kind] of Object.entries(kinds)) {
    root.querySelectorAll(sel).forEach((el) => {
      const b = box(el);
      if (b.r - b.l > 0 && seen(b)) obstacles.push({kind, ...b});
    });
  }
  return {labels, obstacles};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["l"] < b["r"] - 0.5
        and a["r"] > b["l"] + 0.5
        and a["t"] < b["b"] - 0.5
        and a["b"] > b["t"] + 0.5
    )


def collisions(boxes: dict) -> list[str]:
    """Every label overlapping another label or an obstacle."""
    found = []
    labels = boxes["labels"]
    for i, a in enumerate(labels):
        found += [f"{a['text']} / {b['text']}" for b in labels[i + 1 :] if _overlap(a, b)]
        found += [f"{a['text']} / {o['kind']}" for o in boxes["obstacles"] if _overlap(a, o)]
    return found


@pytest.fixture
def sized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page at the viewport ``request.param`` with the network cut off."""
    context = offline_context(browser, *request.param)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sized_default(browser: Browser) -> Iterator[Page]:
    """A 1366x768 page with the network cut off (the commonest office screen)."""
    context = offline_context(browser, 1366, 768)
    page = context.new_page()
    yield page
    context.close()


#: The city's box in the map (pixels): inside the map and clear of every control?
CITY_JS = """() => {
  const m = window.map, b = m._dzCity, size = m.getSize();
  const nw = m.latLngToContainerPoint(b.getNorthWest());
  const se = m.latLngToContainerPoint(b.getSouthEast());
  const root = m.getContainer().getBoundingClientRect();
  const city = {l: nw.x, t: nw.y, r: se.x, b: se.y};
  const hit = Array.from(document.querySelectorAll('.leaflet-control')).filter((el) => {
    const r = el.getBoundingClientRect();
    const c = {l: r.left - root.left, t: r.top - root.top,
               r: r.right - root.left, b: r.bottom - root.top};
    return r.width && c.l < city.r && c.r > city.l && c.t < city.b && c.b > city.t
      && !el.matches('.leaflet-control-scale, .leaflet-control-attribution, .dz-legend');
  }).map((el) => el.className);
  return {inside: nw.x >= 0 && nw.y >= 0 && se.x <= size.x && se.y <= size.y && !hit.length,
          hit, bottom: se.y, city};
}"""

#: Whether the labels are placed (dzlabels.js) and more often than ``old`` times.
PLACED_JS = """(old) => { const m = document.querySelector('.leaflet-container');
  return m.dataset.dzLabelsState === 'placed' && Number(m.dataset.dzLabels || 0) > old; }"""


def placements(frame) -> int:
    """How many times the map has placed its labels so far."""
    return int(
        frame.evaluate("Number(document.querySelector('.leaflet-container').dataset.dzLabels || 0)")
    )


def placed_boxes(frame, after: int = 0) -> dict:
    """The label and obstacle boxes once the labels are placed (a placement after the
    ``after``-th), measured while nothing is pending: dzlabels.js marks the map
    "pending" as soon as a zoom, pan, redraw or control change starts."""
    while True:
        frame.wait_for_function(PLACED_JS, arg=after, timeout=15_000)
        boxes = frame.evaluate(
            f"() => {{ const m = document.querySelector('.leaflet-container');"
            f" return {{state: m.dataset.dzLabelsState, ...({BOXES_JS})()}}; }}"
        )
        if boxes["state"] == "placed":
            return boxes


def zoomed_boxes(frame, zoom: float) -> dict:
    """Set the map's zoom (around its centre, no animation); the boxes once re-placed."""
    before = placements(frame)
    frame.evaluate(f"window.map.setZoom({zoom}, {{animate: false}})")
    return placed_boxes(frame, before)


@pytest.mark.parametrize("sized", VIEWPORTS, indirect=True, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("view", ["布局", "项目"])
def test_no_label_overlaps_another_a_cluster_or_the_legend(app_server, sized, view, layers):
    url, _ = app_server
    page = sized
    page.goto(f"{url}/?view={quote(view)}")
    wait_for_map(page)
    frame = map_frame(page)
    boxes = placed_boxes(frame)
    width = page.viewport_size["width"] if page.viewport_size else 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"e2e-{view}-{width}.png"))
    # the whole city in view: every county is named
    names = layers.counties_web["name"].astype(str).tolist()
    shown = {b["text"] for b in boxes["labels"]}
    assert [n for n in names if not any(t.startswith(n) for t in shown)] == [], shown
    assert collisions(boxes) == []
    # ... on the first screen, without scrolling, and beside the controls, not under them
    frame_top = page.locator(MAP_BOX).bounding_box()
    city = frame.evaluate(CITY_JS)
    assert frame_top is not None and city["inside"], city
    assert frame_top["y"] + city["bottom"] <= page.viewport_size["height"], (frame_top, city)
    for zoom in (8, 9, 10, 11):
        assert collisions(zoomed_boxes(frame, zoom)) == [], f"zoom {zoom}"
    # the legend unfolded: it covers no county label, and the city moves beside it
    before = placements(frame)
    frame.locator(".dz-legend-toggle").click()
    frame.evaluate("window.map._dzMoved = false; window.dzmap.fitCity(window.map)")
    assert collisions(placed_boxes(frame, before)) == []


#: A point on a county (no marker or label over it) just left of the unfolded legend.
NEAR_LEGEND_JS = """() => {
  const legend = document.querySelector('.dz-legend').getBoundingClientRect();
  for (let y = legend.top + 40; y < legend.bottom; y += 8) {
    for (let x = legend.left - 12; x > legend.left - 160; x -= 8) {
      const el = document.elementFromPoint(x, y);
      if (el && el.matches('path.leaflet-interactive') && el.closest('.leaflet-dzFill-pane')) {
        return {x, y};
      }
    }
  }
  return null;
}"""

#: The open popup's box and every control's box it overlaps.
POPUP_JS = """() => {
  const pop = document.querySelector('.leaflet-popup');
  if (!pop) return null;
  const p = pop.getBoundingClientRect();
  const root = document.querySelector('.dz-map').getBoundingClientRect();
  const hit = Array.from(document.querySelectorAll('.leaflet-control')).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width && p.left < r.right && p.right > r.left && p.top < r.bottom && p.bottom > r.top;
  }).map((el) => el.className);
  return {hit, inside: p.left >= root.left && p.right <= root.right && p.top >= root.top
          && p.bottom <= root.bottom, text: pop.innerText};
}"""


@pytest.mark.parametrize("view", ["布局", "项目"])
def test_a_popup_opened_by_the_legend_is_not_under_it(app_server, sized_default, view):
    url, _ = app_server
    page = sized_default
    page.goto(f"{url}/?view={quote(view)}")
    wait_for_map(page)
    frame = map_frame(page)
    placed_boxes(frame)
    legend = frame.locator(".dz-legend")
    if "dz-collapsed" in (legend.get_attribute("class") or ""):
        before = placements(frame)
        frame.locator(".dz-legend-toggle").click()
        placed_boxes(frame, before)
    page.locator(MAP_BOX).scroll_into_view_if_needed()
    spot = frame.evaluate(NEAR_LEGEND_JS)
    assert spot is not None, "no county beside the legend to click"
    page.mouse.click(*page_point(page, frame, spot))
    frame.locator(".leaflet-popup-content").wait_for(timeout=10_000)
    placed_boxes(frame)  # the legend folded, the map panned: all still
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"e2e-popup-{view}-1366.png"))
    popup = frame.evaluate(POPUP_JS)
    assert popup is not None and popup["hit"] == [] and popup["inside"], popup
    # the mouse still rests on a county: its hover tooltip does not show under the popup
    page.mouse.move(*page_point(page, frame, spot))
    page.mouse.move(*page_point(page, frame, {"x": spot["x"] + 4, "y": spot["y"] + 4}))
    assert frame.locator(".leaflet-tooltip").filter(visible=True).count() == 0
    assert "县" in popup["text"] or "区" in popup["text"] or "市" in popup["text"]
    # closing the popup brings the legend back as the reader had it
    frame.locator(".leaflet-popup-close-button").click()
    frame.wait_for_function(
        "!document.querySelector('.dz-legend').classList.contains('dz-collapsed')"
    )


def test_the_wheel_scrolls_the_page_until_the_map_is_clicked(app_server, sized_default):
    url, _ = app_server
    page = sized_default
    page.goto(url)
    wait_for_map(page)
    frame = map_frame(page)
    placed_boxes(frame)  # the map fitted to its frame's final size, nothing moving
    zoom = frame.evaluate("window.map.getZoom()")
    box = page.locator(MAP_BOX).bounding_box()
    assert box is not None
    page.mouse.move(*map_centre(page))
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(600)
    after = page.locator(MAP_BOX).bounding_box()
    assert after is not None and after["y"] < box["y"] - 100, "the page did not scroll"
    assert frame.evaluate("window.map.getZoom()") == zoom, "the wheel zoomed the map"
    assert frame.locator(".dz-hint.dz-show").count() == 1  # and says how to zoom
    # Ctrl + wheel zooms without a click
    # over the map's part in sight, below Streamlit's fixed header
    seen_top, seen_bottom = max(after["y"], 80), min(after["y"] + after["height"], 768)
    page.mouse.move(after["x"] + after["width"] / 2, (seen_top + seen_bottom) / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    frame.wait_for_function(f"window.map.getZoom() > {zoom}")


def drag_and_zoom_to_10(page: Page, frame) -> None:
    """Drag the map from its centre by the mouse, zoom to 10, wait for the URL to say so."""
    cx, cy = map_centre(page)
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - 150, cy - 80, steps=6)
    page.mouse.up()
    frame.evaluate("window.map.setZoom(10)")
    page.wait_for_function("location.search.includes('map=10/')", timeout=10_000)


def test_the_url_carries_the_map_position_and_keeps_it_across_filters(app_server, sized_default):
    url, log = app_server
    page = sized_default
    page.goto(url)
    wait_for_map(page)
    frame = map_frame(page)
    # the run the map's ready signal asks for (tables, sidebar) is done before counting:
    # it ran during the drag now and then and was counted as the drag's (2 of 7 runs)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    runs_before = len(log.read_text(encoding="utf-8").split())
    drag_and_zoom_to_10(page, frame)
    page.wait_for_timeout(800)
    assert len(log.read_text(encoding="utf-8").split()) == runs_before, "moving the map reran"
    choose(page, "类别", "传统")
    page.wait_for_function(
        "location.search.includes('group=') && location.search.includes('map=10/')",
        timeout=20_000,
    )


def test_a_copied_url_restores_the_map_position(app_server, sized_default):
    url, _ = app_server
    page = sized_default
    page.goto(url)
    wait_for_map(page)
    frame = map_frame(page)
    drag_and_zoom_to_10(page, frame)
    where = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    copied = page.url
    fresh = page.context.new_page()
    fresh.goto(copied)
    wait_for_map(fresh)
    restored = map_frame(fresh)
    restored.wait_for_function("window.map.getZoom() === 10", timeout=10_000)
    lat, lon = restored.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - where[0]) < 1e-3 and abs(lon - where[1]) < 1e-3
    # and a filter change keeps the position in the URL
    choose(fresh, "类别", "传统")
    fresh.wait_for_function(
        "location.search.includes('group=') && location.search.includes('map=10/')"
    )
    fresh.close()


def test_back_undoes_the_last_filter_and_forward_redoes_it(app_server, sized_default, layers):
    url, _ = app_server
    page = sized_default
    page.goto(url)
    first = wait_for_map(page)
    choose(page, "产业", "新能源")
    second = wait_for_map(page, not_token=first["token"])
    assert parse_qs(urlparse(page.url).query)["industry"] == ["新能源"]
    page.go_back()
    third = wait_for_map(page, not_token=second["token"])
    assert third["payload"] == len(layers.projects)
    assert "industry" not in parse_qs(urlparse(page.url).query)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text("产业", exact=True)
    )
    assert "新能源" not in box.inner_text()
    page.go_forward()
    fourth = wait_for_map(page, not_token=third["token"])
    assert fourth["payload"] == second["payload"]


def test_the_project_table_follows_the_filter_sorts_and_locates(app_server, sized_default, layers):
    """The 重点项目 table (drawn in the browser from rows sent once) shows the filter's
    projects, follows a filter change, sorts by a column head, and a click on a row flies
    the map to that project and opens its popup (the 布局 view: the layer switches on)."""
    url, _ = app_server
    page = sized_default
    page.goto(f"{url}/?industry={quote('新材料')}")
    wait_for_map(page)
    chosen = layers.projects[layers.projects["industry"] == "新材料"]
    assert wait_for_table(page, len(chosen)) == len(chosen)
    shown = page.locator(".dz-table tbody tr[data-row]")
    first_ids = [t.split()[0] for t in shown.all_inner_texts()[:3]]
    assert first_ids == [str(i) for i in chosen["id"].iloc[:3]]  # the layers' order
    # a click on 编号's head sorts down the second time
    head = page.locator(".dz-table th button", has_text="编号")
    head.click()
    head.click()
    page.wait_for_function(
        "() => document.querySelector('.dz-table th').getAttribute('aria-sort') === 'descending'"
    )
    assert shown.first.inner_text().split()[0] == max(chosen["id"].astype(str))
    # another filter: the table follows the map
    choose(page, "产业", "新能源")
    both = layers.projects[layers.projects["industry"].isin(["新材料", "新能源"])]
    wait_for_table(page, len(both))
    # a click on a row: the map flies there and opens the project's popup
    row = chosen.iloc[3]
    shown.filter(has_text=str(row["id"])).first.click()
    popup = map_frame(page).locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    assert str(row["name"]) in popup.inner_text() and str(row["id"]) in popup.inner_text()
    # every text is text: no row became markup
    assert page.locator(".dz-table tbody td *").count() == 0


def test_offline_page_never_holds_the_tianditu_key(app_server, sized_default):
    url, _ = app_server
    page = sized_default
    page.goto(f"{url}/?basemap=tianditu")
    wait_for_map(page)
    key = "0123456789abcdef0123456789abcdef"
    field = page.locator('[data-testid="stSidebar"] input[type="password"]')
    field.fill(key)
    field.press("Enter")
    page.wait_for_timeout(1500)
    assert key in map_frame(page).content()  # the live map uses it ...
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="离线网页", exact=True).click()
    data = Path(info.value.path()).read_bytes()
    assert key.encode() not in data and b"tk=" not in data  # ... the file never holds it
    assert info.value.suggested_filename == "德州规划地图-布局-全部.html"
