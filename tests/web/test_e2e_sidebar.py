"""The sidebar in a real headless Chromium: every text a planner meets there is Chinese.

Streamlit's own English chrome — the "Select all" first option of a multiselect, the
"No results" of a search that finds nothing, "Choose an option", the "Press Enter to
apply" hint of a text box — must not appear. Same set-up as test_e2e_browser.py (its
fixtures: the app on a free port, Debian's chromium, the network cut off).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlparse

import pytest
from _browser import offline_context, wait_for_table
from playwright.sync_api import Browser, Locator, Page

from dzgeo.filters import NO_PROJECTS_MARK

if TYPE_CHECKING:  # mypy names tests/web/ modules web.*; pytest puts tests/web on sys.path
    from web import test_e2e_browser as e2e
else:
    import test_e2e_browser as e2e

ARTIFACTS, wait_for_map = e2e.ARTIFACTS, e2e.wait_for_map

# the fixtures of test_e2e_browser.py, shared by name
app_server, browser, playwright = e2e.app_server, e2e.browser, e2e.playwright

pytestmark = pytest.mark.browser

#: Streamlit's English chrome, as the browser shows it.
ENGLISH = ("Select all", "matches", "No results", "Choose an option", "Press Enter", "apply")
LISTS = ("类别", "产业", "细分领域", "地点", "状态（台账）")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = offline_context(browser, 1366, 768)
    yield context.new_page()
    context.close()


def sidebar_list(page: Page, label: str) -> Locator:
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )


def settled(page: Page) -> None:
    """Wait until the run after the map's first draw is done (it draws the sidebar again:
    a list opened before that closes under the click)."""
    wait_for_table(page)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def open_list(page: Page, label: str) -> Locator:
    """Open the sidebar list ``label`` by its arrow; its options."""
    sidebar_list(page, label).locator('button[aria-haspopup="listbox"]').click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    return options


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


def test_the_sidebar_shows_no_english(app_server, page, layers):
    url, _ = app_server
    page.goto(f"{url}/?industry={quote('新能源')}")
    wait_for_map(page)
    settled(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    ARTIFACTS.mkdir(exist_ok=True)
    for label in LISTS:
        options = open_list(page, label)
        shown = options.all_inner_texts()
        assert shown and english_in(" ".join(shown)) == [], (label, shown)
        page.keyboard.type("zzz")  # a list is picked from: typing finds no "No results"
        page.wait_for_timeout(300)
        assert options.all_inner_texts() == shown, label
        assert english_in(page.locator("body").inner_text()) == [], label
        if label == "细分领域":
            page.screenshot(path=str(ARTIFACTS / "e2e-sidebar-subfields.png"))
            assert f"生物质能{NO_PROJECTS_MARK}" in shown  # 新能源's sub-field with none
            assert "风力发电及设备" in shown and "风力发电及装备" not in shown
        page.keyboard.press("Escape")
        page.get_by_role("heading", name="视图与筛选").click()  # out of the list
        options.first.wait_for(state="detached", timeout=10_000)
    # a typed box takes its text after a pause, with no "Press Enter to apply"
    field = sidebar.get_by_placeholder("项目或企业名称")
    field.click()
    page.keyboard.type("齐河")
    assert english_in(sidebar.inner_text()) == []
    page.wait_for_function(
        "new URLSearchParams(location.search).get('q') === '齐河'", timeout=20_000
    )
    assert parse_qs(urlparse(page.url).query)["industry"] == ["新能源"]
    assert english_in(sidebar.inner_text()) == []


def test_picking_a_subfield_with_no_projects_says_so(app_server, page, layers):
    url, _ = app_server
    page.goto(f"{url}/?industry={quote('新一代信息技术')}")
    first = wait_for_map(page)
    settled(page)
    box = sidebar_list(page, "细分领域")
    open_list(page, "细分领域")
    page.get_by_role("option", name=f"软件产业{NO_PROJECTS_MARK}").click()
    page.keyboard.press("Escape")
    second = wait_for_map(page, not_token=first["token"])
    assert second["payload"] == 0
    assert parse_qs(urlparse(page.url).query)["subfield"] == ["软件产业"]
    assert f"软件产业{NO_PROJECTS_MARK}" in box.inner_text()


#: Every tooltip and accessible name of the map's controls.
CONTROL_TITLES_JS = """() => Array.from(document.querySelectorAll(
    '.leaflet-control-container [title], .leaflet-control-container [aria-label]'))
  .map((el) => [el.getAttribute('title') || '', el.getAttribute('aria-label') || ''].join(' '))"""


def test_the_map_controls_say_their_names_in_chinese(app_server, page):
    """Leaflet titles its buttons Zoom in / Zoom out / Layers; the layer control is rebuilt
    with every run, so the check is made again after a filter change."""
    url, _ = app_server
    page.goto(url)
    first = wait_for_map(page)
    settled(page)
    control_titles_are_chinese(page)
    e2e.choose(page, "产业", "新能源")
    wait_for_map(page, not_token=first["token"])
    control_titles_are_chinese(page)


def control_titles_are_chinese(page: Page) -> None:
    titles = e2e.map_frame(page).evaluate(CONTROL_TITLES_JS)
    assert {"放大", "缩小", "图层"} <= {t.split()[0] for t in titles if t.strip()}, titles
    assert [t for t in titles if any("a" <= c.lower() <= "z" for c in t)] == [], titles
