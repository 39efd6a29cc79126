"""Synthetic project lists for the briefing tests: long lists made from the plan's rows."""

from __future__ import annotations

import pandas as pd

from dzgeo.data.published import Layers


def synthetic_projects(layers: Layers, n: int) -> pd.DataFrame:
    """``n`` projects made from the plan's rows, each with a name of its own."""
    base = layers.projects
    rows = base.iloc[[i % len(base) for i in range(n)]].copy()
    rows["id"] = [f"S-{i:03d}" for i in range(n)]
    rows["name"] = [f"合成测试项目{i:03d}号{name}" for i, name in enumerate(rows["name"])]
    return rows.reset_index(drop=True)
