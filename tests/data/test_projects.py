"""The project-table checks behind `dzgeo validate` and `dzgeo build`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from dzgeo.cli import main
from dzgeo.data.projects import COLUMNS, check_projects, read_projects
from dzgeo.data.published import read_layers
from dzgeo.errors import DataFileNotFoundError, DataValidationError
from dzgeo.settings import GEODATA_DIR


@pytest.fixture(scope="module")
def vocab():
    return read_layers().vocab


@pytest.fixture()
def rows() -> list[dict[str, str]]:
    with (GEODATA_DIR / "projects.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))[:6]


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _broken(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Row 3: unknown county; row 5: duplicate of row 2's id; row 6: no industry."""
    rows = [dict(r) for r in rows]
    rows[1]["place"] = "德州县"
    rows[3]["id"] = rows[0]["id"]
    rows[4]["industry"] = ""
    return rows


def test_real_projects_file_is_valid(vocab) -> None:
    frame = check_projects(GEODATA_DIR / "projects.csv", vocab)
    assert len(frame) >= 200


def test_all_problems_are_reported_with_rows(tmp_path: Path, rows, vocab) -> None:
    path = _write_csv(tmp_path / "user.csv", _broken(rows))
    with pytest.raises(DataValidationError) as info:
        check_projects(path, vocab)
    text = str(info.value)
    assert "第 3 行" in text and "未知地点“德州县”" in text
    assert "第 5 行" in text and "重复" in text
    assert "第 6 行" in text and "缺少产业" in text
    assert str(path) in text
    assert len(info.value.problems) == 3


@pytest.mark.parametrize("suffix", [".xlsx", ".geojson"])
def test_other_formats_report_the_same_rows(tmp_path: Path, rows, vocab, suffix) -> None:
    broken = pd.DataFrame(_broken(rows), columns=list(COLUMNS))
    path = tmp_path / f"user{suffix}"
    if suffix == ".xlsx":
        broken.to_excel(path, index=False)
    else:
        features = [
            {"type": "Feature", "properties": r, "geometry": None}
            for r in broken.to_dict("records")
        ]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    with pytest.raises(DataValidationError, match="第 3 行") as info:
        check_projects(path, vocab)
    assert len(info.value.problems) == 3


def test_cli_validate_exit_codes(tmp_path: Path, rows, capsys) -> None:
    good = _write_csv(tmp_path / "good.csv", rows)
    assert main(["validate", str(good)]) == 0
    bad = _write_csv(tmp_path / "bad.csv", _broken(rows))
    before = bad.read_bytes()
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "第 3 行" in err and "第 5 行" in err and "第 6 行" in err
    assert bad.read_bytes() == before  # checking never rewrites the user's file


def test_missing_and_unsupported_files(tmp_path: Path, vocab) -> None:
    with pytest.raises(DataFileNotFoundError, match="找不到项目文件"):
        read_projects(tmp_path / "nope.csv")
    odd = tmp_path / "projects.txt"
    odd.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="不支持的格式"):
        read_projects(odd)


def test_missing_required_column(tmp_path: Path, vocab) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,name\nX-1,某项目\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="缺少必需的列"):
        check_projects(path, vocab)


def _breaking_each_place_rule(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Row 2 (E1-001, 运河经济开发区, stated): valid. Then one broken rule per row:
    row 3 a stated place with an outside basis, row 4 an outside basis without 外部知识：,
    row 5 a place listed twice, row 6 a stated place its plan_text does not write."""
    rows = [dict(r) for r in rows[:5]]
    rows[1].update(place_source="stated", place_basis="", place_basis_kind="outside")
    rows[2].update(
        place="乐陵市",
        place_source="inferred",
        place_basis="企业在乐陵",
        place_basis_kind="outside",
    )
    rows[3].update(
        place="乐陵市|乐陵市", place_source="inferred", place_basis="专栏", place_basis_kind="plan"
    )
    rows[4].update(place="禹城市", place_source="stated", place_basis="", place_basis_kind="")
    return rows


def test_validate_applies_the_place_provenance_rules(tmp_path: Path, rows, capsys) -> None:
    path = _write_csv(tmp_path / "台账.csv", _breaking_each_place_rule(rows))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "第 2 行" not in err  # the first row keeps every rule
    assert "checked against the repository's own catalogue" in err
    assert "第 3 行 place_basis_kind 列" in err and "无外部依据" in err
    assert "第 4 行 place_basis 列" in err and "外部知识：" in err
    assert "第 5 行 place 列" in err and "地点重复列出：乐陵市" in err
    assert "第 6 行 place 列" in err and "plan_text 没有写出“禹城市”" in err


def test_a_stated_place_may_be_written_as_an_alias_or_plan_word(rows, vocab) -> None:
    from dzgeo.data.projects import validate_projects

    row = dict(rows[0])  # 运河经济开发区, written 运河开发区 in plan_text
    assert "运河开发区" in row["plan_text"]
    frame = pd.DataFrame([row])
    assert validate_projects(frame, vocab, source="t.csv") == []
    row.update(place="德州经济技术开发区", plan_text="经济开发区某某项目")
    assert validate_projects(pd.DataFrame([row]), vocab, source="t.csv") == []
