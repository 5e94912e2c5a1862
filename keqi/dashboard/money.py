"""Money paid against budget, from keqi.funds (`fund_budget_vs_paid`).

An area's staff see every fund's district budget beside what was paid in their
own area. A figure links to the funds module's page for it when that page exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from keqi.dashboard.selectors import Figure
from keqi.funds.selectors import FundUse, fund_budget_vs_paid

NO_FUNDS = "尚未设立奖补资金：请指挥部办公室在“资金奖补”中设立资金并录入年度预算。"


@dataclass(frozen=True)
class FundRow:
    """One fund's budget for the year and what has been paid from it (元)."""

    name: str
    budget: Figure
    paid: Figure
    percent: Decimal | None

    @property
    def figures(self) -> list[Figure]:
        return [self.budget, self.paid]


def _link(name: str, query: dict[str, str]) -> str:
    """The funds page, or "" while keqi.funds has not wired it."""
    try:
        return f"{reverse(name)}?{urlencode(query)}"
    except NoReverseMatch:
        return ""


def _row(use: FundUse) -> FundRow:
    query = {"year": str(use.year), "fund": str(use.fund.pk)}
    return FundRow(
        use.fund.name,
        Figure("预算", use.budget, _link("funds:budget_list", query), "money"),
        Figure("已拨付", use.paid, _link("funds:ledger", query), "money"),
        use.percent,
    )


def fund_rows(user: object, year: int) -> list[FundRow]:
    """Budget and paid per fund for `year` (paid in the user's own area for area staff)."""
    return [_row(use) for use in fund_budget_vs_paid(year, user)]
