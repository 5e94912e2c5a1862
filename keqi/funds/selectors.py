"""Reads of awards, notices and money, always scoped to the user.

Sums of money are made in Python with Decimal over the stored amounts (SQLite keeps
decimals as floating point, so a database SUM could be off by a fraction of a 分),
or in the database over whole 分 (integers) when the rows are a city's many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Round
from django.http import Http404

from keqi.core.models import AuditEvent
from keqi.funds.access import area_q, award_q, fund_q
from keqi.funds.models import (
    Award,
    AwardRule,
    BudgetOverrun,
    EntryKind,
    Fund,
    FundBudget,
    LedgerEntry,
    PublicNotice,
)
from keqi.funds.money import HUNDRED, ZERO


def rule_list_for(user: Any) -> QuerySet[AwardRule]:
    """Award rules paid from the funds of the user's district (all for the city)."""
    return AwardRule.objects.filter(fund_q(user, "fund__")).select_related("fund")


def award_list_for(user: Any) -> QuerySet[Award]:
    """Awards of enterprises the user may see."""
    return Award.objects.filter(award_q(user)).select_related(
        "enterprise__area", "rule__fund", "notice"
    )


def award_totals(rows: QuerySet[Award]) -> dict[str, Any]:
    """How many awards and their amount, summed in whole fen in the database (so
    SQLite's floating-point SUM never rounds a total)."""
    fen = Cast(Round(F("amount") * Value(100)), BigIntegerField())
    found = rows.order_by().aggregate(n=Count("pk"), fen=Sum(fen))
    return {"n": found["n"], "amount": Decimal(found["fen"] or 0).scaleb(-2)}


def award_get_for(user: Any, pk: int) -> Award:
    """One award, or 404 when it is outside the user's scope."""
    award = award_list_for(user).filter(pk=pk).first()
    if award is None:
        raise Http404("没有这项奖励，或不在您的管辖范围内")
    return award


def award_history(award: Award) -> QuerySet[AuditEvent]:
    """Every audited step of the award and its money, newest first."""
    return AuditEvent.objects.filter(subject=award.subject).select_related("actor")


def notice_list_for(user: Any) -> list[tuple[PublicNotice, int]]:
    """Notices with at least one award the user may see, with that count."""
    counts: dict[int, int] = defaultdict(int)
    for notice_id in (
        award_list_for(user)
        .filter(notice__isnull=False)
        .values_list("notice_id", flat=True)
    ):
        counts[notice_id] += 1
    notices = PublicNotice.objects.filter(pk__in=counts)
    return [(n, counts[n.pk]) for n in notices]


def notice_get_for(user: Any, pk: int) -> tuple[PublicNotice, QuerySet[Award]]:
    """A notice and the rows of it the user may see; 404 if none."""
    notice = PublicNotice.objects.filter(pk=pk).first()
    rows = (
        award_list_for(user)
        .filter(notice_id=pk)
        .order_by("enterprise__area__sort", "enterprise__name", "pk")
    )
    if notice is None or not rows.exists():
        raise Http404("没有这份公示，或其中没有您管辖范围内的企业")
    return notice, rows


def entry_list_for(
    user: Any,
    *,
    year: int | None = None,
    fund: Fund | None = None,
    area_id: int | None = None,
) -> QuerySet[LedgerEntry]:
    """Ledger entries of the user's areas, optionally one year, fund or area."""
    rows = LedgerEntry.objects.filter(area_q(user)).select_related(
        "enterprise", "area", "fund", "award__rule", "created_by", "reverses"
    )
    if year is not None:
        rows = rows.filter(entry_date__year=year)
    if fund is not None:
        rows = rows.filter(fund=fund)
    if area_id is not None:
        rows = rows.filter(area_id=area_id)
    return rows.order_by("entry_date", "pk")


