"""上级转移支付 income: recorded by 区财政局 or HQ, only ever added (措施12).

A receipt is a positive amount; a mistake is corrected by a negative entry that
names the receipt it corrects (one correction each) and says why. Nothing is
recorded in a closed year. The district's whole-district readers (HQ, 财政局,
leaders, auditors) see it; an area's staff do not (it is the district's money).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from keqi.accounts.models import District
from keqi.accounts.scopes import district_for, district_q
from keqi.core import audit
from keqi.funds.access import (
    ensure_money_handler,
    ensure_own_district,
    sees_whole_district,
)
from keqi.funds.ledger import ensure_year_open
from keqi.funds.models import Fund
from keqi.funds.models_transfer import TransferIncome, TransferLevel
from keqi.funds.money import ZERO, checked_yuan, yuan_text


class TransferAction:
    INCOME_RECORD = "transfer_income.record"
    INCOME_CORRECT = "transfer_income.correct"


ACTION_LABELS = {
    TransferAction.INCOME_RECORD: "登记上级转移支付收入",
    TransferAction.INCOME_CORRECT: "更正上级转移支付收入",
}


def transfer_list_for(user: Any) -> QuerySet[TransferIncome]:
    """The income of the user's district for whole-district readers (every
    district's for the city); nothing for an area's staff."""
    rows = TransferIncome.objects.select_related(
        "fund", "corrects", "created_by", "district"
    )
    if user is None or not user.is_authenticated or not sees_whole_district(user):
        return rows.none()
    return rows.filter(district_q(user))


def ensure_reads_transfers(user: Any) -> None:
    if not sees_whole_district(user):
        raise PermissionDenied("上级转移支付收入由区财政局和指挥部办公室查看")


def _check_year(year: int, received_on: dt.date, district_id: int | None) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "预算年度应为四位数字，如 2019"})
    if received_on.year not in (year, year + 1):
        raise ValidationError(
            {"received_on": f"到账日期应在{year}年或次年（跨年到账）内"}
        )
    ensure_year_open(year, district_id)


@transaction.atomic
def transfer_income_record(
    *,
    year: int,
    level: str,
    title: str,
    received_on: dt.date,
    amount: Decimal,
    actor: Any,
    document: str = "",
    fund: Fund | None = None,
    note: str = "",
    district: District | None = None,
) -> TransferIncome:
    """Record money received from the city or the centre (区财政局 or HQ). The
    income is the actor's district's; the system (actor None) names the district
    when the install has several."""
    ensure_money_handler(actor)
    if level not in TransferLevel.values:
        raise ValidationError({"level": "请选择来源（中央或市级）"})
    if not title.strip():
        raise ValidationError({"title": "请填写资金名称"})
    amount = checked_yuan(amount, "金额")
    if actor is not None or district is None:
        district = district_for(actor)
    _check_year(year, received_on, district.pk if district is not None else None)
    if fund is not None and district is not None and fund.district_id != district.pk:
        raise ValidationError({"fund": "只能纳入本区的资金"})
    row = TransferIncome(
        district=district, year=year, level=level, title=title.strip(), document=document.strip(),
        fund=fund, received_on=received_on, amount=amount, note=note.strip(),
        created_by=actor,
    )  # fmt: skip
    row.full_clean()
    row.save()
    audit.record(
        actor=actor,
        action=TransferAction.INCOME_RECORD,
        target=row,
        changes={"amount": [None, str(amount)], "year": [None, year]},
    )
    return row


@transaction.atomic
def transfer_income_correct(
    *,
    row: TransferIncome,
    reason: str,
    actor: Any,
    received_on: dt.date | None = None,
) -> TransferIncome:
    """Cancel a receipt with a negative entry naming it (then record it anew).

    The cancelling entry is dated the receipt's own day unless a day is given:
    it takes that receipt out of its year, whenever the mistake is found (the
    time it was entered is in ``created_at`` and the audit trail)."""
    if received_on is None:
        received_on = row.received_on
    ensure_money_handler(actor)
    ensure_own_district(actor, row.district_id)
    if row.corrects_id is not None:
        raise ValidationError("更正记录本身不能再更正")
    if TransferIncome.objects.filter(corrects=row).exists():
        raise ValidationError("该笔收入已经更正过")
    if not reason.strip():
        raise ValidationError({"note": "请写明更正原因"})
    _check_year(row.year, received_on, row.district_id)
    correction = TransferIncome.objects.create(
        district=row.district, year=row.year, level=row.level, title=row.title,
        document=row.document, fund=row.fund, received_on=received_on, amount=-row.amount, corrects=row,
        note=reason.strip(), created_by=actor,
    )  # fmt: skip
    audit.record(
        actor=actor,
        action=TransferAction.INCOME_CORRECT,
        target=correction,
        changes={"amount": [str(row.amount), "0.00"]},
        reason=reason.strip(),
    )
    return correction


@dataclass(frozen=True)
class TransferSummary:
    """A year's 转移支付 income: by level and in all (exact 元)."""

    year: int
    by_level: list[tuple[str, Decimal]]
    total: Decimal

    def district_net(self, district_share: Decimal) -> Decimal:
        """The district's share of the cost less the income received for it."""
        return district_share - self.total

    def district_net_text(self, district_share: Decimal) -> str:
        """The net in words: what the district still bears, or what is left over."""
        net = self.district_net(district_share)
        if net < 0:
            return f"上级转移支付收入超出区级负担 {yuan_text(-net)} 元"
        return f"扣除上级转移支付收入后，区级净负担 {yuan_text(net)} 元"


def transfer_summary(
    year: int, user: Any = None, district: District | None = None
) -> TransferSummary:
    """Income of the year of the user's district (every district's for the
    system, None; one district's when given), summed in Python (never a
    database float)."""
    sums = {level: ZERO for level in TransferLevel.values}
    rows = TransferIncome.objects.filter(year=year)
    if user is not None:
        rows = rows.filter(district_q(user))
    if district is not None:
        rows = rows.filter(district=district)
    for level, amount in rows.values_list("level", "amount"):
        sums[level] += amount
    labels = dict(TransferLevel.choices)
    by_level = [(labels[k], v) for k, v in sums.items()]
    return TransferSummary(year, by_level, sum(sums.values(), ZERO))
