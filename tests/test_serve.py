"""scripts/serve.sh: two app replicas behind nginx, driven through it.

Sticky sessions (the dzroute cookie always reaches the same replica, and sessions spread
over both), static files from nginx with caching, protocol-level sessions on both
replicas running filter changes, one real Chromium page drawing the map and
following a filter change through the proxy, and the replicas sharing one ledger in
PostgreSQL (``DZGEO_STORE=postgresql://…``): a version imported while sessions are open
on both reaches the map and the counts of each.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from _browser import map_frame
from _stclient import Session
from _support import PG_HOWTO, pg_schema_store
from playwright.sync_api import sync_playwright

from dzgeo.ledger.fields import HEADERS

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
    """Status, headers (``route``: the dzroute cookie set, if any) and body."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            status, message, body = reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as err:
        status, message, body = err.code, err.headers, b""
    headers = dict(message)
    routes = [c.split(";", 1)[0] for c in message.get_all("Set-Cookie") or []]
    headers["route"] = next((c for c in routes if c.startswith("dzroute=")), "")
    return status, headers, body


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The replicas' ledger: a fresh PostgreSQL schema when ``DZGEO_TEST_PG`` is set (CI),
    else a SQLite file of the test's own (never the checkout's var/ledger.gpkg)."""
    if os.environ.get("DZGEO_TEST_PG", "").strip() or os.environ.get("CI"):
        with pg_schema_store() as url:
            yield url
    else:
        yield str(tmp_path_factory.mktemp("serve") / "ledger.gpkg")


@pytest.fixture(scope="module")
def proxy(store: str) -> Iterator[str]:
    """``serve.sh --replicas 2`` on a free port with ``DZGEO_STORE=store``; yields the
    nginx URL."""
    if shutil.which("nginx") is None:
        pytest.fail("nginx not found: scripts/setup.sh --dev installs Debian's nginx")
    port = free_port()
    proc = subprocess.Popen(
        ["bash", "scripts/serve.sh", "--replicas", "2", "--port", str(port), "--host",
         "127.0.0.1"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, env={**os.environ, "DZGEO_STORE": store},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while get_ok(f"{url}/_stcore/health") is False:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout and proc.poll() is not None else ""
                pytest.fail(f"serve.sh did not come up:\n{out}")
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def get_ok(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def test_cookie_keeps_a_browser_on_one_replica_and_spreads_browsers(proxy):
    seen: dict[str, str] = {}
    for _ in range(16):
        status, headers, _ = get(f"{proxy}/_stcore/health")
        assert status == 200
        cookie = headers["route"]
        assert re.fullmatch(r"dzroute=[0-9a-f]{32}", cookie)
        seen[cookie] = headers["X-Dzgeo-Replica"]
    assert len(set(seen.values())) == 2, "16 browsers all went to one replica"
    for cookie, replica in list(seen.items())[:6]:
        for _ in range(3):
            status, headers, _ = get(f"{proxy}/_stcore/health", cookie)
            assert headers["X-Dzgeo-Replica"] == replica
            assert headers["route"] == ""  # the cookie is set once


def test_static_files_come_from_nginx_with_caching(proxy):
    status, _, page = get(f"{proxy}/")
    assert status == 200
    bundle = re.search(rb'src="\./(static/js/[^"]+\.js)"', page)
    assert bundle is not None
    status, headers, _ = get(f"{proxy}/{bundle.group(1).decode()}")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert not headers.get("X-Dzgeo-Replica")  # no replica was asked
    status, headers, _ = get(f"{proxy}/app/static/vendor/leaflet-1.9.4/leaflet.js")
    assert status == 200 and "max-age=86400" in headers["Cache-Control"]
    status, headers, body = get(f"{proxy}/app/static/dzgeo/dzmap.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache" and headers["ETag"]
    assert b"dz.view" in body


def test_sessions_on_both_replicas_follow_their_filters(proxy):
    cookies: dict[str, str] = {}
    while len(set(cookies.values())) < 2 or len(cookies) < 4:
        headers = get(f"{proxy}/_stcore/health")[1]
        cookies[headers["route"]] = headers["X-Dzgeo-Replica"]
    picks = ["新能源", "高端装备", "文化旅游", "现代物流"]

    async def planner(cookie: str, industry: str) -> tuple[str, str]:
        session = Session(proxy, cookies=cookie)
        await session.open()
        before = next(t for t in session.texts if "符合条件的重点项目" in t)
        session.choose("产业", [industry])
        await session.rerun()
        after = next(t for t in session.texts if "符合条件的重点项目" in t)
        await session.close()
        return before, after

    async def everyone():
        return await asyncio.gather(
            *(planner(c, picks[k % 4]) for k, c in enumerate(list(cookies)[:6]))
        )

    for k, (before, after) in enumerate(asyncio.run(everyone())):
        assert "全部重点支持项目" in before
        assert f"产业：{picks[k % 4]}" in after


def test_a_browser_draws_the_map_through_nginx(proxy):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1440, "height": 1100})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(proxy)
        frame = map_frame(page, timeout=60_000)
        frame.wait_for_function("window.dzReady && window.dzReady.projects > 0", timeout=60_000)
        total = frame.evaluate("window.dzReady.projects")
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
            has=page.get_by_text("产业", exact=True)
        )
        box.locator("input").click()
        page.keyboard.type("新能源")
        page.get_by_role("option", name="新能源").first.click()
        page.keyboard.press("Escape")
        frame.wait_for_function(
            "(n) => window.dzReady && window.dzReady.projects < n", arg=total, timeout=60_000
        )
        assert 0 < frame.evaluate("window.dzReady.projects") < total
        assert errors == []
        browser.close()


def replica_cookies(proxy: str) -> dict[str, str]:
    """One dzroute cookie per replica: replica address -> cookie."""
    found: dict[str, str] = {}
    while len(found) < 2:
        headers = get(f"{proxy}/_stcore/health")[1]
        found.setdefault(headers["X-Dzgeo-Replica"], headers["route"])
    return found


def summary(session: Session) -> str:
    return next(t for t in session.texts if "符合条件的重点项目" in t)


def dzgeo_cli(*args: str, store: str) -> None:
    done = subprocess.run(
        ["python3", "-m", "dzgeo.cli", *args, "--store", store],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_replicas_share_one_postgresql_ledger(proxy, store, tmp_path):
    """Sessions open on both replicas; a ledger version imported (the CLI, on the same
    PostgreSQL) shows on the next run of each: version, counts, the map's view."""
    if not store.startswith("postgresql"):
        pytest.skip(f"the shared PostgreSQL ledger needs DZGEO_TEST_PG: {PG_HOWTO}")
    cookies = replica_cookies(proxy)
    template = tmp_path / "台账.xlsx"
    dzgeo_cli("template", "-o", str(template), store=store)
    book = openpyxl.load_workbook(template)
    sheet = book["台账"]
    header = {str(cell.value): int(cell.column or 0) for cell in sheet[1]}
    under_way = 3
    for row in range(2, 2 + under_way):
        sheet.cell(row, header[HEADERS["status"]]).value = "在建"
        sheet.cell(row, header[HEADERS["investment_total"]]).value = 2.5
    book.save(template)

    async def share() -> None:
        sessions = [Session(proxy, cookies=c) for c in cookies.values()]
        for s in sessions:
            await s.open()
            assert "台账第 0 版" in summary(s) and "台账尚未填写状态与投资" in summary(s)
        tokens = [s.view_token for s in sessions]
        assert all(tokens)
        await asyncio.to_thread(dzgeo_cli, "import", str(template), store=store)
        for s, token in zip(sessions, tokens, strict=True):
            await s.rerun()
            assert "台账第 1 版" in summary(s)
            assert f"在建 {under_way} 个" in summary(s) and "总投资 7.50 亿元" in summary(s)
            assert s.view_token and s.view_token != token  # the map follows the version
            s.choose("状态（台账）", ["在建"])
            await s.rerun()
            assert f"**{under_way}** 个" in summary(s)
        await asyncio.gather(*(s.close() for s in sessions))

    asyncio.run(share())
