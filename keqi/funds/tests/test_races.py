"""Money settings made twice at the same moment: the second is told in Chinese,
never a 500, and the database holds one row (PostgreSQL; SQLite has one writer)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from keqi.accounts.models import Area
from keqi.core.testing import at_once, persona
from keqi.funds.award_rules import fund_create
from keqi.funds.ledger import fund_budget_set
from keqi.funds.models import Fund, FundBudget, SettlementRatio, YearClose
from keqi.funds.settlement import settlement_ratio_set, year_close
from keqi.funds.tests.helpers import M, fund

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite admits one writer at a time, so the race needs PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]
N = 6


def _only_chinese_refusals(results: list[object]) -> list[str]:
    """The refusals' messages; fails on anything but success or ValidationError."""
    odd = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, ValidationError) for r in odd), odd
    return [m for r in odd if isinstance(r, ValidationError) for m in r.messages]


def test_a_first_budget_set_at_once_is_one_row() -> None:
    hq, money = persona("hq"), fund()
    results = at_once(
        [
            lambda i=i: fund_budget_set(
                fund=money, year=2019, amount=M(1000 + i), actor=hq
            )
            for i in range(N)
        ]
    )
    messages = _only_chinese_refusals(results)
    assert all("刚由他人设定" in m for m in messages)
    assert FundBudget.objects.count() == 1


def test_a_first_ratio_set_at_once_is_one_row() -> None:
    hq = persona("hq")
    area = Area.objects.get(code="dakoutun")
    results = at_once(
        [
            lambda i=i: settlement_ratio_set(
                year=2019,
                area=area,
                award_type="high_tech",
                area_percent=M(10 + i),
                actor=hq,
            )
            for i in range(N)
        ]
    )
    assert all("刚由他人设定" in m for m in _only_chinese_refusals(results))
    assert SettlementRatio.objects.count() == 1


def test_a_year_closed_twice_at_once_is_closed_once() -> None:
    hq = persona("hq")
    results = at_once([lambda: year_close(year=2018, actor=hq)] * N)
    assert all("已结算关账" in m for m in _only_chinese_refusals(results))
    assert YearClose.objects.count() == 1


def test_a_fund_created_twice_at_once_exists_once() -> None:
    hq = persona("hq")
    results = at_once([lambda: fund_create(code="zxzj", name="专项资金", actor=hq)] * N)
    assert all("已存在" in m for m in _only_chinese_refusals(results))
    assert Fund.objects.filter(code="zxzj").count() == 1
