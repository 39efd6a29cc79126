"""Basemaps of the web map: their labels and tile layers (OpenStreetMap, 天地图, 高德)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dzgeo.filters import BASEMAPS

#: The label of each basemap id; the ids themselves are the URL contract in dzgeo.filters.
BASEMAP_LABELS: dict[str, str] = dict(
    zip(
        BASEMAPS,
        ("无底图（离线可用）", "OpenStreetMap", "天地图（需密钥）", "高德地图（GCJ-02）"),
        strict=True,
    )
)


@dataclass(frozen=True)
class TileSpec:
    """One tile layer of a basemap."""

    url: str
    attr: str
    name: str
    subdomains: str = "abc"
    overlay: bool = False


def basemap_tiles(basemap: str, *, tianditu_key: str = "") -> list[TileSpec]:
    """The tile layers of ``basemap`` (none: an empty list; 天地图 without a key: empty)."""
    if basemap == "osm":
        return [
            TileSpec(
                "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
                "OpenStreetMap",
                subdomains="abc",
            )
        ]
    if basemap == "tianditu" and tianditu_key.strip():
        key = re.sub(r"[^0-9A-Za-z]", "", tianditu_key)
        wmts = (
            "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk=" + key
        )
        attr = '&copy; <a href="https://www.tianditu.gov.cn/">天地图</a>'
        return [
            TileSpec(wmts.format(s="{s}", layer="vec"), attr, "天地图矢量", "01234567"),
            TileSpec(wmts.format(s="{s}", layer="cva"), attr, "天地图注记", "01234567", True),
        ]
    if basemap == "amap":
        return [
            TileSpec(
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                "&style=8&x={x}&y={y}&z={z}",
                '&copy; <a href="https://www.amap.com/">高德地图</a>（GCJ-02，叠加图层已同步偏移）',
                "高德地图",
                subdomains="1234",
            )
        ]
    return []
