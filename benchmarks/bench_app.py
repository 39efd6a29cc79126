"""The app in headless Chromium against a bare Streamlit page; run by hand, prints figures.

    python benchmarks/bench_app.py [--trials 7] [--sizes real 50000] [--build]

1. Page open, interleaved: a bare Streamlit page (one ``st.write``) and the app, each
   served by its own ``streamlit run`` with the repo's .streamlit/config.toml, opened in
   turn (order alternating) in warm browser contexts. Bare: navigation to the text
   shown; app: navigation to the map having drawn its projects. Two clocks: the page's
   own (an observer in every document stamps the moment the text, or the map's drawn
   view, is in the page, and the next animation frame after it: painted) and a poll
   from here (sees it only when the page's main thread is free to answer). The ratio
   of the page-clock medians is the figure (the issue's target: ≤ 1.5 real data, ≤ 2
   with 50,000 projects); the poll's ratio and the websocket bytes per open beside it.
   ``--floor`` adds two pages holding only the app's map and one sidebar filter
   (benchmarks/pages/): through streamlit-folium's iframe (map-folium: how the app
   mounted its map before) and through st.components.v2 without an iframe (map-v2:
   the app's mount, without the rest of the page).
2. Filter change (real data): websocket bytes received per change (every frame counted,
   from the click until the run has finished and the socket is quiet), the time from the
   click to the project layer showing as many projects as the new filter lets through
   (the browser does that by itself, dzpicks.js; the issue's target: ≤ 250 ms median)
   and to the whole view (the server's token), script runs per change; pan and zoom:
   script runs (must be 0).

Every figure is printed with the load average: on a shared machine they are only
comparable within one run. Offline: every host but 127.0.0.1 fails to resolve.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _support import (
    BARE_APP,
    BARE_TEXT,
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    load,
    run_times,
    served,
    synthetic_layers_dir,
)
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'  # the map-folium floor page
MAP_BOX = ".dz-map-box"  # the app's map, in the page (dzgeo.web.mount.MOUNT_CLASS)
#: In every document: the epoch ms at which the bare page's text (``what``: the text)
#: or the map's drawn view (``what``: null; data-dz-view set) is first in the page
#: (``seen``) and the animation frame after it (``painted``), ±10 ms.
STAMP_JS = """((what) => {
  const stamps = (window.__dzStamps = {});
  const now = () => performance.timeOrigin + performance.now();
  const check = () => {
    if (stamps.seen) return;
    const there = what
      ? document.body && document.body.textContent.includes(what)
      : document.querySelector('.leaflet-container[data-dz-view]');
    if (!there) return;
    stamps.seen = now();
    clearInterval(poll);
    requestAnimationFrame(() => { stamps.painted = now(); });
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['data-dz-view'],
  });
  // and every 10 ms: streamlit-folium writes its iframe's document anew, which the
  // observer does not see
  const poll = setInterval(check, 10);
})(%s);"""
TOKEN_JS = """() => { const m = document.querySelector('.leaflet-container');
  return m && window.dzReady ? m.getAttribute('data-dz-view') : null; }"""
INDUSTRIES = ("新能源", "高端装备", "文化旅游", "现代物流", "新材料", "生物技术", "纺织服装")


class Wire:
    """Bytes the page's websockets received (every frame, text or binary)."""

    def __init__(self, page) -> None:
        self.received = 0
        self.frames = 0
        self.last = time.perf_counter()
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.received += len(payload if isinstance(payload, bytes) else payload.encode())
        self.frames += 1
        self.last = time.perf_counter()

    def quiet(self, page, seconds: float = 0.4, timeout: float = 30) -> None:
        """Wait until no frame arrived for ``seconds``."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() - self.last < seconds and time.perf_counter() < deadline:
            page.wait_for_timeout(50)


def map_frame(page):
    page.wait_for_selector(MAP_IFRAME, timeout=120_000, state="attached")
    return page.query_selector(MAP_IFRAME).content_frame()


def wait_token(page, old: str | None, timeout: float = 120, *, framed: bool = False) -> str:
    """The map's view token once it differs from ``old``, polled (``framed``: the map
    sits in an iframe, which may be new)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            token = (map_frame(page) if framed else page).evaluate(TOKEN_JS)
        except PlaywrightError:  # the iframe was replaced or is still loading
            token = None
        if token and token != old:
            return token
        page.wait_for_timeout(10)
    raise TimeoutError(f"the map did not show a view other than {old!r}")