@dataclass(frozen=True)
class Balance:
    """Money under one heading: paid, reversed and net (exact 元)."""

    key: Any
    label: str
    paid: Decimal
    reversed: Decimal
    entries: int

    @property
    def net(self) -> Decimal:
        return self.paid + self.reversed


@dataclass(frozen=True)
class Balances:
    """The ledger summed four ways; each way adds up to the same total."""

    total: Balance
    by_enterprise: list[Balance]
    by_area: list[Balance]
    by_fund: list[Balance]
    by_year: list[Balance]


_BALANCE_COLUMNS = (
    "kind",
    "amount",
    "enterprise_id",
    "enterprise__name",
    "area_id",
    "area__name",
    "area__sort",
    "fund_id",
    "fund__name",
    "entry_date",
)


def _group(
    rows: list[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], Any]
) -> list[Balance]:
    """Sum (key, label, sort) groups of ledger rows, in sort order."""
    paid: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    rev: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    count: dict[Any, int] = defaultdict(int)
    labels: dict[Any, tuple[str, Any]] = {}
    for row in rows:
        k, label, order = key(row)
        labels[k] = (label, order)
        target = paid if row[0] == EntryKind.PAYMENT else rev
        target[k] += row[1]
        count[k] += 1
    ordered = sorted(labels, key=lambda k: labels[k][1])
    return [Balance(k, labels[k][0], paid[k], rev[k], count[k]) for k in ordered]


def ledger_balances(entries: QuerySet[LedgerEntry]) -> Balances:
    """Balances per enterprise, area, fund and year of the given (scoped) entries."""
    rows = list(entries.order_by().values_list(*_BALANCE_COLUMNS))
    total = _group(rows, lambda r: ("all", "合计", 0))
    return Balances(
        total=total[0] if total else Balance("all", "合计", ZERO, ZERO, 0),
        by_enterprise=_group(rows, lambda r: (r[2], r[3], (r[3], r[2]))),
        by_area=_group(rows, lambda r: (r[4], r[5], (r[6], r[4]))),
        by_fund=_group(rows, lambda r: (r[7], r[8], r[7])),
        by_year=_group(rows, lambda r: (r[9].year, f"{r[9].year}年", r[9].year)),
    )


@dataclass(frozen=True)
class FundUse:
    """A fund's budget for a year against what was paid from it (net, 元)."""

    fund: Fund
    year: int
    budget: Decimal | None
    paid: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.paid

    @property
    def over_budget(self) -> bool:
        """Paid past the budget (only ever with a recorded reason per payment)."""
        return self.budget is not None and self.paid > self.budget

    @property
    def percent(self) -> Decimal | None:
        """Share of the budget paid, in % to one decimal place (None without budget)."""
        if not self.budget:
            return None
        return (self.paid * HUNDRED / self.budget).quantize(Decimal("0.1"))


def fund_budget_vs_paid(year: int, user: Any = None) -> list[FundUse]:
    """Each fund's budget for the year and the net paid from it in that year.

    For the dashboard. user=None counts the whole district; an area user gets the
    same budgets but only what was paid in their own area.
    """
    budgets = {b.fund_id: b.amount for b in FundBudget.objects.filter(year=year)}
    scope = Q() if user is None else area_q(user)
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for fund_id, amount in LedgerEntry.objects.filter(
        scope, entry_date__year=year
    ).values_list("fund_id", "amount"):
        paid[fund_id] += amount
    return [
        FundUse(fund, year, budgets.get(fund.pk), paid[fund.pk])
        for fund in Fund.objects.filter(fund_q(user)).order_by("code")
    ]


def overrun_list_for(user: Any, year: int) -> QuerySet[BudgetOverrun]:
    """Payments past a fund's budget in the year, with their reasons, in the
    user's areas (the budget page lists them in red)."""
    return (
        BudgetOverrun.objects.filter(area_q(user, "entry__area_id"), year=year)
        .select_related("fund", "entry__enterprise", "created_by")
        .order_by("fund__code", "entry__entry_date", "pk")
    )
