"""Briefing maps follow the current ledger version and its filters (dzgeo export)."""

from __future__ import annotations

import pytest
from PIL import Image

from dzgeo import cli
from dzgeo.data.published import read_layers
from dzgeo.ledger.current import plan_projects
from dzgeo.ledger.store import Counts, normalise_rows, open_store
from dzgeo.ledger.view import current_layers


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    """Version 1: the first three plan projects 在建, the next two 竣工."""
    url = str(tmp_path / "ledger.gpkg")
    rows = plan_projects().iloc[:5].drop(columns="geometry").copy()
    rows["status"] = ["在建"] * 3 + ["竣工"] * 2
    rows["geometry"] = None
    frame = normalise_rows(rows)
    with open_store(url) as opened:
        opened.append_version(lambda _c, _n: (frame, Counts(updated=5)), file_name="t.xlsx")
    monkeypatch.setenv("DZGEO_STORE", url)
    return url


def test_current_layers_read_the_store_named_by_dzgeo_store(store):
    layers = current_layers(read_layers(), "layers")
    assert layers.projects.attrs["ledger_version"] == 1
    assert list(layers.projects["status"].iloc[:5]) == ["在建"] * 3 + ["竣工"] * 2


def test_no_store_means_the_plan_and_nothing_is_created(tmp_path, monkeypatch):
    missing = tmp_path / "none" / "ledger.gpkg"
    monkeypatch.setenv("DZGEO_STORE", str(missing))
    layers = current_layers(read_layers(), "layers")
    assert layers.projects.attrs["ledger_version"] == 0
    assert (layers.projects["status"] == "").all()
    assert not missing.exists() and not missing.parent.exists()


def test_export_follows_the_ledger_status_filter(store, tmp_path, capsys):
    out = tmp_path / "在建.png"
    code = cli.main(["export", "projects", "-o", str(out), "--status", "在建", "--dpi", "72"])
    assert code == 0, capsys.readouterr().err
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width > 100
