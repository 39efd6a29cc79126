"""Ledger fixtures: a fresh store on each back end (SQLite file, PostgreSQL + PostGIS).

The PostGIS side needs ``DZGEO_TEST_PG`` (a ``postgresql://`` URL of a database with
PostGIS; ``eval "$(bash scripts/pg_test_cluster.sh start)"`` starts a throw-away one).
Without it the PostGIS tests skip locally; in CI (``CI`` set) or when the variable is
set but the server does not answer, they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from _support import pg_schema_store

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty ledger store: a GeoPackage path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.gpkg")
        return
    with pg_schema_store() as url:
        yield url


@dataclass
class CliResult:
    """What a ``dzgeo`` run gave: its exit code and output."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(tmp_path, monkeypatch, capsys):
    """Run the ``dzgeo`` command line (dzgeo.cli.main) with DZGEO_STORE in tmp_path."""
    from dzgeo.cli import main

    monkeypatch.setenv("DZGEO_STORE", str(tmp_path / "cli.gpkg"))

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return CliResult(code, out.out, out.err)

    return run