class Opened(NamedTuple):
    """An app page opened by :func:`open_app`."""

    took: float  # seconds to the map drawn, polled
    received: int  # websocket bytes by then
    page: Page
    token: str  # the map's view token
    wire: Wire  # the page's websocket counter
    painted: float  # seconds to the map painted, by the page's own clock


def open_app(context: BrowserContext, url: str, *, framed: bool = False) -> Opened:
    """Open the app at ``url`` and wait for its map (``framed``: in an iframe)."""
    page = context.new_page()
    wire = Wire(page)
    start = time.perf_counter()
    page.goto(url)
    token = wait_token(page, None, framed=framed)
    took = time.perf_counter() - start
    wire.quiet(page)
    return Opened(took, wire.received, page, token, wire, painted(page, framed=framed))


def painted(page: Page, *, framed: bool = False) -> float:
    """Seconds from the navigation to the first frame after the text or the map was in
    the page, by the page's own clock (STAMP_JS; an iframe's stamps are the iframe's)."""
    target = map_frame(page) if framed else page
    try:
        target.wait_for_function("() => window.__dzStamps && window.__dzStamps.painted")
    except PlaywrightError as exc:
        stamps = target.evaluate("() => [location.href, window.__dzStamps, document.title]")
        raise RuntimeError(f"no paint stamp in {stamps}") from exc
    at = target.evaluate("() => window.__dzStamps.painted")
    return (at - page.evaluate("() => performance.timeOrigin")) / 1000


def open_bare(context, url: str) -> tuple[float, int, float]:
    page = context.new_page()
    wire = Wire(page)
    start = time.perf_counter()
    page.goto(url)
    page.get_by_text(BARE_TEXT).wait_for(timeout=60_000)
    took = time.perf_counter() - start
    wire.quiet(page)
    own = painted(page)
    page.close()
    return took, wire.received, own


def pick(page, label: str, shown: str):
    """Open the sidebar multiselect ``label`` by its arrow; the option shown as ``shown``
    (not clicked; nothing typed: the list is virtual, a typed search scrolls it)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    box.locator('button[aria-haspopup="listbox"]').click()
    option = page.get_by_role("listbox", name=label).get_by_role("option", name=shown, exact=True)
    option.wait_for()
    return option


def industry_steps(n: int) -> list[tuple[str, int]]:
    """The shown text of one more industry each time and how many projects the filter
    then lets through (the filter rule on the real layers)."""
    from dzgeo.data.published import read_layers
    from dzgeo.filters import ProjectFilter, apply_filter, subfield_counts
    from dzgeo.settings import layers_dir
    from dzgeo.web.picks import pick_lists

    layers = read_layers(layers_dir())
    vocab = layers.vocab
    industries = pick_lists(vocab, subfield_counts(layers.projects, vocab))["industries"]
    steps = []
    for k, name in enumerate(INDUSTRIES[:n]):
        flt = ProjectFilter(industries=INDUSTRIES[: k + 1])
        steps.append((industries.format(name), len(apply_filter(layers.projects, flt, vocab))))
    return steps


#: In the map's document: each change of the project count or the view token, with when
#: it happened and when the frame that draws it began (ms since the epoch).
WATCH_MAP_JS = """() => { const m = document.querySelector('.leaflet-container');
  window.dzBench = [];
  new MutationObserver((records) => { const at = performance.timeOrigin + performance.now();
    for (const r of records) { const value = m.getAttribute(r.attributeName);
      requestAnimationFrame(() => window.dzBench.push(
        [r.attributeName, value, at, performance.timeOrigin + performance.now()])); } })
  .observe(m, {attributes: true, attributeFilter: ['data-dz-projects', 'data-dz-view']}); }"""
#: In the app page: when each click happened (the event's own time, ms since the epoch).
WATCH_CLICKS_JS = """() => { window.dzClicks = [];
  document.addEventListener('click', (e) => window.dzClicks.push(
    performance.timeOrigin + e.timeStamp), true); }"""


def poll_floor(page, trials: int, *, framed: bool = False) -> list[float]:
    """ms from Playwright's click call to a poll seeing what the click's own handler did
    at once (a mark on the map's element, set by a click on the sidebar's heading): what
    the poll figures hold besides the page's work."""
    target = map_frame(page) if framed else page
    target.evaluate(
        """() => { const m = document.querySelector('.leaflet-container');
        window.parent.document.addEventListener('click', () => m.setAttribute('data-dz-bench',
          String(Number(m.getAttribute('data-dz-bench') || 0) + 1)), true); }"""
    )
    heading = page.locator('[data-testid="stSidebar"]').get_by_role("heading").first
    floor = []
    for k in range(1, trials + 1):
        start = time.perf_counter()
        heading.click()
        target.wait_for_function(
            "(k) => document.querySelector('.leaflet-container')"
            ".getAttribute('data-dz-bench') === String(k)",
            arg=k,
            polling="raf",
        )
        floor.append((time.perf_counter() - start) * 1000)
        page.wait_for_timeout(300)
    return floor


