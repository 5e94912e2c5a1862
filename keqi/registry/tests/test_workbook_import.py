"""Importing the enterprise workbook: every spelling, every error, all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi, make_enterprise
from keqi.registry.models import AnnualFigures, Enterprise, Qualification
from keqi.registry.selectors import enterprise_history
from keqi.registry.tests.workbook_helpers import (
    CSV_GB18030,
    CSV_UTF8,
    E1,
    E2,
    E3,
    ERRORS_XLSX,
    GOOD_XLS,
    GOOD_XLSX,
    content,
    dump,
)
from keqi.registry.workbook import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def test_the_good_workbook_imports_with_exact_converted_amounts() -> None:
    result = import_workbook(GOOD_XLSX, actor=None)
    assert result.ok, result.errors
    assert result.summary()["年度数据"] == {"created": 7, "updated": 0, "unchanged": 0}
    f2016 = AnnualFigures.objects.get(enterprise__uscc=E1, year=2016)
    assert f2016.staff_total == 120  # full-width digits
    assert f2016.sales_revenue == Decimal("5200.5")  # "52,005,000" 元
    assert f2016.operating_revenue == Decimal("5300")  # "53,000" 千元
    assert f2016.equity_financing is None  # blank stays unknown
    f2018 = AnnualFigures.objects.get(enterprise__uscc=E1, year=2018)
    assert f2018.sales_revenue == Decimal("6123.456789")
    assert f2018.source_units == {"sales_revenue": "元", "operating_revenue": "千元"}
    assert f2018.rd_domestic is None


def test_dates_and_yes_no_in_every_spelling_are_read() -> None:
    import_workbook(GOOD_XLSX, actor=None)
    e1, e2 = Enterprise.objects.get(uscc=E1), Enterprise.objects.get(uscc=E2)
    assert e1.founded_on == dt.date(2012, 3, 15)  # an Excel date
    assert e2.founded_on == dt.date(2016, 7, 1)  # 2016.7.1
    assert e1.joint_stock_on == e2.joint_stock_on == dt.date(2019, 5, 20)
    assert (e1.above_scale, e1.listed, e1.restricted_products) == (True, False, False)
    assert (e2.above_scale, e2.listed, e2.restricted_products) == (True, True, False)
    assert Enterprise.objects.get(uscc=E3).above_scale is None


def test_extra_columns_are_kept_and_blank_ones_are_not_stored() -> None:
    import_workbook(GOOD_XLSX, actor=None)
    assert Enterprise.objects.get(uscc=E2).extra == {"上市板块": "新三板"}
    assert Enterprise.objects.get(uscc=E1).extra == {}


def test_a_blank_validity_is_derived_from_the_programme_rule() -> None:
    import_workbook(GOOD_XLSX, actor=None)
    high_tech = Qualification.objects.get(enterprise__uscc=E1, kind="高新技术企业")
    assert high_tech.valid_until_entered is None
    assert high_tech.valid_until == dt.date(2020, 10, 9)


@pytest.mark.parametrize("other", [GOOD_XLS, CSV_UTF8, CSV_GB18030])
def test_xls_and_csv_folders_import_the_same_as_the_xlsx(other: Path) -> None:
    assert import_workbook(GOOD_XLSX, actor=None).ok
    expected = content()
    Enterprise.objects.all().delete()
    result = import_workbook(other, actor=None)
    assert result.ok, result.errors
    assert content() == expected


def test_a_workbook_with_errors_in_every_sheet_reports_them_all_and_changes_nothing() -> (
    None
):
    make_enterprise(uscc=E2, name="已有企业")
    before = dump()
    result = import_workbook(ERRORS_XLSX, actor=None)
    assert dump() == before
    assert not result.applied
    shown = [str(e) for e in result.errors]
    expected = [
        "企业基本信息 · 第2行 · 统一社会信用代码（A列）：统一社会信用代码校验位错误",
        "企业基本信息 · 第3行 · 成立日期（C列）：日期不存在",
        "企业基本信息 · 第4行 · 所属街镇/园区（D列）：未配置的街镇/园区“不存在镇”",
        "企业基本信息 · 第4行 · 技术领域（G列）：“人工智能”不是允许的值，可选：电子信息",
        "企业基本信息 · 第4行 · 是否规上企业（J列）：应填“是”或“否”",
        "年度数据 · 第2行 · 销售收入（元）（F列）：不是有效的数字：“abc”",
        "年度数据 · 第3行 · 年度（B列）：年度应为四位数字年份",
        "年度数据 · 第4行 · 职工总数（人）（C列）：应为整数",
        "年度数据 · 第5行 · 统一社会信用代码（A列）：企业不存在",
        "知识产权 · 第2行 · 类别（D列）：“专利”不是允许的值",
        "知识产权 · 第3行 · 知识产权编号（B列）：必填，不能为空",
        "资质荣誉 · 第2行 · 级别（C列）：“市级”不是允许的值，可选：国家级、省级（市级）、区级",
        "资质荣誉 · 第2行 · 取得日期（E列）：不是有效的日期",
        "信用记录 · 第1行 · 发生日期：缺少必填列",
    ]
    assert len(shown) == len(expected)
    for line, start in zip(shown, expected, strict=True):
        assert line.startswith(start), (line, start)


def test_a_valid_uscc_is_accepted_and_a_wrong_check_digit_rejected(
    tmp_path: Path,
) -> None:
    path = _one_enterprise(tmp_path, E1)
    assert import_workbook(path, actor=None).ok
    wrong = E1[:17] + "0"
    result = import_workbook(_one_enterprise(tmp_path, wrong), actor=None)
    assert [str(e) for e in result.errors] == [
        "企业基本信息 · 第2行 · 统一社会信用代码（A列）："
        "统一社会信用代码校验位错误：第18位应为6，实际为0"
    ]


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    book = load_workbook(GOOD_XLSX)
    book["企业基本信息"].delete_cols(3)  # 成立日期
    book.save(tmp_path / "w.xlsx")
    result = import_workbook(tmp_path / "w.xlsx", actor=None)
    assert "企业基本信息 · 第1行 · 成立日期：缺少必填列" in [
        str(e) for e in result.errors
    ]
    assert not Enterprise.objects.exists()


def test_reimporting_the_same_workbook_changes_nothing_and_writes_no_audit_rows() -> (
    None
):
    import_workbook(GOOD_XLSX, actor=None)
    before = dump()
    result = import_workbook(GOOD_XLSX, actor=None)
    assert result.ok and not result.changed
    assert all(c.created == c.updated == 0 for c in result.counts.values())
    assert dump() == before


def test_one_changed_figure_is_an_update_with_old_and_new_in_the_history(
    tmp_path: Path,
) -> None:
    import_workbook(GOOD_XLSX, actor=None)
    book = load_workbook(GOOD_XLSX)
    book["年度数据"]["H3"] = 5150  # 主营业务收入 of E1 2016 (row 3: a blank row first)
    book.save(tmp_path / "changed.xlsx")
    result = import_workbook(tmp_path / "changed.xlsx", actor=None)
    assert result.summary()["年度数据"] == {"created": 0, "updated": 1, "unchanged": 6}
    [change] = [c for c in result.changes if c.outcome == "updated"]
    assert change.fields == (("主营业务收入（万元）", "5100", "5150"),)
    event = enterprise_history(Enterprise.objects.get(uscc=E1)).first()
    # one event per enterprise the import changed, filed under the enterprise
    assert event is not None and event.action == AuditAction.WORKBOOK_IMPORT
    assert event.changes == {"年度数据 2016年度 主营业务收入（万元）": ["5100", "5150"]}
    assert "changed.xlsx" in event.reason


def test_an_import_that_changes_something_records_one_summary_event() -> None:
    import_workbook(GOOD_XLSX, actor=None)
    [event] = AuditEvent.objects.filter(
        action=AuditAction.WORKBOOK_IMPORT, target_type="registry.workbook"
    )
    assert event.changes["sheets"]["企业基本信息"]["created"] == 3
    assert event.target_repr == "workbook_good.xlsx"


def test_dry_run_reports_the_changes_and_writes_nothing() -> None:
    before = dump()
    result = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    assert result.ok and result.changed and not result.applied
    assert result.summary()["知识产权"]["created"] == 3
    assert dump() == before


def test_a_stale_preview_is_not_applied() -> None:
    preview = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    make_enterprise(uscc=E1, name="预览后新建")
    result = import_workbook(
        GOOD_XLSX, actor=None, expected_fingerprint=preview.fingerprint()
    )
    assert not result.applied and "重新上传" in str(result.errors[0])
    assert Enterprise.objects.count() == 1


def test_rows_of_other_sheets_may_refer_to_an_enterprise_already_in_the_registry(
    tmp_path: Path,
) -> None:
    make_enterprise(uscc=E1)
    book = load_workbook(GOOD_XLSX)
    del book["企业基本信息"]
    for name in ("知识产权", "资质荣誉", "信用记录"):
        del book[name]
    ws = book["年度数据"]
    ws.delete_rows(6, 10)  # keep only E1's three years
    book.save(tmp_path / "figures.xlsx")
    result = import_workbook(tmp_path / "figures.xlsx", actor=None)
    assert result.ok, result.errors
    assert AnnualFigures.objects.filter(enterprise__uscc=E1).count() == 3


def test_a_town_user_cannot_import_another_towns_enterprises(town_a) -> None:  # type: ignore[no-untyped-def]
    make_enterprise(area="koudong", uscc=E2)
    before = dump()
    result = import_workbook(GOOD_XLSX, actor=town_a)
    assert dump() == before
    shown = [str(e) for e in result.errors]
    assert (
        "企业基本信息 · 第3行 · 统一社会信用代码（A列）：该统一社会信用代码不能使用"
        in shown[0]
    )
    assert any(
        "第4行 · 所属街镇/园区（D列）：只能导入本街镇/园区的企业" in s for s in shown
    )
    assert any(s.startswith("年度数据 · 第6行 · 统一社会信用代码") for s in shown)


def test_a_town_user_imports_their_own_towns_enterprise(town_a, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = import_workbook(_one_enterprise(tmp_path, E1), actor=town_a)
    assert result.applied, result.errors
    event = AuditEvent.objects.get(action=AuditAction.ENTERPRISE_CREATE)
    assert event.actor == town_a


def test_read_only_users_may_not_import(leader) -> None:  # type: ignore[no-untyped-def]
    result = import_workbook(GOOD_XLSX, actor=leader)
    assert [str(e) for e in result.errors] == ["文件：当前账号无权导入企业数据"]


def test_the_templates_example_rows_are_refused(tmp_path: Path) -> None:
    from keqi.registry.workbook import write_template

    write_template(tmp_path / "t.xlsx")
    result = import_workbook(tmp_path / "t.xlsx", actor=None)
    assert len(result.errors) == 5
    assert all("示例行" in e.message for e in result.errors)


def test_an_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    result = import_workbook(tmp_path / "bad.xlsx", actor=None)
    assert "无法读取 .xlsx 文件" in str(result.errors[0])


def test_a_zip_of_csv_files_imports_like_the_folder(tmp_path: Path) -> None:
    archive = shutil.make_archive(str(tmp_path / "csv"), "zip", CSV_GB18030)
    result = import_workbook(Path(archive), actor=None)
    assert result.ok, result.errors
    assert Enterprise.objects.count() == 3


def _one_enterprise(tmp_path: Path, uscc: str) -> Path:
    book = load_workbook(GOOD_XLSX)
    for name in ("年度数据", "知识产权", "资质荣誉", "信用记录"):
        del book[name]
    ws = book["企业基本信息"]
    ws.delete_rows(3, 2)
    ws["A2"] = uscc
    path = tmp_path / f"{uscc}.xlsx"
    book.save(path)
    return path


@pytest.mark.django_db(transaction=True)
def test_the_file_is_read_and_planned_outside_any_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On SQLite a transaction holds the database's write lock: reading, cleaning
    and planning a large file must not, only the final write may."""
    from django.db import connection

    from keqi.registry.workbook import importer

    load_baodi()
    seen: list[tuple[str, bool]] = []
    parse, plan = importer.parse_sheet, importer.Planner.plan

    def parse_spy(*args: object, **kwargs: object) -> object:
        seen.append(("parse", connection.in_atomic_block))
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    def plan_spy(self: importer.Planner) -> object:
        seen.append(("plan", connection.in_atomic_block))
        return plan(self)

    monkeypatch.setattr(importer, "parse_sheet", parse_spy)
    monkeypatch.setattr(importer.Planner, "plan", plan_spy)
    assert import_workbook(GOOD_XLSX, actor=None).applied
    assert {what for what, _ in seen} == {"parse", "plan"}
    assert not any(inside for _, inside in seen)


def test_the_preview_fingerprint_changes_with_any_new_value(tmp_path: Path) -> None:
    """A confirmation applies exactly the file previewed: one amount of a new row
    changed in the file means another fingerprint, and the import is refused."""
    preview = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    again = import_workbook(GOOD_XLSX, actor=None, dry_run=True)
    assert preview.fingerprint() == again.fingerprint()
    book = load_workbook(GOOD_XLSX)
    book["年度数据"]["H3"] = 5150
    book.save(tmp_path / "edited.xlsx")
    edited = import_workbook(
        tmp_path / "edited.xlsx", actor=None, expected_fingerprint=preview.fingerprint()
    )
    assert not edited.applied and "重新上传" in str(edited.errors[0])
    assert not Enterprise.objects.exists()


def test_the_cycle_collector_is_back_on_after_an_import_or_a_refused_one() -> None:
    import gc

    assert import_workbook(GOOD_XLSX, actor=None).applied
    assert gc.isenabled()
    assert not import_workbook(ERRORS_XLSX, actor=None).ok
    assert gc.isenabled()
