"""The append-only ledger: payments, reversing entries, balances, DB guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from keqi.funds.awards import award_reject
from keqi.funds.ledger import (
    award_net_paid,
    fund_budget_set,
    ledger_pay,
    ledger_reverse,
)
from keqi.funds.models import AwardStatus, EntryKind, LedgerEntry
from keqi.funds.selectors import entry_list_for, fund_budget_vs_paid, ledger_balances
from keqi.funds.tests.helpers import (
    M,
    candidate_for,
    finance,
    fund,
    high_tech_firm,
    published,
    rule,
)

pytestmark = pytest.mark.django_db
PAY_DAY = dt.date(2019, 12, 20)


@pytest.fixture
def award(db):  # type: ignore[no-untyped-def]
    rule()
    return published(candidate_for(high_tech_firm()))


def test_payment_after_notice_marks_the_award_paid(award) -> None:
    entry = ledger_pay(
        award=award, amount=M("200000.00"), entry_date=PAY_DAY, actor=finance()
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.PAID
    assert entry.area == award.enterprise.area and entry.fund == award.rule.fund
    assert entry.award_type == "high_tech" and entry.created_by == finance()


def test_payment_during_the_notice_period_is_refused(award) -> None:
    with pytest.raises(ValidationError, match="公示期满后方可拨付"):
        ledger_pay(
            award=award, amount=M("1"), entry_date=dt.date(2019, 12, 10), actor=None
        )


def test_payment_beyond_the_award_or_below_a_fen_is_refused(award) -> None:
    with pytest.raises(ValidationError, match="超过"):
        ledger_pay(award=award, amount=M("200000.01"), entry_date=PAY_DAY, actor=None)
    with pytest.raises(ValidationError, match="两位小数"):
        ledger_pay(award=award, amount=M("0.001"), entry_date=PAY_DAY, actor=None)
    assert not LedgerEntry.objects.exists()


def test_only_finance_or_hq_record_money(award, town_a, member) -> None:
    for who in (town_a, member):
        with pytest.raises(PermissionDenied):
            ledger_pay(award=award, amount=M("1"), entry_date=PAY_DAY, actor=who)


def test_a_reversal_keeps_the_ledger_balanced_and_both_entries_visible(
    award, hq
) -> None:
    wrong = ledger_pay(award=award, amount=M("20000.00"), entry_date=PAY_DAY, actor=hq)
    back = ledger_reverse(
        entry=wrong,
        reason="金额录入错误（应为200000元）",
        entry_date=dt.date(2019, 12, 21),
        actor=hq,
    )
    right = ledger_pay(
        award=award, amount=M("200000.00"), entry_date=dt.date(2019, 12, 21), actor=hq
    )
    rows = entry_list_for(hq)
    assert list(rows) == [wrong, back, right]
    assert back.kind == EntryKind.REVERSAL and back.reverses == wrong
    assert back.amount == M("-20000.00")
    balances = ledger_balances(rows)
    assert balances.total.net == M("200000.00")
    assert balances.total.paid == M("220000.00")
    assert balances.total.reversed == M("-20000.00")
    assert award_net_paid(award) == award.amount


def test_a_payment_is_reversed_once_and_a_reversal_never(award, hq) -> None:
    entry = ledger_pay(award=award, amount=M("100"), entry_date=PAY_DAY, actor=hq)
    back = ledger_reverse(entry=entry, reason="重复拨付", actor=hq)
    with pytest.raises(ValidationError, match="已经冲销过"):
        ledger_reverse(entry=entry, reason="再冲一次", actor=hq)
    with pytest.raises(ValidationError, match="不能再被冲销"):
        ledger_reverse(entry=back, reason="冲销冲销", actor=hq)
    with pytest.raises(ValidationError, match="冲销原因"):
        ledger_reverse(entry=entry, reason="", actor=hq)


def test_reversing_a_full_payment_puts_the_award_back_to_waiting(award, hq) -> None:
    entry = ledger_pay(award=award, amount=award.amount, entry_date=PAY_DAY, actor=hq)
    ledger_reverse(entry=entry, reason="收款账户错误，退回重拨", actor=hq)
    award.refresh_from_db()
    assert award.status == AwardStatus.PUBLISHED


def test_an_award_with_money_paid_cannot_be_rejected_until_reversed(award, hq) -> None:
    entry = ledger_pay(award=award, amount=M("5"), entry_date=PAY_DAY, actor=hq)
    with pytest.raises(ValidationError, match="请先冲销"):
        award_reject(award=award, reason="查实不符合条件", actor=hq)
    ledger_reverse(entry=entry, reason="查实不符合条件，收回", actor=hq)
    assert award_reject(award=award, reason="查实不符合条件", actor=hq).status == (
        AwardStatus.REJECTED
    )


def test_the_database_refuses_to_edit_or_delete_an_entry(award, hq) -> None:
    entry = ledger_pay(award=award, amount=M("100.00"), entry_date=PAY_DAY, actor=hq)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=M("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount == M("100.00")


def test_balances_per_enterprise_area_fund_and_year_add_up(hq) -> None:
    rule()
    a = published(candidate_for(high_tech_firm("dakoutun", "GR1")))
    b = published(candidate_for(high_tech_firm("koudong", "GR2")))
    ledger_pay(award=a, amount=M("150000.50"), entry_date=PAY_DAY, actor=hq)
    ledger_pay(award=b, amount=M("200000"), entry_date=dt.date(2020, 1, 6), actor=hq)
    balances = ledger_balances(entry_list_for(hq))
    assert balances.total.net == M("350000.50")
    for way in ("by_enterprise", "by_area", "by_fund", "by_year"):
        assert sum(x.net for x in getattr(balances, way)) == balances.total.net
    assert [(y.label, y.net) for y in balances.by_year] == [
        ("2019年", M("150000.50")),
        ("2020年", M("200000.00")),
    ]


def test_an_area_user_sees_only_their_areas_money(hq, town_a) -> None:
    rule()
    a = published(candidate_for(high_tech_firm("dakoutun", "GR1")))
    b = published(candidate_for(high_tech_firm("koudong", "GR2")))
    ledger_pay(award=a, amount=M("1.00"), entry_date=PAY_DAY, actor=hq)
    ledger_pay(award=b, amount=M("2.00"), entry_date=PAY_DAY, actor=hq)
    assert [e.award for e in entry_list_for(town_a)] == [a]
    mine = fund_budget_vs_paid(2019, town_a)[0]
    assert mine.paid == M("1.00")
    assert fund_budget_vs_paid(2019)[0].paid == M("3.00")


def test_fund_budget_vs_paid_for_the_dashboard(award, hq) -> None:
    fund_budget_set(fund=fund(), year=2019, amount=M("800000"), actor=finance())
    ledger_pay(award=award, amount=M("200000"), entry_date=PAY_DAY, actor=hq)
    [use] = fund_budget_vs_paid(2019)
    assert (use.budget, use.paid, use.remaining, use.percent) == (
        M("800000.00"),
        M("200000.00"),
        M("600000.00"),
        M("25.0"),
    )
    [none] = fund_budget_vs_paid(2018)
    assert none.budget is None and none.percent is None and none.paid == 0
