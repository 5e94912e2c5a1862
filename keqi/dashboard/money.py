"""Money paid against budget, from keqi.funds once it offers the figures.

keqi.funds is being built alongside the dashboard; until its selectors offer
budget against paid, the dashboard shows the panel saying the module is not in use.
"""

from __future__ import annotations

from dataclasses import dataclass

from keqi.dashboard.selectors import Figure

NOT_YET = "资金模块尚未启用：奖补资金的预算与拨付数据将在资金模块上线后显示。"


@dataclass(frozen=True)
class FundRow:
    """One fund's budget for the year and what has been paid from it."""

    name: str
    budget: Figure
    paid: Figure


def fund_rows(user: object, year: int) -> list[FundRow] | None:
    """Budget and paid per fund for `year`; None while keqi.funds has no figures."""
    return None