def page_clock(page, n: int, old_token: str, *, framed: bool = False) -> tuple[float, float]:
    """By the page's own clock, ms from the last click to the frame drawing ``n``
    projects and to the frame drawing a view token other than ``old_token``."""
    clicked = page.evaluate("() => window.dzClicks[window.dzClicks.length - 1]")
    changes = (map_frame(page) if framed else page).evaluate("() => window.dzBench")
    after = [(name, v, f) for name, v, at, f in changes if at >= clicked]
    layer = min(f for name, v, f in after if name == "data-dz-projects" and v == str(n))
    view = min(f for name, v, f in after if name == "data-dz-view" and v != old_token)
    return layer - clicked, view - clicked


def wait_projects(page, n: int, *, framed: bool = False, timeout: float = 120_000) -> None:
    """Until the map's project layer shows ``n`` projects (``data-dz-projects``)."""
    target = map_frame(page) if framed else page
    target.wait_for_function(
        "(n) => { const m = document.querySelector('.leaflet-container');"
        " return m && m.getAttribute('data-dz-projects') === String(n); }",
        arg=n,
        polling="raf",
        timeout=timeout,
    )


def bench_open(browser, urls: dict[str, str], trials: int) -> dict[str, list[float]]:
    """Interleaved opens of every served page; prints medians and ratios to 'bare'."""
    viewport = {"width": 1440, "height": 1100}
    contexts = {name: browser.new_context(viewport=viewport) for name in urls}
    for name, context in contexts.items():
        context.add_init_script(STAMP_JS % json.dumps(BARE_TEXT if name == "bare" else None))
    polled: dict[str, list[float]] = {name: [] for name in urls}
    wire: dict[str, list[int]] = {name: [] for name in urls}
    own: dict[str, list[float]] = {name: [] for name in urls}
    names = list(urls)

    def one(name: str) -> tuple[float, int, float]:
        if name == "bare":
            return open_bare(contexts[name], urls[name])
        opened = open_app(contexts[name], urls[name], framed=name == "map-folium")
        opened.page.close()
        return opened.took, opened.received, opened.painted

    for name in names:  # warm-up: server caches, browser HTTP cache
        one(name)
    for trial in range(trials):
        for name in names if trial % 2 == 0 else names[::-1]:
            took, received, at = one(name)
            polled[name].append(took)
            wire[name].append(received)
            own[name].append(at)
    bare_own = statistics.median(own["bare"])
    bare_poll = statistics.median(polled["bare"])
    print(f"\nPage open, {trials} interleaved trials, warm ({load()})")
    print("    page | painted s (page clock): median   min   max | ratio to bare", end="")
    print(" || polled s | its ratio | websocket bytes")
    for name in names:
        med = statistics.median(own[name])
        poll = statistics.median(polled[name])
        print(
            f"{name:>8} | {med:37.2f} {min(own[name]):5.2f} {max(own[name]):5.2f} | "
            f"{med / bare_own:13.2f} || {poll:8.2f} | {poll / bare_poll:9.2f} | "
            f"{int(statistics.median(wire[name])):>15,}"
        )
    for context in contexts.values():
        context.close()
    return own


