"""What a filter change costs on the wire, on the real data: the app served for real and
driven by a client of Streamlit's websocket protocol (tests/_stclient.py), which reports
the elements it has seen, as a browser does, so unchanged ones travel as references.

The issue's budget: at most 50 kB per change (it was 238 kB, then 35–63 kB while the
project table's rows went again with every change). The table's rows now reach a page
once; what a change sends must not grow with the rows it shows.
"""

from __future__ import annotations

import asyncio

from _stclient import Session
from _support import REPO, served

#: Bytes one filter change may send (the issue's figure).
BUDGET = 50_000
PICKS = ("新能源", "高端装备", "文化旅游", "现代物流", "新材料", "生物技术", "纺织服装")


async def filter_changes(url: str) -> list[int]:
    """Bytes received for one more industry each time, then for the filter cleared."""
    session = Session(url)
    await session.open()
    sizes = []
    for k in range(1, len(PICKS) + 1):
        session.choose("产业", list(PICKS[:k]))
        sizes.append((await session.rerun()).received)
        summary = next(t for t in session.texts if "符合条件的重点项目" in t)
        assert all(f"{p}" in summary for p in PICKS[:k]), summary  # the pick took
    session.choose("产业", [])
    sizes.append((await session.rerun()).received)
    summary = next(t for t in session.texts if "符合条件的重点项目" in t)
    await session.close()
    assert "全部重点支持项目" in summary  # the last change did reach the app
    return sizes


def test_a_filter_change_stays_within_the_budget_whatever_it_shows():
    with served(REPO / "app.py") as (url, _):
        sizes = asyncio.run(filter_changes(url))
    assert max(sizes) <= BUDGET, sizes
    # 16 projects shown first, then up to 173, then all 272: hardly more (no rows travel;
    # before, each change sent its rows: 35 kB for 16 projects, 63 kB for 173)
    assert max(sizes) - sizes[0] < 4_000, sizes
