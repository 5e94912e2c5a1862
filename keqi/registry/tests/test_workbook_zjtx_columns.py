"""The 专精特新 columns: added to the workbook, old-layout files still import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from keqi.core.testing import load_baodi
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise, IntellectualProperty
from keqi.registry.tests.workbook_helpers import E1, GOOD_XLS, GOOD_XLSX
from keqi.registry.workbook import import_workbook
from keqi.registry.workbook.facts import workbook_facts
from keqi.rules import evaluate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def with_new_columns(tmp_path: Path) -> Path:
    """The good workbook with the three new columns filled for E1."""
    book = load_workbook(GOOD_XLSX)
    sheet = book["企业基本信息"]
    width = sheet.max_column
    sheet.cell(1, width + 1, "从事细分市场年限（年）")
    sheet.cell(1, width + 2, "主导产品属于战略性新兴产业")
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == E1:
            sheet.cell(row, width + 1, 4)
            sheet.cell(row, width + 2, "是")
    ip = book["知识产权"]
    col = ip.max_column + 1
    ip.cell(1, col, "高价值专利")
    for row in range(2, ip.max_row + 1):
        if ip.cell(row, 1).value == E1:
            ip.cell(row, col, "是")
    target = tmp_path / "new.xlsx"
    book.save(target)
    return target


@pytest.mark.parametrize("path", [GOOD_XLSX, GOOD_XLS], ids=["xlsx", "xls"])
def test_files_in_the_old_layout_still_import_with_the_new_facts_unknown(
    path: Path,
) -> None:
    result = import_workbook(path, actor=None)
    assert result.ok, result.errors
    e1 = Enterprise.objects.get(uscc=E1)
    assert e1.niche_years is None and e1.strategic_emerging is None
    assert not IntellectualProperty.objects.exclude(high_value=None).exists()


def test_the_new_columns_import_and_reach_the_engine(tmp_path: Path) -> None:
    path = with_new_columns(tmp_path)
    result = import_workbook(path, actor=None)
    assert result.ok, result.errors
    e1 = Enterprise.objects.get(uscc=E1)
    assert (e1.niche_years, e1.strategic_emerging) == (4, True)
    facts = facts_for(e1)
    assert facts.niche_years == 4 and facts.strategic_emerging is True
    assert all(item.high_value for item in facts.ip)
    # Evaluating the workbook directly reads the same facts.
    found = workbook_facts(path)
    assert not found.errors
    direct = next(f for f in found.facts if f.uscc == E1)
    assert direct.niche_years == 4 and direct.strategic_emerging is True
    # The 专精特新 niche condition is now decided instead of undetermined.
    verdict = evaluate(direct, as_of=dt.date(2019, 6, 30), programmes=["zjtx_sme"])
    assert not verdict.programmes  # no 专精特新 version in force in 2019
    later = evaluate(direct, as_of=dt.date(2023, 6, 30), programmes=["zjtx_sme"])
    assert later.programmes["zjtx_sme"].condition("2022.1").status.value == "met"
