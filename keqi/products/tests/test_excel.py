"""Excel exchange: the export re-imports unchanged; an import is all or nothing and
names every problem by row and column in Chinese; scope holds in imports too."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from keqi.core.testing import make_enterprise, persona
from keqi.partners.excel import import_file
from keqi.products.models import Product, Transformation
from keqi.products.models import TransformationKind as T
from keqi.products.sheets import PRODUCTS, TRANSFORMATIONS
from keqi.products.tests.helpers import add_product, add_transformation

pytestmark = pytest.mark.django_db
HEAD = ["统一社会信用代码", "类型", "年度", "完成日期", "技改投入（万元）", "内容"]


def _book(path: Path, name: str, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = name
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_good_workbook_is_imported_with_exact_amounts(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    a, b = make_enterprise(), make_enterprise("koudong")
    path = _book(
        tmp_path / "转型.xlsx",
        "创新转型",
        [
            HEAD,
            [a.uscc, "技改投入", 2019, "2019-06-30", "1234.56", "生产线自动化改造"],
            [b.name, "“人工智能+”模式创新", 2019, "2019年7月1日", None, "机器视觉质检"],
        ],
    )
    outcome = import_file(TRANSFORMATIONS, path, hq)
    assert outcome.ok, outcome.problems
    assert outcome.counts == {"created": 2}
    upgrade = Transformation.objects.get(enterprise=a)
    assert upgrade.amount == Decimal("1234.56")
    assert Transformation.objects.get(enterprise=b).kind == T.AI_PLUS


def test_every_problem_is_named_by_row_and_column_and_nothing_is_saved(
    tmp_path, hq
) -> None:  # type: ignore[no-untyped-def]
    a = make_enterprise()
    path = _book(
        tmp_path / "转型.xlsx",
        "创新转型",
        [
            HEAD,
            [a.uscc, "工业企业上云", 2019, "2019-05-01", None, "上云"],
            [a.uscc, "技改投入", 2019, "2019-06-30", None, "改造"],
            ["不存在的企业", "上网", 2019, "2019-13-01", None, ""],
            [a.uscc, "人工智能+", 2019, "2020-01-02", None, "视觉"],
        ],
    )
    outcome = import_file(TRANSFORMATIONS, path, hq)
    where = {(p.row, p.column) for p in outcome.problems}
    assert {(4, "统一社会信用代码"), (4, "类型"), (4, "完成日期"), (4, "内容")} <= where
    assert not Transformation.objects.exists()
    path = _book(
        tmp_path / "转型2.xlsx",
        "创新转型",
        [HEAD, [a.uscc, "工业企业上云", 2019, "2019-05-01", None, "上云"],
         [a.uscc, "技改投入", 2019, "2019-06-30", None, "改造"],
         [a.uscc, "人工智能+", 2019, "2020-01-02", None, "视觉"]],
    )  # fmt: skip
    outcome = import_file(TRANSFORMATIONS, path, hq)
    messages = {(p.row, p.column): p.message for p in outcome.problems}
    assert "须填写投入金额" in messages[(3, "技改投入（万元）")]
    assert messages[(4, "完成日期")] == "完成日期应在2019年内"
    assert not Transformation.objects.exists()  # the good first row is not kept


def test_a_town_cannot_import_for_another_towns_enterprise(tmp_path, town_a) -> None:  # type: ignore[no-untyped-def]
    theirs = make_enterprise("koudong")
    path = _book(
        tmp_path / "产品.xlsx",
        "产品与品牌",
        [
            [
                "统一社会信用代码",
                "类型",
                "产品（品牌）名称",
                "认定部门",
                "认定日期",
                "证明材料",
            ],
            [theirs.uscc, "专精特新产品", "导热膜", "市工信局", "2019-06-01", "文号"],
        ],
    )
    outcome = import_file(PRODUCTS, path, town_a)
    [problem] = outcome.problems
    assert (problem.row, problem.column) == (2, "统一社会信用代码")
    assert "不在您的管辖范围内" in problem.message
    assert not Product.objects.exists()


def test_the_export_re_imports_unchanged(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    e = make_enterprise()
    add_product(e)
    add_transformation(e, kind=T.TECH_UPGRADE, amount=Decimal("88.5"))
    client = Client()
    client.force_login(hq)
    for sheet in (PRODUCTS, TRANSFORMATIONS):
        data = client.get(reverse("products:export", args=[sheet.slug]))
        path = tmp_path / f"{sheet.slug}.xlsx"
        path.write_bytes(b"".join(data.streaming_content))  # type: ignore[attr-defined]
        outcome = import_file(sheet, path, hq)
        assert outcome.ok and outcome.counts == {"unchanged": 1}, sheet.slug


def test_the_import_page_shows_the_errors_with_a_400(tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(persona("member"))
    path = _book(tmp_path / "x.xlsx", "创新转型", [HEAD, ["", "上网", "", "", "", ""]])
    with path.open("rb") as upload:
        page = client.post(
            reverse("products:import", args=["transformations"]), {"file": upload}
        )
    assert page.status_code == 400
    text = page.content.decode()
    assert "未导入任何数据" in text and "第2行" in text and "必填，不能为空" in text


def test_the_blank_template_has_the_headers_only(hq) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(hq)
    data = client.get(reverse("products:export", args=["products"]) + "?blank=1")
    book = load_workbook(io.BytesIO(b"".join(data.streaming_content)))  # type: ignore[attr-defined]
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][0] == "统一社会信用代码"
