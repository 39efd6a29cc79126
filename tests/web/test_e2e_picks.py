"""The map follows a pick in the sidebar before the server answers (dzpicks.js).

The page's websocket goes through Playwright's route: after the click, the server's
messages are held back, and the map must already show as many projects as the new
filter lets through (worked out here with the filter rule on the real layers) while
its view token is still the old one; released, the server's view agrees. Same set-up
as test_e2e_browser.py (its fixtures: the app on a free port, Debian's chromium, the
network cut off).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

import _browser
import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dzgeo.filters import ProjectFilter, apply_filter

if TYPE_CHECKING:  # mypy names tests/web/ modules web.*; pytest puts tests/web on sys.path
    from web import test_e2e_browser as e2e
else:
    import test_e2e_browser as e2e

# the fixtures of test_e2e_browser.py, shared by name
app_server, browser, playwright = e2e.app_server, e2e.browser, e2e.playwright

pytestmark = pytest.mark.browser

VIEW_JS = """() => { const m = document.querySelector('.leaflet-container');
  return m && [m.getAttribute('data-dz-view'), m.getAttribute('data-dz-projects')]; }"""


class HeldSocket:
    """The page's Streamlit websocket, the server's messages held back on demand."""

    def __init__(self, page: Page) -> None:
        self.holding = False
        self.held: list[str | bytes] = []
        self.seen: list[bytes] = []  # every message from the server
        self.route: WebSocketRoute | None = None
        page.route_web_socket(re.compile(r"/_stcore/stream"), self._connect)

    def _connect(self, route: WebSocketRoute) -> None:
        server = route.connect_to_server()
        self.route = route
        server.on_message(self._from_server)

    def _from_server(self, message: str | bytes) -> None:
        self.seen.append(message.encode() if isinstance(message, str) else message)
        if self.holding:
            self.held.append(message)
        elif self.route is not None:
            self.route.send(message)

    def hold(self) -> None:
        self.holding = True

    def wait_for_run(self, page: Page, timeout: float = 60) -> None:
        """Until the held messages hold a whole run (its view update among them): the
        server's ``script_finished``."""
        deadline = time.monotonic() + timeout
        while not any(finished(m) for m in self.held):
            assert time.monotonic() < deadline, "the server finished no run after the click"
            page.wait_for_timeout(50)

    def release(self) -> None:
        assert self.route is not None
        self.holding = False
        for message in self.held:
            self.route.send(message)
        self.held.clear()


def finished(message: str | bytes) -> bool:
    """Whether ``message`` is Streamlit's end of a script run."""
    if isinstance(message, str):
        return False
    forward = ForwardMsg()
    forward.ParseFromString(message)
    return forward.WhichOneof("type") == "script_finished"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = _browser.offline_context(browser, 1440, 1100)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def sidebar_list(page: Page, label: str):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )


def out_of_the_lists(page: Page) -> None:
    """Close an open list and leave it: a focused list is taller, and what is under it
    moves when it loses focus."""
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="视图与筛选").click()


def pick(page: Page, label: str, shown: str) -> None:
    """Click the option shown as ``shown`` in the sidebar list ``label`` (opened by its
    arrow, nothing typed: the list is virtual, a typed search scrolls it under the click)."""
    sidebar_list(page, label).locator('button[aria-haspopup="listbox"]').click()
    listbox = page.get_by_role("listbox", name=label)
    listbox.get_by_role("option", name=shown, exact=True).click()
    out_of_the_lists(page)


def opened(page: Page, url: str, view: str = "项目") -> None:
    """The app in ``view`` (项目: its project layer on), the option masks arrived."""
    page.goto(f"{url}/?view={quote(view)}")
    e2e.wait_for_map(page)
    _browser.wait_for_table(page)
    page.wait_for_function("() => window.dzPicks && window.dzPicks.lists", timeout=30_000)
    idle(page)