def bench_interactions(browser, url: str, log: Path, trials: int) -> None:
    """Filter changes and pan/zoom on the real-data app, in the 项目 view (the 布局 view
    keeps the project layer switched off; it is built when switched on)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    context.add_init_script(STAMP_JS % "null")
    _, _, page, token, wire, _ = open_app(context, f"{url}/?view={quote('项目')}")
    # the pick lists' option masks come with the run after the map drew (on the app page)
    page.wait_for_function("() => window.dzPicks && window.dzPicks.lists", timeout=60_000)
    page.wait_for_timeout(800)
    page.evaluate(WATCH_CLICKS_JS)
    page.evaluate(WATCH_MAP_JS)
    sent, updated, layer, runs, script, clock = [], [], [], [], [], []
    for shown, n in industry_steps(trials):
        option = pick(page, "产业", shown)
        wire.quiet(page, 0.3)
        before_bytes, before_runs = wire.received, len(run_times(log))
        start = time.perf_counter()
        option.click()
        wait_projects(page, n)
        layer.append(time.perf_counter() - start)
        old_token, token = token, wait_token(page, token)
        updated.append(time.perf_counter() - start)
        clock.append(page_clock(page, n, old_token))
        deadline = time.perf_counter() + 30
        while len(run_times(log)) == before_runs and time.perf_counter() < deadline:
            page.wait_for_timeout(20)
        wire.quiet(page)
        sent.append(wire.received - before_bytes)
        runs.append(len(run_times(log)) - before_runs)
        script += run_times(log)[before_runs:]
        page.keyboard.press("Escape")
    floor = poll_floor(page, trials)
    box = page.locator(MAP_BOX).bounding_box()
    if box is None:
        raise RuntimeError("the map is not visible")
    page.wait_for_timeout(800)
    before = len(run_times(log))
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for _ in range(3):
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx - 150, cy - 80, steps=8)
        page.mouse.up()
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(400)
    page.evaluate("() => window.map && window.map.setZoom(window.map.getZoom() - 1)")
    page.wait_for_timeout(1500)
    pan_runs = len(run_times(log)) - before
    context.close()
    print(f"\nFilter change (one more industry each time), {len(sent)} changes ({load()})")
    print(f"  websocket bytes per change: median {int(statistics.median(sent)):,}", end="")
    print(f"  (min {min(sent):,}, max {max(sent):,})")
    # the page's clock: from the click event to the frame that draws it; the poll: from
    # Playwright's click call to a poll seeing it (the input dispatch, the round trips and
    # a main thread busy with Streamlit's own work after the click come on top)
    figures = (
        ("project layer updated (page clock)", [c[0] for c in clock]),
        ("whole view updated (page clock)", [c[1] for c in clock]),
        ("project layer updated (poll)", [t * 1000 for t in layer]),
        ("whole view updated (poll)", [t * 1000 for t in updated]),
        ("poll floor (a click the page answers at once)", floor),
    )
    for what, times in figures:
        ms = [round(t) for t in times]
        print(f"  {what} after the click: median {statistics.median(ms):.0f} ms", end="")
        print(f"  (min {min(ms)}, max {max(ms)})")
    run_ms = statistics.median(script) * 1000
    print(f"  script runs per change: {runs}; script run median {run_ms:.0f} ms")
    print(f"  pan/zoom (3 drags, 3 wheel zooms, 1 zoom out): {pan_runs} script runs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trials", type=int, default=7)
    parser.add_argument("--sizes", nargs="+", default=["real", "50000"])
    parser.add_argument("--floor", action="store_true", help="add the map-only page")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    print(f"bench_app at {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC; {load()}")
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as pw:
        tmp = Path(tmp_name)
        bare = tmp / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        pages = tmp / "pages"  # the floor pages, next to the app's static/ as app.py is
        shutil.copytree(Path(__file__).resolve().parent / "pages", pages)
        (pages / "static").symlink_to(REPO / "static")
        dirs = {
            size: None if size == "real" else synthetic_layers_dir(int(size), tmp)
            for size in args.sizes
        }
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        logs = {size: tmp / f"runs-{size}.log" for size in dirs}
        with served(bare) as (bare_url, _):
            servers = {}
            try:
                for size, layers_dir in dirs.items():
                    ctx = served(REPO / "app.py", layers_dir=layers_dir, run_log=logs[size])
                    servers[size] = (ctx, ctx.__enter__()[0])
                urls = {"bare": bare_url} | {
                    f"app-{size}": url for size, (_, url) in servers.items()
                }
                for name in ("map-folium", "map-v2") if args.floor else ():
                    ctx = served(pages / f"{name.replace('-', '_')}.py")
                    servers[name] = (ctx, ctx.__enter__()[0])
                    urls[name] = servers[name][1]
                bench_open(browser, urls, args.trials)
                if "real" in servers:
                    bench_interactions(browser, servers["real"][1], logs["real"], args.trials)
            finally:
                for ctx, _ in servers.values():
                    ctx.__exit__(None, None, None)
        browser.close()
    print(f"\ndone; {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
