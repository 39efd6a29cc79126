"""The end-to-end tests' browser pieces: Debian's chromium offline, the map in the page.

Shared by tests/web/ (and usable by benchmarks): the launch with the network cut, the
map frame, waiting for the map to draw a view, picking a sidebar option.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright, Route

from dzgeo.web.mount import MOUNT_CLASS

CHROMIUM = Path("/usr/bin/chromium")
#: The flags every test browser runs with (the network is cut per context, by routing).
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: The map's box in the app page (dzmount.js puts the map there: no iframe).
MAP_BOX = f".{MOUNT_CLASS}"
#: The map drawn in that box.
MAP_READY = f"{MAP_BOX} .leaflet-container"


#: How many rows the 重点项目 table (dztable.js) shows; null until it has its data.
TABLE_ROWS_JS = (
    "() => { const t = document.querySelector('.dz-table[data-dz-rows]');"
    " return t ? Number(t.dataset.dzRows) : null; }"
)


def wait_for_table(page: Page, rows: int | None = None, timeout: float = 30_000) -> int:
    """Until the project table has its data (and shows ``rows`` rows); how many it shows.
    It comes with the run after the map's first draw, the rest of the page."""
    page.wait_for_function(
        f"(n) => {{ const r = ({TABLE_ROWS_JS})(); return r !== null && (n === null || r === n);}}",
        arg=rows,
        timeout=timeout,
    )
    return int(page.evaluate(TABLE_ROWS_JS))


def launch(playwright: Playwright) -> Browser:
    """Debian's chromium, headless; fails (never skips) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the end-to-end tests need Debian's chromium "
            "(apt-get install chromium); they fail rather than skip without it"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)


def offline_context(browser: Browser, width: int, height: int) -> BrowserContext:
    """A Chinese-locale browser context of ``width`` x ``height`` whose requests reach only
    this machine (the app); anything else is aborted, as on an office network offline."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.route("**/*", _local_only)
    return context


def _local_only(route: Route) -> None:
    host = urlparse(route.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def map_frame(page: Page, timeout: float = 30_000) -> Frame:
    """The frame the map is drawn in: the page's own, once the map is in it (tests call
    map functions and query the map's elements through it, as they would in an iframe)."""
    page.wait_for_selector(MAP_READY, timeout=timeout, state="attached")
    return page.main_frame


def map_centre(page: Page) -> tuple[float, float]:
    """The middle of the map's box, in the page's viewport (where the mouse moves)."""
    box = page.locator(MAP_BOX).bounding_box()
    assert box is not None, "the map is not in the page"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def page_point(page: Page, frame: Frame, point: dict) -> tuple[float, float]:
    """``point`` ({x, y} in ``frame``'s viewport, as getBoundingClientRect gives it) in the
    page's viewport, where the mouse moves: the same when the map sits in the page."""
    if frame is page.main_frame:
        return point["x"], point["y"]
    box = frame.frame_element().bounding_box()
    assert box is not None
    return box["x"] + point["x"], box["y"] + point["y"]


def wait_for_map(
    page: Page,
    count_js: str,
    *,
    not_token: str | None = None,
    timeout: float = 30_000,
    settle_ms: int = 0,
) -> dict:
    """Wait until ``count_js`` (a JS function returning ``{token, ...}`` or null) reports a
    drawn view whose token is not ``not_token``; its report after ``settle_ms``."""
    frame = map_frame(page)
    frame.wait_for_function(
        f"(old) => {{ const r = ({count_js})(); return r && r.token !== old; }}",
        arg=not_token,
        timeout=timeout,
    )
    if settle_ms:
        page.wait_for_timeout(settle_ms)
        frame = map_frame(page)
    return frame.evaluate(count_js)


def choose(page: Page, label: str, text: str) -> None:
    """Pick the option starting with ``text`` in the sidebar multiselect labelled ``label``."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    box.locator("input").click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.click()
    page.keyboard.press("Escape")
