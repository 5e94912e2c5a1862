"""How long a qualification stays valid when the workbook leaves 有效期至 blank.

Each rule is a plain fact with its source; `confirmed` says whether more than one
independent copy of the official text agrees (see shared/policy/criteria.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ValidityRule:
    """How a validity end date follows from the date granted."""

    years: int | None  # whole years from the grant date, minus one day
    to_year_end: bool  # valid until 31 December of the grant year
    basis: str
    confirmed: bool


VALIDITY_RULES: dict[str, ValidityRule] = {
    "高新技术企业": ValidityRule(
        years=3,
        to_year_end=False,
        basis="《高新技术企业认定管理办法》（国科发火〔2016〕32号）：证书自颁发之日起有效期为三年",
        confirmed=True,
    ),
    "科技型中小企业": ValidityRule(
        years=None,
        to_year_end=True,
        basis="国科火字〔2019〕87号：入库登记编号当年有效（单一来源，待核实）",
        confirmed=False,
    ),
    "知识产权管理体系认证": ValidityRule(
        years=3,
        to_year_end=False,
        basis="知识产权管理体系认证（GB/T 29490 贯标）证书有效期三年，期间每年监督审核，"
        "期满再认证（认证机构公开资料，待核实）",
        confirmed=False,
    ),
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def derive_valid_until(kind: str, granted_on: dt.date | None) -> dt.date | None:
    """The end of validity by the programme's rule, or None when no rule applies."""
    rule = VALIDITY_RULES.get(kind)
    if rule is None or granted_on is None:
        return None
    if rule.to_year_end:
        return dt.date(granted_on.year, 12, 31)
    assert rule.years is not None
    return add_years(granted_on, rule.years) - dt.timedelta(days=1)


def effective_valid_until(
    kind: str, granted_on: dt.date | None, entered: dt.date | None
) -> dt.date | None:
    """What the registry stores: the entered date when given, else the derived one."""
    return entered if entered is not None else derive_valid_until(kind, granted_on)
