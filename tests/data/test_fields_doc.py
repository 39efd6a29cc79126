"""layers/FIELDS.md is the contract GIS users read: it must name the fields the build writes."""

from __future__ import annotations

import json
import re

from dzgeo.data.published import PROJECT_FIELDS
from dzgeo.settings import LAYERS_DIR


def _documented_fields(file_name: str) -> list[str]:
    """The backticked field names of ``file_name``'s row in FIELDS.md, in order."""
    text = (LAYERS_DIR / "FIELDS.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| `{file_name}`"))
    fields_cell = row.split("|")[3]
    return re.findall(r"`([a-z_]+)`", fields_cell)


def test_fields_md_lists_the_project_fields_in_order() -> None:
    assert _documented_fields("projects.geojson") == list(PROJECT_FIELDS)


def test_the_published_projects_carry_exactly_the_documented_fields() -> None:
    doc = json.loads((LAYERS_DIR / "projects.geojson").read_text(encoding="utf-8"))
    written = {tuple(feature["properties"]) for feature in doc["features"]}
    assert written == {tuple(_documented_fields("projects.geojson"))}
