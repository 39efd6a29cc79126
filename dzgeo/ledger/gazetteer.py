"""Dezhou's township gazetteer: 乡镇（街道） name -> representative point and county.

Read from geodata/townships.csv (built from the PyPI package ``sizhi`` by
scripts/build_townships.py; see geodata/SOURCES.md). A point is the centre of the
township's bounding box: approximate (±3 km), good enough to draw a project that has no
coordinates inside its township rather than at its county seat.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dzgeo.settings import GEODATA_DIR

__all__ = ["TOWNSHIPS_PATH", "Township", "find_township", "townships"]

TOWNSHIPS_PATH = GEODATA_DIR / "townships.csv"


@dataclass(frozen=True)
class Township:
    """One township or street of Dezhou."""

    name: str
    county: str
    adcode: str
    lon: float
    lat: float


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


@functools.lru_cache(maxsize=2)
def _read(path: str) -> dict[str, Township]:
    if not Path(path).is_file():
        return {}
    frame = pd.read_csv(path, dtype={"adcode": str}, encoding="utf-8")
    columns = zip(
        frame["name"].astype(str),
        frame["county"].astype(str),
        frame["adcode"].astype(str),
        frame["lon"].astype(float),
        frame["lat"].astype(float),
        strict=True,
    )
    return {
        _key(name): Township(name, county, adcode, lon, lat)
        for name, county, adcode, lon, lat in columns
    }


def townships(path: str | Path = TOWNSHIPS_PATH) -> dict[str, Township]:
    """Every township, by name (an empty dict when the gazetteer is not shipped)."""
    return _read(str(path))


def find_township(name: str, path: str | Path = TOWNSHIPS_PATH) -> Township | None:
    """The township called ``name`` (``宋官屯街道``; ``宋官屯`` also finds it), or None."""
    table = townships(path)
    key = _key(name)
    if not key:
        return None
    if key in table:
        return table[key]
    for suffix in ("镇", "乡", "街道"):
        if key + suffix in table:
            return table[key + suffix]
    return None
