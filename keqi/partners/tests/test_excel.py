"""Import and export of each list: all or nothing, errors naming row and column,
re-importing changes nothing, another unit's rows cannot be overwritten."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.testing import make_enterprise, next_uscc, persona
from keqi.partners.excel import import_file
from keqi.partners.models import FinanceRecord, Lead, ServiceEntry, Trademark
from keqi.partners.sheets import SHEETS
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def workbook(path: Path, sheet: str, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


TRADEMARK_HEAD = [
    "统一社会信用代码",
    "注册号",
    "商标名称",
    "类别（尼斯分类）",
    "注册日期",
    "驰名商标",
]


def test_a_good_trademark_file_is_imported_and_a_second_run_changes_nothing(
    tmp_path, member
) -> None:
    a, b = make_enterprise("dakoutun"), make_enterprise("koudong")
    path = workbook(tmp_path / "商标.xlsx", "商标", [
        TRADEMARK_HEAD,
        [a.uscc, "21000001", "睿泽", 9, "2019-05-01", "否"],
        [b.name, "21000002", "德鼎", "42", dt.date(2018, 3, 2), "是"],
    ])  # fmt: skip
    first = import_file(SHEETS["trademarks"], path, member)
    assert first.ok and first.counts == {"created": 2}
    assert Trademark.objects.get(number="21000002").enterprise == b
    again = import_file(SHEETS["trademarks"], path, member)
    assert again.ok and again.counts == {"unchanged": 2}


def test_one_bad_cell_imports_nothing_and_names_row_and_column(
    tmp_path, member
) -> None:
    firm = make_enterprise()
    path = workbook(tmp_path / "t.xlsx", "商标", [
        TRADEMARK_HEAD,
        [firm.uscc, "21000001", "睿泽", 9, "2019-05-01", "否"],
        [firm.uscc, "21000002", "德鼎", "第九类", "2019-13-01", "也许"],
        ["91120224MA00000000", "21000003", "", 9, "2019-05-01", ""],
    ])  # fmt: skip
    outcome = import_file(SHEETS["trademarks"], path, member)
    where = {(p.row, p.column) for p in outcome.problems}
    assert where == {
        (3, "类别（尼斯分类）"),
        (3, "注册日期"),
        (3, "驰名商标"),
        (4, "统一社会信用代码"),
    }
    assert not Trademark.objects.exists()


def test_a_rule_broken_in_one_row_rolls_back_the_rows_before_it(
    tmp_path, member
) -> None:
    firm = make_enterprise()
    path = workbook(tmp_path / "t.xlsx", "商标", [
        TRADEMARK_HEAD,
        [firm.uscc, "21000001", "睿泽", 9, "2019-05-01", "否"],
        [firm.uscc, "21000002", "德鼎", 50, "2019-05-01", "否"],
    ])  # fmt: skip
    outcome = import_file(SHEETS["trademarks"], path, member)
    (problem,) = outcome.problems
    assert (problem.row, problem.column) == (3, "类别（尼斯分类）")
    assert "1 到 45" in problem.message
    assert not Trademark.objects.exists()


def test_a_missing_required_column_is_named(tmp_path, member) -> None:
    path = workbook(
        tmp_path / "t.xlsx", "商标", [["统一社会信用代码", "注册号"], ["x", "y"]]
    )
    outcome = import_file(SHEETS["trademarks"], path, member)
    assert {p.column for p in outcome.problems} == {"类别（尼斯分类）", "注册日期"}


def test_another_units_row_is_an_error_naming_that_unit(tmp_path, member, hq) -> None:
    firm = make_enterprise()
    path = workbook(tmp_path / "t.xlsx", "商标", [
        TRADEMARK_HEAD, [firm.uscc, "21000001", "睿泽", 9, "2019-05-01", "否"],
    ])  # fmt: skip
    assert import_file(SHEETS["trademarks"], path, member).ok
    workbook(path, "商标", [
        TRADEMARK_HEAD, [firm.uscc, "21000001", "改名", 9, "2019-05-01", "否"],
    ])  # fmt: skip
    (problem,) = import_file(SHEETS["trademarks"], path, hq).problems
    assert problem.row == 2 and "区工信局" in problem.message
    assert Trademark.objects.get().name == "睿泽"


def test_a_town_cannot_import_rows_for_another_towns_enterprise(
    tmp_path, town_a
) -> None:
    other = make_enterprise("koudong")
    path = workbook(tmp_path / "s.xlsx", "走访服务台账", [
        ["统一社会信用代码", "方式", "日期", "服务人员", "企业诉求"],
        [other.uscc, "走访", "2019-09-01", "甲", "诉求"],
    ])  # fmt: skip
    (problem,) = import_file(SHEETS["services"], path, town_a).problems
    assert problem.row == 2 and problem.column == "统一社会信用代码"
    assert not ServiceEntry.objects.exists()


def export_book(client: Client, slug: str) -> Any:
    response = client.get(reverse("partners:export", args=[slug]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return openpyxl.load_workbook(io.BytesIO(data))


def test_an_export_imports_back_unchanged(tmp_path, member) -> None:
    firm = make_enterprise("dakoutun")
    path = workbook(tmp_path / "f.xlsx", "科技金融", [
        ["统一社会信用代码", "类型", "银行或投资机构", "金额（万元）", "放款/到账日期"],
        [firm.uscc, "创业投资", "津宝创投", "1,234.5", "2019年6月3日"],
        [firm.uscc, "银行贷款", "农业银行", 300, "2019/7/12"],
    ])  # fmt: skip
    assert import_file(SHEETS["finance"], path, member).ok
    client = Client()
    client.force_login(member)
    book = export_book(client, "finance")
    exported = tmp_path / "export.xlsx"
    book.save(exported)
    again = import_file(SHEETS["finance"], exported, member)
    assert again.ok and again.counts == {"unchanged": 2}
    assert {str(r.amount.normalize()) for r in FinanceRecord.objects.all()} == {
        "1234.5",
        "3E+2",
    }


def test_a_towns_export_holds_only_its_enterprises(member, town_a) -> None:
    from keqi.partners.tests.helpers import log_visit

    log_visit(make_enterprise("dakoutun", name="大口屯企业"), member)
    log_visit(make_enterprise("koudong", name="口东企业"), member)
    client = Client()
    client.force_login(town_a)
    ws = export_book(client, "services").active
    names = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["大口屯企业"]


def test_leads_import_with_stages_settles_into_the_registry(tmp_path, hq) -> None:
    code = next_uscc()
    path = workbook(tmp_path / "l.xlsx", "招商线索", [
        ["企业名称", "来源", "拟落地街镇/园区", "阶段", "接洽日期", "考察日期", "签约日期",
         "落地注册日期", "统一社会信用代码"],
        ["甲科技有限公司", "推介会", "京津中关村科技城", "已签约", "2019-03-01", "", "2019-04-01", "", ""],
        ["乙科技有限公司", "外派招商工作站", "宝坻经济开发区", "已落地", "2019-03-01",
         "2019-03-10", "2019-04-01", "2019-05-05", code],
    ])  # fmt: skip
    outcome = import_file(SHEETS["leads"], path, hq)
    assert outcome.ok, outcome.problems
    first, second = (
        Lead.objects.get(company="甲科技有限公司"),
        Lead.objects.get(company="乙科技有限公司"),
    )
    assert first.stage == "已签约" and first.visited_on is None
    assert second.stage == "已落地" and second.enterprise == Enterprise.objects.get(
        uscc=code
    )
    assert second.enterprise.area.code == "bdkfq"
    assert import_file(SHEETS["leads"], path, hq).counts == {"unchanged": 2}


def test_a_lead_row_cannot_move_a_lead_back(tmp_path, hq) -> None:
    head = ["企业名称", "来源", "阶段", "接洽日期", "签约日期"]
    path = workbook(
        tmp_path / "l.xlsx",
        "招商线索",
        [head, ["甲", "展会", "已签约", "2019-03-01", "2019-04-01"]],
    )
    assert import_file(SHEETS["leads"], path, hq).ok
    workbook(path, "招商线索", [head, ["甲", "展会", "已接洽", "2019-03-01", ""]])
    (problem,) = import_file(SHEETS["leads"], path, hq).problems
    assert problem.column == "阶段" and "不能倒退" in problem.message


def test_the_import_page_shows_every_error_and_changes_nothing(tmp_path) -> None:
    member = persona("member")
    path = workbook(tmp_path / "t.xlsx", "商标", [
        TRADEMARK_HEAD, ["nobody", "21000001", "睿泽", 9, "昨天", "否"],
    ])  # fmt: skip
    client = Client()
    client.force_login(member)
    with path.open("rb") as handle:
        response = client.post(
            reverse("partners:import", args=["trademarks"]), {"file": handle}
        )
    text = response.content.decode()
    assert response.status_code == 400
    assert "未导入任何数据" in text and "第2行" in text and "注册日期" in text
    assert not Trademark.objects.exists()


def test_the_blank_template_has_the_headers(member) -> None:
    client = Client()
    client.force_login(member)
    response = client.get(reverse("partners:export", args=["leads"]) + "?blank=1")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    headers = [c.value for c in book["招商线索"][1]]
    assert (
        headers[:3] == ["企业名称", "来源", "来源说明"]
        and book["招商线索"].max_row == 1
    )


FORMULA = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example","点此")'


def test_formula_like_names_export_as_text_and_import_back_unchanged(
    tmp_path, member
) -> None:
    firm = make_enterprise("dakoutun")
    path = workbook(tmp_path / "商标.xlsx", "商标", [
        TRADEMARK_HEAD,
        [firm.uscc, "21000001", "'" + FORMULA, 9, "2019-05-01", "否"],
        [firm.uscc, "21000002", "'" + LINK, 42, "2019-05-02", "否"],
    ])  # fmt: skip
    assert import_file(SHEETS["trademarks"], path, member).ok
    assert set(Trademark.objects.values_list("name", flat=True)) == {FORMULA, LINK}
    client = Client()
    client.force_login(member)
    book = export_book(client, "trademarks")
    cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert {"'" + FORMULA, "'" + LINK} <= {c.value for c in cells}
    exported = tmp_path / "export.xlsx"
    book.save(exported)
    again = import_file(SHEETS["trademarks"], exported, member)
    assert again.ok and again.counts == {"unchanged": 2}


def test_a_control_character_in_a_csv_is_refused_with_row_and_column(
    tmp_path, member
) -> None:
    firm = make_enterprise("dakoutun")
    path = tmp_path / "商标.csv"
    path.write_text(
        ",".join(TRADEMARK_HEAD)
        + f"\n{firm.uscc},21000001,睿泽,9,2019-05-01,否"
        + f"\n{firm.uscc},21000002,德\x1b鼎,9,2019-05-01,否\n",
        encoding="utf-8",
    )
    outcome = import_file(SHEETS["trademarks"], path, member)
    assert [(p.row, p.column) for p in outcome.problems] == [(3, "商标名称")]
    assert "转义符(ESC)" in outcome.problems[0].message
    assert not Trademark.objects.exists()
