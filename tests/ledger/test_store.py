"""The ledger store on both back ends: version 0, new versions, revert, snapshots."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import Point

from dzgeo.data.published import PROJECT_FIELDS
from dzgeo.ledger.current import current_projects
from dzgeo.ledger.fields import LEDGER_FIELDS, LOCATED_BY_SITE
from dzgeo.ledger.store import KIND_PLAN, KIND_REVERT, Counts, StoreError, open_store


def _one_site(_rows: pd.DataFrame, _number: int) -> tuple[pd.DataFrame, Counts]:
    rows = pd.DataFrame(
        [
            {
                "id": "E1-001",
                "site_lon": 116.3,
                "site_lat": 37.35,
                "status": "在建",
                "start_year": 2019,
                "located_by": LOCATED_BY_SITE,
                "geometry": Point(116.3, 37.35),
            }
        ]
    )
    return rows, Counts(updated=1, unchanged=271)


def test_new_store_is_version_zero_the_plan(store_url):
    with open_store(store_url) as store:
        (v0,) = store.versions()
        assert (v0.number, v0.kind, v0.rows) == (0, KIND_PLAN, 0)
        projects = current_projects(store)
    assert len(projects) == 272
    assert list(projects.columns) == [*PROJECT_FIELDS, *LEDGER_FIELDS, "geometry"]
    assert projects.crs == "EPSG:4326"
    assert (projects["ledger_version"] == 0).all()
    assert projects["status"].eq("").all()


def test_versions_are_kept_and_revert_is_a_new_version(store_url):
    with open_store(store_url) as store:
        v1 = store.append_version(_one_site, file_name="台账.xlsx", user="张三")
        assert (v1.number, v1.file_name, v1.user, v1.updated) == (1, "台账.xlsx", "张三", 1)
        current = current_projects(store).set_index("id")
        first = current.loc["E1-001"]
        assert current.geometry.loc["E1-001"].equals(Point(116.3, 37.35))
        assert (first["status"], first["start_year"]) == ("在建", 2019)

        v2 = store.revert(0, user="李四")
        assert (v2.number, v2.kind, v2.reverted_to) == (2, KIND_REVERT, 0)
        assert store.current_version() == 2
        current = current_projects(store).set_index("id")
        back = current.loc["E1-001"]
        assert back["status"] == ""
        assert not current.geometry.loc["E1-001"].equals(Point(116.3, 37.35))
        # the old version is still there, whole
        assert current_projects(store, version=1).set_index("id").loc["E1-001", "status"] == "在建"
        assert [v.number for v in store.versions()] == [0, 1, 2]


def test_store_reopens_with_its_versions(store_url):
    with open_store(store_url) as store:
        store.append_version(_one_site, file_name="a.csv")
    with open_store(store_url) as again:
        assert [v.number for v in again.versions()] == [0, 1]
        assert again.current_version() == 1


def test_unknown_version_is_an_error(store_url):
    with open_store(store_url) as store, pytest.raises(StoreError, match="没有第 7 版"):
        store.revert(7)


def test_failed_build_leaves_the_store_as_it_was(store_url):
    def broken(_rows: pd.DataFrame, _n: int) -> tuple[pd.DataFrame, Counts]:
        raise ValueError("boom")

    with open_store(store_url) as store:
        with pytest.raises(ValueError, match="boom"):
            store.append_version(broken)
        assert [v.number for v in store.versions()] == [0]
        assert store.current_version() == 0
