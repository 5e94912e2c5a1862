"""Money paid against budget, from keqi.funds (`fund_budget_vs_paid`).

An area's staff see every fund's district budget beside what was paid in their
own area. The city sees every district's funds (each with its district), or one
district's when it has narrowed the page to it. Paid links to the fund's ledger entries for the year (whose net total is
the figure); the budget to the fund's budget page for the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from keqi.accounts.models import District
from keqi.dashboard.selectors import Figure
from keqi.funds.selectors import FundUse, fund_budget_vs_paid

NO_FUNDS = "尚未设立奖补资金：请指挥部办公室在“资金奖补”中设立资金并录入年度预算。"


@dataclass(frozen=True)
class FundRow:
    """One fund's budget for the year and what has been paid from it (元)."""

    name: str
    district: str
    budget: Figure
    paid: Figure
    percent: Decimal | None

    @property
    def figures(self) -> list[Figure]:
        return [self.budget, self.paid]


def _url(name: str, query: dict[str, str]) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def _row(use: FundUse, district: District | None, names: dict[int, str]) -> FundRow:
    query = {"year": str(use.year), "fund": use.fund.code}
    if district is not None:
        query["district"] = district.code
    ledger = _url("funds:ledger", query)
    return FundRow(
        use.fund.name,
        names.get(use.fund.district_id or 0, ""),
        Figure("预算", use.budget, _url("funds:budget_list", query), "money"),
        Figure("已拨付", use.paid, ledger, "money"),
        use.percent,
    )


def fund_rows(
    user: object, year: int, district: District | None = None
) -> list[FundRow]:
    """Budget and paid per fund for `year` (paid in the user's own area for area
    staff); only one district's funds when given (the city's drill-down)."""
    names = dict(District.objects.values_list("pk", "name"))
    return [
        _row(use, district, names)
        for use in fund_budget_vs_paid(year, user)
        if district is None or use.fund.district_id == district.pk
    ]
