"""The money ledger (资金台账): payments, reversing entries, budgets, closed years.

Entries are only ever added. A wrong payment is corrected by a reversal: a new
entry of the opposite amount that names the payment it cancels (at most one per
payment), dated when the correction is made. Nothing may be dated in a year the
district of the entry's area has closed (each district closes its own years).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from keqi.core import audit
from keqi.core.dates import business_today
from keqi.core.db_guards import insert_once
from keqi.funds.access import ensure_money_handler, ensure_own_district
from keqi.funds.actions import FundsAction, jsonable
from keqi.funds.models import (
    Award,
    AwardStatus,
    BudgetOverrun,
    EntryKind,
    Fund,
    FundBudget,
    LedgerEntry,
    Payer,
    YearClose,
)
from keqi.funds.money import ZERO, checked_yuan


def year_closed(year: int, district_id: int | None) -> bool:
    """Whether the district has closed (frozen) the year's settlement. Each
    district closes its own years; a row of no district (possible only on an
    install that had several districts before funds were given theirs) counts
    as closed when any district closed the year."""
    closes = YearClose.objects.filter(year=year)
    if district_id is not None:
        closes = closes.filter(district_id=district_id)
    return closes.exists()


def ensure_year_open(year: int, district_id: int | None) -> None:
    """Refuse, in Chinese, any change dated in a year the district has closed."""
    if year_closed(year, district_id):
        raise ValidationError(
            f"{year}年度已结算关账，不能再记入该年度的分录或修改该年度的比例和预算；"
            "更正请在未关账的年度做冲销分录"
        )


def award_net_paid(award: Award) -> Decimal:
    """Payments less reversals for the award, over all years (exact 元)."""
    amounts = LedgerEntry.objects.filter(award=award).values_list("amount", flat=True)
    return sum(amounts, ZERO)


def _check_day(day: dt.date, label: str, district_id: int | None) -> None:
    if day > business_today():
        raise ValidationError(f"{label} {day} 晚于今天，不能预先记账")
    ensure_year_open(day.year, district_id)


def _pay_errors(award: Award, amount: Decimal, day: dt.date, payer: str) -> list[str]:
    errors = []
    if award.status != AwardStatus.PUBLISHED:
        errors.append(
            f"该奖励当前为“{award.get_status_display()}”，只有公示期满、待拨付的奖励可以拨付"
        )
    elif award.notice is not None and day <= award.notice.ends_on:
        errors.append(f"公示截至 {award.notice.ends_on}，公示期满后方可拨付")
    if payer not in Payer.values:
        errors.append("请选择拨付方")
    left = award.amount - award_net_paid(award)
    if amount > left:
        errors.append(f"拨付金额 {amount} 元超过该奖励尚未拨付的 {left} 元")
    return errors


@transaction.atomic
def ledger_pay(
    *,
    award: Award,
    amount: Decimal,
    entry_date: dt.date,
    actor: Any,
    payer: str = Payer.DISTRICT,
    voucher: str = "",
    note: str = "",
    over_budget_reason: str = "",
) -> LedgerEntry:
    """Record money paid to an award after its 公示 (区财政局 or HQ).

    Part payments are allowed up to the award amount; when the net paid reaches
    it the award becomes 已拨付. The area, fund and award type are copied onto the
    entry so later moves never change a year already settled. A payment that takes
    the fund past its budget for the entry's year needs `over_budget_reason`; it is
    kept as a BudgetOverrun and shown in red on the budget page.
    """
    ensure_money_handler(actor)
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("enterprise__area", "rule", "notice")
        .get(pk=award.pk)
    )
    district_id = award.enterprise.area.district_id
    ensure_own_district(actor, district_id)
    amount = checked_yuan(amount, "拨付金额")
    _check_day(entry_date, "拨付日期", district_id)
    errors = _pay_errors(award, amount, entry_date, payer)
    if errors:
        raise ValidationError(errors)
    over = _over_budget(award.rule.fund_id, entry_date.year, amount, over_budget_reason)
    entry = LedgerEntry.objects.create(
        kind=EntryKind.PAYMENT,
        award=award,
        enterprise=award.enterprise,
        area_id=award.enterprise.area_id,
        fund_id=award.rule.fund_id,
        award_type=award.rule.award_type,
        payer=payer,
        entry_date=entry_date,
        amount=amount,
        voucher=voucher.strip(),
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _record_entry(entry, FundsAction.LEDGER_PAY, actor, note)
    if over is not None:
        _record_overrun(entry, *over, reason=over_budget_reason.strip(), actor=actor)
    if award_net_paid(award) == award.amount:
        _status(award, AwardStatus.PAID, actor, f"已拨付 {award.amount} 元")
    return entry


@transaction.atomic
def ledger_reverse(
    *,
    entry: LedgerEntry,
    reason: str,
    actor: Any,
    entry_date: dt.date | None = None,
) -> LedgerEntry:
    """Cancel a payment with a reversing entry (冲销) of the opposite amount.

    The payment stays in the ledger; both rows are shown. A payment can be
    reversed once; the reversal is dated today (or the given day, not before the
    payment) and may not fall in a closed year. A fully paid award goes back to
    待拨付.
    """
    ensure_money_handler(actor)
    entry = (
        LedgerEntry.objects.select_for_update(of=("self",))
        .select_related("area")
        .get(pk=entry.pk)
    )
    ensure_own_district(actor, entry.area.district_id)
    day = entry_date or business_today()
    if not reason.strip():
        raise ValidationError("请填写冲销原因")
    if entry.kind != EntryKind.PAYMENT:
        raise ValidationError("冲销分录不能再被冲销；如需更正，请重新登记拨付")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("该拨付分录已经冲销过，不能重复冲销")
    if day < entry.entry_date:
        raise ValidationError(f"冲销日期不能早于原拨付日期 {entry.entry_date}")
    _check_day(day, "冲销日期", entry.area.district_id)
    reversal = LedgerEntry.objects.create(
        kind=EntryKind.REVERSAL,
        award_id=entry.award_id,
        enterprise_id=entry.enterprise_id,
        area_id=entry.area_id,
        fund_id=entry.fund_id,
        award_type=entry.award_type,
        payer=entry.payer,
        entry_date=day,
        amount=-entry.amount,
        reverses=entry,
        voucher=entry.voucher,
        note=reason.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _record_entry(reversal, FundsAction.LEDGER_REVERSE, actor, reason.strip())
    award = Award.objects.select_for_update(of=("self",)).get(pk=entry.award_id)
    if award.status == AwardStatus.PAID:
        _status(award, AwardStatus.PUBLISHED, actor, f"冲销拨付：{reason.strip()}")
    return reversal


def fund_net_paid(fund_id: int, year: int) -> Decimal:
    """Payments less reversals from the fund dated in the year, every area (元)."""
    rows = LedgerEntry.objects.filter(fund_id=fund_id, entry_date__year=year)
    return sum(rows.values_list("amount", flat=True), ZERO)


def _over_budget(
    fund_id: int, year: int, amount: Decimal, reason: str
) -> tuple[FundBudget, Decimal] | None:
    """(budget, paid after) when the payment takes the fund past its budget.

    The budget row is locked, so two payments that each fit cannot pass it
    together; past it without a reason is refused.
    """
    budget = (
        FundBudget.objects.select_for_update()
        .filter(fund_id=fund_id, year=year)
        .select_related("fund")
        .first()
    )
    if budget is None:
        return None
    after = fund_net_paid(fund_id, year) + amount
    if after <= budget.amount:
        return None
    if not reason.strip():
        raise ValidationError(
            f"本次拨付后“{budget.fund}”{year}年度拨付合计 {after} 元，"
            f"超出预算 {budget.amount} 元 {after - budget.amount} 元；"
            "确需超预算拨付的，请填写超预算原因"
        )
    return budget, after


def _record_overrun(
    entry: LedgerEntry, budget: FundBudget, after: Decimal, *, reason: str, actor: Any
) -> None:
    overrun = BudgetOverrun.objects.create(
        entry=entry,
        fund_id=budget.fund_id,
        year=budget.year,
        budget=budget.amount,
        paid_after=after,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=FundsAction.BUDGET_OVERRUN,
        target=overrun,
        changes=jsonable(
            {"budget": [None, budget.amount], "paid_after": [None, after]}
        ),
        reason=reason,
        subject=f"award:{entry.award_id}",
    )


def _record_entry(entry: LedgerEntry, action: str, actor: Any, reason: str) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=entry,
        changes=jsonable(
            {
                "amount": [None, entry.amount],
                "entry_date": [None, entry.entry_date],
                "payer": [None, entry.payer],
                "reverses": [None, entry.reverses_id],
            }
        ),
        reason=reason,
        subject=f"award:{entry.award_id}",
    )


def _status(award: Award, to: str, actor: Any, reason: str) -> None:
    before = award.status
    award.status = to
    award.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=FundsAction.LEDGER_PAY
        if to == AwardStatus.PAID
        else FundsAction.LEDGER_REVERSE,
        target=award,
        changes=jsonable({"status": [before, to]}),
        reason=reason,
        subject=award.subject,
    )


@transaction.atomic
def fund_budget_set(
    *, fund: Fund, year: int, amount: Decimal, actor: Any, reason: str = ""
) -> FundBudget:
    """Set a fund's budget for a year (区财政局 or HQ); not for a closed year, and
    never below what was already paid from the fund in that year."""
    ensure_money_handler(actor)
    ensure_own_district(actor, fund.district_id)
    amount = checked_yuan(amount, "预算金额", positive=False)
    if amount < 0:
        raise ValidationError("预算金额不能为负数")
    ensure_year_open(year, fund.district_id)
    row = _budget_row(fund, year, amount)
    paid = fund_net_paid(fund.pk, year)
    if amount < paid:
        raise ValidationError(
            f"“{fund}”{year}年度已拨付净额 {paid} 元，预算不能设为低于已拨付的金额"
            f"（填写的是 {amount} 元）"
        )
    before = row.amount if row.pk else None
    if row.pk is None:
        # A first budget set twice at once: the loser meets one_budget_per_year.
        insert_once(row, f"“{fund}”{year}年度预算刚由他人设定，请刷新页面查看后再改")
    elif row.amount != amount:
        row.amount = amount
        row.save(update_fields=["amount"])
    if before != amount:
        audit.record(
            actor=actor,
            action=FundsAction.BUDGET_SET,
            target=row,
            changes=jsonable({"amount": [before, amount]}),
            reason=reason,
        )
    return row


def _budget_row(fund: Fund, year: int, amount: Decimal) -> FundBudget:
    """The year's budget row, locked against payments; unsaved when there is none."""
    found = FundBudget.objects.select_for_update().filter(fund=fund, year=year)
    row = found.first()
    if row is not None:
        return row
    return FundBudget(fund=fund, year=year, amount=amount)


def budget_of(fund: Fund, year: int) -> Decimal | None:
    """The fund's budget for the year, or None when none was set."""
    row = FundBudget.objects.filter(fund=fund, year=year).first()
    return row.amount if row is not None else None
