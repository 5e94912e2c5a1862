"""Amounts summed as whole millionths: the same integers on SQLite and
PostgreSQL (whose sums are converted once, not each row)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db.models import F, Q

from keqi.core.micro import Micro, MicroSum
from keqi.core.testing import add_figures, make_enterprise
from keqi.registry.models import AnnualFigures

pytestmark = pytest.mark.django_db


def _figures() -> None:
    for rd, sales in (
        (D("0.1"), D("0.3")),
        (D("0.2"), D("0.1")),
        (D("0.000001"), D("12345678.000001")),
        (None, D("5")),
        (D("-1.5"), D("0")),
    ):
        add_figures(make_enterprise(), 2019, rd_expense=rd, sales_revenue=sales)


def test_sums_are_exact_millionths_with_or_without_a_filter() -> None:
    _figures()
    found = AnnualFigures.objects.aggregate(
        rd=MicroSum(Micro("rd_expense")),
        sales=MicroSum(Micro("sales_revenue")),
        positive=MicroSum(Micro("rd_expense"), filter=Q(rd_expense__gt=0)),
        none=MicroSum(Micro("rd_expense"), filter=Q(year=2018)),
    )
    assert found == {
        "rd": 100_000 + 200_000 + 1 - 1_500_000,
        "sales": 300_000 + 100_000 + 12_345_678_000_001 + 5_000_000,
        "positive": 300_001,
        "none": None,
    }
    assert all(type(v) is int for v in found.values() if v is not None)


def test_comparisons_between_amounts_mean_the_same() -> None:
    _figures()
    rows = AnnualFigures.objects.annotate(
        rd=Micro("rd_expense"), sales=Micro("sales_revenue")
    )
    assert rows.filter(rd__gt=F("sales")).count() == 1
    assert rows.filter(rd__gt=0).count() == 3
    assert rows.filter(rd__lt=F("sales") * 4, rd__gt=0).count() == 3
    assert rows.filter(rd__isnull=True).count() == 1
