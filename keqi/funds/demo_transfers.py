"""Demo 上级转移支付 income (`keqi demo`, 措施12): invented receipts of 2019.

Baodi: the city's 科技型企业培育 money in June, the centre's 引导地方科技发展
money in August, and one receipt entered with a wrong amount in July, cancelled
by a correction and entered again; 示范区 one receipt. Recorded through the
service (append-only: corrections are new entries), found by title and day, so a
second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from keqi.accounts.models import District
from keqi.funds.models import Fund
from keqi.funds.models_transfer import TransferIncome
from keqi.funds.transfers import transfer_income_correct, transfer_income_record

D = dt.date
M = Decimal
Spec = tuple[str, str, str, dt.date, Decimal, str]
# (title, level, document, received on, amount in 元, note)
BAODI: tuple[Spec, ...] = (
    ("市级科技型企业培育专项资金（演示）", "city", "津财教指〔2019〕38号（虚构）",
     D(2019, 6, 18), M("1200000.00"), "纳入科技企业扶持资金"),
    ("中央引导地方科技发展资金（演示）", "central", "财教〔2019〕96号（虚构）",
     D(2019, 8, 26), M("800000.00"), ""),
)  # fmt: skip
WRONG: Spec = ("市级科技创新券补助资金（演示）", "city", "津科计〔2019〕55号（虚构）",
         D(2019, 7, 22), M("350000.00"), "")  # fmt: skip
RIGHT_AMOUNT = M("305000.00")
SHIFAN: tuple[Spec, ...] = (
    ("市级科技型企业培育专项资金（示范区，演示）", "city", "虚构文号",
     D(2019, 7, 5), M("400000.00"), ""),
)  # fmt: skip


def _record(
    district: District, spec: Spec, fund: Fund | None, amount: M | None = None
) -> TransferIncome:
    title, level, document, day, full, note = spec
    amount = full if amount is None else amount
    found = TransferIncome.objects.filter(
        district=district, title=title, received_on=day, amount=amount,
        corrects__isnull=True,
    ).first()  # fmt: skip
    if found is not None:
        return found
    return transfer_income_record(
        year=day.year, level=level, title=title, received_on=day, amount=amount,
        actor=None, document=document, fund=fund, note=note, district=district,
    )  # fmt: skip


def transfers_load(district: District, fund: Fund | None) -> int:
    """Baodi's 2019 income with one correction; how many entries it holds."""
    for spec in BAODI:
        _record(district, spec, fund if spec[5] else None)
    wrong = _record(district, WRONG, None)
    if not TransferIncome.objects.filter(corrects=wrong).exists():
        transfer_income_correct(
            row=wrong, received_on=D(2019, 7, 24), actor=None,
            reason="金额录入错误（应为305000.00元），冲减后重新登记",
        )  # fmt: skip
    _record(district, WRONG, None, RIGHT_AMOUNT)
    return TransferIncome.objects.filter(district=district).count()


def shifan_transfers_load(district: District) -> None:
    for spec in SHIFAN:
        _record(district, spec, None)
