"""The 重点项目 table with 50,000 synthetic projects in a real headless Chromium (Debian's,
network cut off): every row reaches the page once, only the rows in sight are in the
document, it scrolls to the last row, sorts, and follows a pick by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _browser import choose, offline_context, wait_for_map, wait_for_table
from _support import REPO, served, synthetic_layers_dir
from playwright.sync_api import Browser, Page

if TYPE_CHECKING:  # mypy names tests/web/ modules web.*; pytest puts tests/web on sys.path
    from web import test_e2e_browser as e2e
else:
    import test_e2e_browser as e2e

# the fixtures of test_e2e_browser.py, shared by name
browser, playwright = e2e.browser, e2e.playwright

pytestmark = pytest.mark.browser

N = 50_000
DRAWN_ROWS_JS = "() => document.querySelectorAll('.dz-table tbody tr[data-row]').length"
COUNT_JS = """() => { const m = document.querySelector('.leaflet-container');
  return m && m.getAttribute('data-dz-view') ? {token: m.getAttribute('data-dz-view')} : null; }"""


@pytest.fixture(scope="module")
def big_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    layers_dir = synthetic_layers_dir(N, tmp_path_factory.mktemp("big"))
    with served(REPO / "app.py", layers_dir=layers_dir) as (url, _proc):
        yield url, layers_dir


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = offline_context(browser, 1440, 1100)
    yield context.new_page()
    context.close()


def test_fifty_thousand_rows_scroll_sort_and_follow_a_pick(big_app, page):
    from dzgeo.data.published import read_layers
    from dzgeo.filters import ProjectFilter, apply_filter

    url, layers_dir = big_app
    layers = read_layers(str(layers_dir))
    page.goto(url)
    wait_for_map(page, COUNT_JS, timeout=120_000)
    assert wait_for_table(page, N, timeout=120_000) == N
    drawn = page.evaluate(DRAWN_ROWS_JS)
    assert 0 < drawn < 100  # the rows in sight and a few more, not 50,000
    # to the end: the last project's row is drawn
    last = str(layers.projects["id"].iloc[-1])
    page.locator(".dz-table-box").evaluate("(box) => { box.scrollTop = box.scrollHeight; }")
    page.locator(".dz-table tbody tr[data-row]", has_text=last).first.wait_for(timeout=10_000)
    assert page.evaluate(DRAWN_ROWS_JS) < 100
    # sorted by 编号, down: the largest first
    page.locator(".dz-table-box").evaluate("(box) => { box.scrollTop = 0; }")
    head = page.locator(".dz-table th button", has_text="编号")
    head.click()
    head.click()
    largest = max(layers.projects["id"].astype(str))  # S-00000 … S-49999: text order
    page.locator(".dz-table tbody tr[data-row]").first.filter(has_text=largest).wait_for()
    # a pick: the table shows the filter's projects
    choose(page, "产业", "新能源")
    n = len(apply_filter(layers.projects, ProjectFilter(industries=("新能源",)), layers.vocab))
    assert 0 < n < N
    assert wait_for_table(page, n, timeout=60_000) == n