def idle(page: Page) -> None:
    """Until no script run is going on (Streamlit's running indicator is gone)."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def ahead_of_the_server(
    page: Page, held: HeldSocket, act: Callable[[], None], n: int, *, drawn: bool = True
) -> None:
    """``act`` with the server's answer held back: the map shows ``n`` projects with the
    old token; then the server's answer, with a new token and the same ``n``
    (``drawn``: the project layer is switched on, its clusters and markers count too)."""
    idle(page)  # the last run is over: what is held next is the click's
    frame = _browser.map_frame(page)
    token, _ = frame.evaluate(VIEW_JS)
    held.hold()
    act()
    frame.wait_for_function(f"({VIEW_JS})()[1] === '{n}'", timeout=10_000)
    # the server's run, with its view, came meanwhile (held here): the map did not wait
    held.wait_for_run(page)
    assert frame.evaluate(VIEW_JS) == [token, str(n)]
    # nor did the project table: it shows the map's rows by itself
    assert page.evaluate(_browser.TABLE_ROWS_JS) == n
    # the projects behind the clusters and markers a reader sees
    assert not drawn or frame.evaluate(e2e.COUNT_JS)["n"] == n
    held.release()
    after = e2e.wait_for_map(page, not_token=token)
    assert after["payload"] == n and (not drawn or after["n"] == n)


def carrying(held: HeldSocket, pattern: str) -> list[bytes]:
    """The held server messages matching ``pattern`` (a regular expression: the view
    component's data is JSON as Streamlit writes it, a space after each colon)."""
    found = re.compile(pattern.encode())
    return [m for m in held.seen if found.search(m)]


def count(layers, **fields) -> int:
    return len(apply_filter(layers.projects, ProjectFilter(**fields), layers.vocab))


def test_a_pick_shows_on_the_map_before_the_server_answers(app_server, page, layers):
    url, _ = app_server
    held = HeldSocket(page)
    opened(page, url)
    everything = len(layers.projects)
    sidebar = page.locator('[data-testid="stSidebar"]')

    ahead_of_the_server(
        page,
        held,
        lambda: pick(page, "产业", "新能源（新兴）"),
        count(layers, industries=("新能源",)),
    )
    ahead_of_the_server(
        page,
        held,
        lambda: pick(page, "地点", "德城区"),
        count(layers, industries=("新能源",), places=("德城区",)),
    )
    ahead_of_the_server(
        page,
        held,
        lambda: pick(page, "产业", "高端装备（新兴）"),
        count(layers, industries=("新能源", "高端装备"), places=("德城区",)),
    )
    # a chip's remove button
    chip = sidebar_list(page, "产业").locator('[data-tag][aria-label="新能源（新兴）"] button')

    def remove_chip() -> None:
        chip.click()
        out_of_the_lists(page)

    ahead_of_the_server(
        page, held, remove_chip, count(layers, industries=("高端装备",), places=("德城区",))
    )
    # one list's clear-all
    clear_places = sidebar_list(page, "地点").locator('button[aria-label="Clear all"]')
    ahead_of_the_server(page, held, clear_places.click, count(layers, industries=("高端装备",)))
    # the keyboard: Enter on the highlighted option (the second: two steps down)
    place = layers.vocab.filter_places()[1]

    def enter_second_place() -> None:
        sidebar_list(page, "地点").locator('input[role="combobox"]').focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        out_of_the_lists(page)

    ahead_of_the_server(
        page, held, enter_second_place, count(layers, industries=("高端装备",), places=(place,))
    )
    # 清除筛选: everything again (a keyword, which the map leaves to the server, too)
    token = _browser.map_frame(page).evaluate(VIEW_JS)[0]
    sidebar.get_by_placeholder("项目或企业名称").fill("德州")
    e2e.wait_for_map(page, not_token=token)
    page.wait_for_function(
        "new URLSearchParams(location.search).get('q') === '德州'", timeout=20_000
    )
    assert count(layers, industries=("高端装备",), places=(place,), text="德州") < everything
    clear = sidebar.get_by_role("button", name="清除筛选")
    ahead_of_the_server(page, held, clear.click, everything)
    # the option masks came once, not with the page's first view (the map's ask)
    assert len(carrying(held, r'"picks": ?\{"packed"')) == 1
    asks = carrying(held, r'"ask": ?"')
    assert asks and not asks[0].count(b'"picks"')


def test_a_pick_that_narrows_the_sub_fields_waits_for_the_server(app_server, page, layers):
    """An industry removed while sub-fields are picked can drop some of them (the app
    keeps only the sub-fields of the industries left): the map leaves that to the server.
    Composed here it would show 高端装备 AND 太阳能利用, none; the server drops 太阳能利用."""
    url, _ = app_server
    held = HeldSocket(page)
    opened(page, url)
    frame = _browser.map_frame(page)
    for label, shown in (
        ("产业", "新能源（新兴）"),
        ("产业", "高端装备（新兴）"),
        ("细分领域", "太阳能利用"),
    ):
        token = frame.evaluate(VIEW_JS)[0]
        pick(page, label, shown)
        e2e.wait_for_map(page, not_token=token)
    fields = {"industries": ("新能源", "高端装备"), "subfields": ("太阳能利用",)}
    assert frame.evaluate(VIEW_JS)[1] == str(count(layers, **fields))
    idle(page)
    token, shown = frame.evaluate(VIEW_JS)
    held.hold()
    sidebar_list(page, "产业").locator('[data-tag][aria-label="新能源（新兴）"] button').click()
    out_of_the_lists(page)
    held.wait_for_run(page)
    assert frame.evaluate(VIEW_JS) == [token, shown]
    held.release()
    after = e2e.wait_for_map(page, not_token=token)
    assert after["payload"] == count(layers, industries=("高端装备",)) > 0


def test_a_pick_counts_on_a_project_layer_switched_off(app_server, page, layers):
    """The 布局 view opens with the project layer off (built only when switched on): a
    pick still counts at once, and the layer switched on shows the server's view."""
    url, _ = app_server
    held = HeldSocket(page)
    opened(page, url, view="布局")
    n = count(layers, industries=("新能源",))
    ahead_of_the_server(page, held, lambda: pick(page, "产业", "新能源（新兴）"), n, drawn=False)
    frame = _browser.map_frame(page)
    layer = frame.locator(".leaflet-control-layers label").filter(has_text="重点项目")
    layer.locator("input").check()
    frame.wait_for_function(f"({e2e.COUNT_JS})().n === {n}")
