"""Ledger fixtures: a fresh store on each back end (SQLite file, PostgreSQL + PostGIS).

The PostGIS side needs ``DZGEO_TEST_PG`` (a ``postgresql://`` URL of a database with
PostGIS; ``eval "$(bash scripts/pg_test_cluster.sh start)"`` starts a throw-away one).
Without it the PostGIS tests skip locally; in CI (``CI`` set) or when the variable is
set but the server does not answer, they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

BACKENDS = ("sqlite", "postgresql")
PG_HOWTO = 'eval "$(bash scripts/pg_test_cluster.sh start)" (sets DZGEO_TEST_PG)'


def _with_search_path(url: str, schema: str) -> str:
    glue = "&" if "?" in url else "?"
    return f"{url}{glue}options=-csearch_path%3D{schema},public"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty ledger store: a GeoPackage path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.gpkg")
        return
    url = os.environ.get("DZGEO_TEST_PG", "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI: DZGEO_TEST_PG is not set — .ci/run must start PostgreSQL ({PG_HOWTO})"
            )
        pytest.skip(f"PostgreSQL store tests need DZGEO_TEST_PG: {PG_HOWTO}")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        pytest.fail(f"DZGEO_TEST_PG is set but PostgreSQL does not answer: {exc}")
    try:
        yield _with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


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
