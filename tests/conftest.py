"""Shared fixtures: the published layers, read once, and paths to the real data files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dzgeo.data.published import Layers, read_layers
from dzgeo.settings import GEODATA_DIR


@pytest.fixture(scope="session")
def layers() -> Layers:
    """The committed layers/, read once for the whole run (tests must not change them)."""
    return read_layers()


@pytest.fixture
def geodata_dir() -> Path:
    """The committed geodata/ folder."""
    return GEODATA_DIR


@pytest.fixture
def counties_path() -> Path:
    """Full-resolution county polygons."""
    return GEODATA_DIR / "counties.geojson"


@pytest.fixture
def counties_web_path() -> Path:
    """Simplified county polygons for the web map."""
    return GEODATA_DIR / "counties_web.geojson"


@pytest.fixture
def city_path() -> Path:
    """City outline, union of the full counties."""
    return GEODATA_DIR / "city.geojson"


@pytest.fixture
def city_web_path() -> Path:
    """City outline, union of the web counties."""
    return GEODATA_DIR / "city_web.geojson"


@pytest.fixture
def places_path() -> Path:
    """The place table."""
    return GEODATA_DIR / "places.csv"


@pytest.fixture
def zones_path() -> Path:
    """Zones, platforms, parks and logistics parks."""
    return GEODATA_DIR / "zones.geojson"


@pytest.fixture
def routes_path() -> Path:
    """Approximate routes of the two corridors."""
    return GEODATA_DIR / "routes.geojson"
