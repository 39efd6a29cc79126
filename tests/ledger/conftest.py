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


@pytest.fixture
def run_cli(tmp_path):
    """Run the real ``dzgeo`` command (this checkout's code) in a child process."""
    import subprocess
    import sys

    from dzgeo.settings import REPO_ROOT

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DZGEO_STORE": str(tmp_path / "cli.gpkg")}

    def run(*args: str, store: str | None = None) -> subprocess.CompletedProcess[str]:
        if store is not None:
            env["DZGEO_STORE"] = store
        return subprocess.run(
            [sys.executable, "-m", "dzgeo.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )

    return run
