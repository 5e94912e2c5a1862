"""Exporting the registry as a workbook and the blank template."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from keqi.core.testing import add_figures, load_baodi, make_enterprise
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import GOOD_XLSX, content
from keqi.registry.workbook import export_registry, import_workbook, write_template
from keqi.registry.workbook.schema import SHEETS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def cells_of(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_export_then_import_on_an_empty_registry_then_export_is_identical(
    tmp_path: Path,
) -> None:
    assert import_workbook(GOOD_XLSX, actor=None).ok
    original = content()
    export_registry(tmp_path / "a.xlsx", Enterprise.objects.all())
    Enterprise.objects.all().delete()
    result = import_workbook(tmp_path / "a.xlsx", actor=None)
    assert result.ok, result.errors
    export_registry(tmp_path / "b.xlsx", Enterprise.objects.all())
    first, second = cells_of(tmp_path / "a.xlsx"), cells_of(tmp_path / "b.xlsx")
    assert list(first) == [s.name for s in SHEETS]
    for sheet in first:
        assert first[sheet] == second[sheet], sheet
    without_units = {k: v for k, v in content().items() if k != "AnnualFigures"}
    assert without_units == {k: v for k, v in original.items() if k != "AnnualFigures"}


def test_the_csv_folder_export_round_trips_too(tmp_path: Path) -> None:
    import_workbook(GOOD_XLSX, actor=None)
    export_registry(tmp_path / "out", Enterprise.objects.all())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{s.name}.csv" for s in SHEETS
    )
    before = content()
    Enterprise.objects.all().delete()
    assert import_workbook(tmp_path / "out", actor=None).ok
    after = content()
    assert after["Enterprise"] == before["Enterprise"]
    assert after["IntellectualProperty"] == before["IntellectualProperty"]


def test_exported_amounts_are_excel_numbers_that_read_back_exactly(
    tmp_path: Path,
) -> None:
    e = make_enterprise()
    add_figures(
        e,
        2018,
        sales_revenue=Decimal("123456789.123456"),
        total_assets=Decimal("1234.56"),
        net_assets=Decimal("-0.000001"),
    )
    export_registry(tmp_path / "x.xlsx", Enterprise.objects.all())
    ws = load_workbook(tmp_path / "x.xlsx")["年度数据"]
    assert (ws["F2"].value, ws["N2"].value) == (123456789.123456, 1234.56)
    assert ws["F2"].data_type == "n"
    Enterprise.objects.all().delete()
    make_enterprise(uscc=e.uscc)
    assert import_workbook(tmp_path / "x.xlsx", actor=None).ok
    figures = Enterprise.objects.get(uscc=e.uscc).figures.get()
    assert figures.sales_revenue == Decimal("123456789.123456")
    assert figures.net_assets == Decimal("-0.000001")


def test_an_amount_with_more_digits_than_excel_keeps_is_refused(tmp_path: Path) -> None:
    e = make_enterprise()
    book = load_workbook(GOOD_XLSX)
    for name in ("企业基本信息", "知识产权", "资质荣誉", "信用记录"):
        del book[name]
    ws = book["年度数据"]
    ws.delete_rows(4, 10)
    ws["A3"], ws["H3"] = e.uscc, "12345678901.123456"
    book.save(tmp_path / "long.xlsx")
    result = import_workbook(tmp_path / "long.xlsx", actor=None)
    assert [str(x) for x in result.errors] == [
        "年度数据 · 第3行 · 主营业务收入(万元)（H列）：有效数字超过15位，无法精确保存"
    ]


def test_exporting_one_area_leaves_out_every_other_area(tmp_path: Path) -> None:
    import_workbook(GOOD_XLSX, actor=None)
    export_registry(tmp_path / "k.xlsx", Enterprise.objects.filter(area__name="口东镇"))
    sheets = cells_of(tmp_path / "k.xlsx")
    assert [row[3] for row in sheets["企业基本信息"][1:]] == ["口东镇"]
    codes = {row[0] for s in sheets.values() for row in s[1:]}
    assert codes == {"91120224MA05A00029"}


def test_the_template_has_every_header_a_note_on_each_and_an_example_row(
    tmp_path: Path,
) -> None:
    write_template(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["填写说明", *[s.name for s in SHEETS]]
    for spec in SHEETS:
        ws = book[spec.name]
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        assert all(c.comment is not None for c in ws[1])
        assert ws.max_row == 2 and ws["A2"].value
    note = book["年度数据"]["F1"].comment.text
    assert "单位：万元" in note and "千元" in note
    assert "可选：发明专利" in book["知识产权"]["D1"].comment.text
    assert book["企业基本信息"]["A1"].comment.text.startswith("必填")
