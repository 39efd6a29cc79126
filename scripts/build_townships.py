"""Build geodata/townships.csv, Dezhou's township gazetteer, from the PyPI package ``sizhi``.

``sizhi`` (MIT licence) ships, in its module source, a dict of every administrative unit's
name -> WGS 84 bounding box ("左上右下": lon_min, lat_max, lon_max, lat_min). Importing it
needs network-only extras, so this script reads the dict with ``ast`` (nothing executed),
keeps the townships and streets (names ending in 镇 / 乡 / 街道 …) whose box centre falls in
one of Dezhou's 11 counties (geodata/counties.geojson), and writes one row each with its
county. The dict is keyed by name alone, so a name shared with a unit elsewhere in China
keeps only the last one: such a Dezhou township is missing here, and a project naming it is
placed at its county, as before.

    pip install sizhi==3.0.6 && python3 scripts/build_townships.py
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import json
import sys
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "geodata" / "townships.csv"
SUFFIXES = ("镇", "乡", "街道", "街道办事处", "民族乡")
MAX_SPAN_DEG = 0.4  # a township is smaller than this; larger boxes are counties


def sizhi_boxes() -> dict[str, list[float]]:
    spec = importlib.util.find_spec("sizhi")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("build_townships: pip install sizhi==3.0.6 first")
    source = Path(next(iter(spec.submodule_search_locations))) / "sizhi.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "dic":
            raw = ast.literal_eval(node.value)
            return {name: json.loads(box) for name, box in raw.items()}
    sys.exit(f"build_townships: no 'dic' in {source}")


def main() -> None:
    counties = gpd.read_file(ROOT / "geodata" / "counties.geojson")
    rows = []
    for name, (x0, y1, x1, y0) in sizhi_boxes().items():
        if not name.endswith(SUFFIXES) or max(x1 - x0, y1 - y0) > MAX_SPAN_DEG:
            continue
        centre = Point((x0 + x1) / 2, (y0 + y1) / 2)
        inside = counties[counties.contains(centre)]
        if inside.empty:
            continue
        county = inside.iloc[0]
        rows.append(
            {
                "name": name,
                "county": county["name"],
                "adcode": county["adcode"],
                "lon": round(centre.x, 6),
                "lat": round(centre.y, 6),
                "lon_min": round(x0, 6),
                "lat_min": round(y0, 6),
                "lon_max": round(x1, 6),
                "lat_max": round(y1, 6),
            }
        )
    rows.sort(key=lambda r: (r["adcode"], r["name"]))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT}: {len(rows)} townships from sizhi {version('sizhi')}")


if __name__ == "__main__":
    main()
