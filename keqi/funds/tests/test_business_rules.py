"""Dates and budgets the funds flow refuses: a back-dated or too short 公示, money
paid before the 公示 ends, a budget set below what was paid, a payment past the
budget without a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from keqi.core.models import AuditEvent
from keqi.funds.awards import award_approve, award_area_check, notice_publish
from keqi.funds.ledger import fund_budget_set, ledger_pay
from keqi.funds.models import (
    Award,
    AwardStatus,
    BudgetOverrun,
    FundBudget,
    LedgerEntry,
    PublicNotice,
)
from keqi.funds.tests.helpers import (
    M,
    candidate_for,
    client_for,
    finance,
    fund,
    high_tech_firm,
    published,
    rule,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2019, 12, 2)
PAY_DAY = dt.date(2019, 12, 20)


@pytest.fixture
def approved(db):  # type: ignore[no-untyped-def]
    rule()
    award = candidate_for(high_tech_firm())
    award_area_check(award=award, actor=None)
    return award_approve(award=award, actor=None)


def _publish(award: Award, starts_on: dt.date, ends_on: dt.date) -> PublicNotice:
    return notice_publish(
        awards=[award],
        title="2019年度奖励公示",
        starts_on=starts_on,
        ends_on=ends_on,
        actor=None,
        today=TODAY,
    )


def test_a_notice_starting_before_today_is_refused(approved) -> None:
    with pytest.raises(ValidationError, match="早于今天.*不能补登在过去"):
        _publish(approved, dt.date(2019, 11, 25), dt.date(2019, 12, 8))
    approved.refresh_from_db()
    assert approved.status == AwardStatus.APPROVED
    assert not PublicNotice.objects.exists()


@pytest.mark.parametrize(("ends_on", "days"), [(TODAY, 1), (dt.date(2019, 12, 7), 6)])
def test_a_notice_shorter_than_seven_days_is_refused(
    approved, ends_on: dt.date, days: int
) -> None:
    with pytest.raises(ValidationError, match=f"至少 7 天.*只有 {days} 天"):
        _publish(approved, TODAY, ends_on)


def test_a_seven_day_notice_from_today_is_published(approved) -> None:
    notice = _publish(approved, TODAY, dt.date(2019, 12, 8))
    assert notice.awards.get() == approved


def test_the_shortest_notice_is_a_setting(approved, settings) -> None:
    settings.KEQI_NOTICE_MIN_DAYS = 10
    with pytest.raises(ValidationError, match="至少 10 天"):
        _publish(approved, TODAY, dt.date(2019, 12, 8))
    _publish(approved, TODAY, dt.date(2019, 12, 11))


def test_the_notice_page_refuses_a_back_dated_notice_in_chinese(
    approved, hq, settings
) -> None:
    settings.KEQI_BUSINESS_DATE = TODAY
    response = client_for(hq).post(
        "/funds/notices/new/",
        {
            "year": "2019",
            "award": [approved.pk],
            "title": "2019年度奖励公示",
            "starts_on": "2019-11-20",
            "ends_on": "2019-12-01",
        },
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "早于今天" in text
    assert not PublicNotice.objects.exists()


@pytest.mark.parametrize(
    "day", [dt.date(2019, 12, 3), dt.date(2019, 12, 9), dt.date(2019, 12, 10)]
)
def test_money_is_not_paid_before_the_notice_has_ended(day: dt.date) -> None:
    """The notice runs 12-04 to 12-10: not before it, not during, not on its last day."""
    rule()
    award = published(candidate_for(high_tech_firm()), ends_on=dt.date(2019, 12, 10))
    with pytest.raises(ValidationError, match="公示截至 2019-12-10"):
        ledger_pay(award=award, amount=M("1"), entry_date=day, actor=finance())
    assert not LedgerEntry.objects.exists()


# ------------------------------------------------------------------ budgets


@pytest.fixture
def paid_100k(db):  # type: ignore[no-untyped-def]
    """A 200 000 元 award with 100 000 paid in 2019 from the fund."""
    rule()
    award = published(candidate_for(high_tech_firm()))
    ledger_pay(award=award, amount=M("100000"), entry_date=PAY_DAY, actor=finance())
    return award


def test_a_budget_below_what_was_paid_is_refused(paid_100k) -> None:
    with pytest.raises(ValidationError, match="已拨付净额 100000.00 元.*不能设为低于"):
        fund_budget_set(fund=fund(), year=2019, amount=M("99999.99"), actor=finance())
    assert not FundBudget.objects.exists()
    fund_budget_set(fund=fund(), year=2019, amount=M("150000"), actor=finance())
    with pytest.raises(ValidationError, match="不能设为低于"):
        fund_budget_set(fund=fund(), year=2019, amount=M("50000"), actor=finance())
    assert FundBudget.objects.get().amount == M("150000.00")
    fund_budget_set(fund=fund(), year=2019, amount=M("100000"), actor=finance())


def test_a_payment_past_the_budget_needs_a_reason(paid_100k) -> None:
    fund_budget_set(fund=fund(), year=2019, amount=M("150000"), actor=finance())
    with pytest.raises(ValidationError, match="超出预算 150000.00 元 50000.00 元"):
        ledger_pay(
            award=paid_100k, amount=M("100000"), entry_date=PAY_DAY, actor=finance()
        )
    assert LedgerEntry.objects.count() == 1 and not BudgetOverrun.objects.exists()


def test_a_payment_past_the_budget_with_a_reason_is_recorded(paid_100k) -> None:
    fund_budget_set(fund=fund(), year=2019, amount=M("150000"), actor=finance())
    entry = ledger_pay(
        award=paid_100k,
        amount=M("100000"),
        entry_date=PAY_DAY,
        actor=finance(),
        over_budget_reason="区政府常务会议同意追加，预算调整待批",
    )
    overrun = BudgetOverrun.objects.get()
    assert overrun.entry == entry and overrun.over_by == M("50000.00")
    assert overrun.budget == M("150000.00") and overrun.paid_after == M("200000.00")
    event = AuditEvent.objects.get(action="fund_budget.overrun")
    assert event.reason == "区政府常务会议同意追加，预算调整待批"
    assert event.subject == paid_100k.subject


def test_a_payment_within_the_budget_or_without_one_records_no_overrun(
    paid_100k,
) -> None:
    fund_budget_set(fund=fund(), year=2019, amount=M("200000"), actor=finance())
    ledger_pay(award=paid_100k, amount=M("100000"), entry_date=PAY_DAY, actor=finance())
    assert not BudgetOverrun.objects.exists()


def test_the_budget_page_flags_an_overrun_in_red_with_its_reason(paid_100k, hq) -> None:
    fund_budget_set(fund=fund(), year=2019, amount=M("150000"), actor=finance())
    c = client_for(finance())
    refused = c.post(
        f"/funds/awards/{paid_100k.pk}/pay/",
        {"amount": "100,000", "entry_date": "2019-12-21", "payer": "district"},
        follow=True,
    )
    assert "请填写超预算原因" in " ".join(str(m) for m in refused.context["messages"])
    c.post(
        f"/funds/awards/{paid_100k.pk}/pay/",
        {
            "amount": "100,000",
            "entry_date": "2019-12-21",
            "payer": "district",
            "over_budget_reason": "追加预算已报批",
        },
    )
    page = client_for(hq).get("/funds/budgets/?year=2019").content.decode()
    assert 'class="over-budget"' in page and "超预算" in page
    assert "追加预算已报批" in page and "50,000.00" in page


def test_the_budget_page_refuses_a_budget_below_paid_in_chinese(paid_100k) -> None:
    response = client_for(finance()).post(
        "/funds/budgets/set/",
        {"year": "2019", "fund": fund().pk, "amount": "1,000"},
        follow=True,
    )
    assert "不能设为低于" in " ".join(str(m) for m in response.context["messages"])
    assert not FundBudget.objects.exists()


def test_the_notice_page_states_the_shortest_period(hq, settings) -> None:
    settings.KEQI_NOTICE_MIN_DAYS = 9
    page = client_for(hq).get("/funds/notices/?year=2019").content.decode()
    assert "至少 9 天（含首尾两天）" in page
