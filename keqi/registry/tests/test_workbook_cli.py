"""`keqi import` and `keqi export` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from keqi.cli import main
from keqi.core.testing import load_baodi
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import ERRORS_XLSX, GOOD_XLSX, dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def test_import_prints_what_it_created_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(GOOD_XLSX)]) == 0
    out = capsys.readouterr().out
    assert "导入完成" in out
    assert "企业基本信息：新增 3 条，更新 0 条，无变化 0 条" in out
    assert "年度数据：新增 7 条" in out
    assert main(["import", str(GOOD_XLSX)]) == 0
    assert "年度数据：新增 0 条，更新 0 条，无变化 7 条" in capsys.readouterr().out


def test_import_with_errors_lists_every_one_exits_1_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = dump()
    assert main(["import", str(ERRORS_XLSX)]) == 1
    out = capsys.readouterr().out
    assert "发现 14 处错误，未导入任何数据" in out
    assert "资质荣誉 · 第2行 · 取得日期（E列）：不是有效的日期" in out
    assert dump() == before


def test_dry_run_reports_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--dry-run", str(GOOD_XLSX)]) == 0
    assert "试运行" in capsys.readouterr().out
    assert not Enterprise.objects.exists()


def test_export_one_area_and_the_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(GOOD_XLSX)])
    assert main(["export", str(tmp_path / "k.xlsx"), "--area", "口东镇"]) == 0
    assert "企业基本信息：1 条" in capsys.readouterr().out
    rows = list(load_workbook(tmp_path / "k.xlsx")["企业基本信息"].values)
    assert [r[3] for r in rows[1:]] == ["口东镇"]
    assert main(["export", str(tmp_path / "x.xlsx"), "--area", "火星镇"]) == 2
    assert main(["export", "--template", str(tmp_path / "t.xlsx")]) == 0
    assert "填写说明" in load_workbook(tmp_path / "t.xlsx").sheetnames


def test_import_as_a_town_user_is_held_to_their_town(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from keqi.core.testing import persona

    persona("town_a")
    assert main(["import", "--user", "town_a", str(GOOD_XLSX)]) == 1
    assert "只能导入本街镇/园区的企业" in capsys.readouterr().out
    assert main(["import", "--user", "nobody", str(GOOD_XLSX)]) == 2
