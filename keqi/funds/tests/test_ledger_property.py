"""Property: whatever sequence of payments and reversals is made, the ledger balances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.core.testing import make_enterprise
from keqi.funds.awards import (
    award_approve,
    award_area_check,
    award_candidates_generate,
    notice_publish,
)
from keqi.funds.ledger import award_net_paid, ledger_pay, ledger_reverse
from keqi.funds.models import Award, AwardStatus, EntryKind, LedgerEntry, Payer
from keqi.funds.selectors import entry_list_for, ledger_balances
from keqi.funds.settlement import settlement_list_for, settlement_ratio_set
from keqi.funds.tests.helpers import M, qualify, rule

pytestmark = pytest.mark.django_db
START = dt.date(2019, 12, 11)  # the day after the notice period

pay = st.tuples(
    st.just("pay"),
    st.integers(0, 2),  # which award
    st.integers(1, 12000),  # 分
    st.integers(0, 40),  # days after START (some fall in 2020)
    st.sampled_from([Payer.DISTRICT, Payer.AREA]),
)
reverse = st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 40))
percents = st.lists(
    st.decimals(min_value=0, max_value=100, places=2), min_size=3, max_size=3
)


def _awards() -> list[Award]:
    rule(amount=M("100.00"))
    rule(
        name="入库奖励",
        award_type="tech_sme",
        trigger_kind="科技型中小企业",
        amount=M("33.33"),
    )
    rule(
        name="平台奖励",
        award_type="platform",
        trigger_kind="企业技术中心",
        amount=M("0.05"),
    )
    firms = []
    for area, kind in (
        ("dakoutun", "高新技术企业"),
        ("koudong", "科技型中小企业"),
        ("bdkfq", "企业技术中心"),
    ):
        firms.append(make_enterprise(area))
        qualify(firms[-1], dt.date(2019, 6, 1), f"N-{area}", kind=kind)
    award_candidates_generate(year=2019, actor=None)
    awards = [Award.objects.get(enterprise=f) for f in firms]
    for a in awards:
        award_area_check(award=a, actor=None)
        award_approve(award=a, actor=None)
    notice_publish(
        awards=awards,
        title="公示",
        starts_on=dt.date(2019, 12, 1),
        today=dt.date(2019, 12, 1),
        ends_on=dt.date(2019, 12, 10),
        actor=None,
    )
    return awards


def _apply(op: tuple, awards: list[Award], payments: list[LedgerEntry]) -> None:  # type: ignore[type-arg]
    before = LedgerEntry.objects.count()
    try:
        if op[0] == "pay":
            _, i, cents, days, payer = op
            payments.append(
                ledger_pay(
                    award=awards[i],
                    amount=Decimal(cents) / 100,
                    entry_date=START + dt.timedelta(days=days),
                    payer=payer,
                    actor=None,
                )
            )
        elif payments:
            _, j, days = op
            entry = payments[j % len(payments)]
            ledger_reverse(
                entry=entry,
                reason="冲销",
                entry_date=entry.entry_date + dt.timedelta(days=days),
                actor=None,
            )
    except ValidationError:
        assert LedgerEntry.objects.count() == before  # a refusal changes nothing


def _check(awards: list[Award], hq) -> None:  # type: ignore[no-untyped-def]
    entries = list(entry_list_for(hq))
    reversed_ids = [e.reverses_id for e in entries if e.kind == EntryKind.REVERSAL]
    assert len(reversed_ids) == len(set(reversed_ids))
    for e in entries:
        if e.kind == EntryKind.REVERSAL:
            assert e.amount == -e.reverses.amount and e.award_id == e.reverses.award_id
    live = sum(
        (e.amount for e in entries if e.kind == "payment" and e.pk not in reversed_ids),
        M("0"),
    )
    balances = ledger_balances(entry_list_for(hq))
    assert balances.total.net == live
    for way in ("by_enterprise", "by_area", "by_fund", "by_year"):
        assert sum((b.net for b in getattr(balances, way)), M("0")) == live
    for a in awards:
        a.refresh_from_db()
        net = award_net_paid(a)
        assert M("0") <= net <= a.amount
        assert (a.status == AwardStatus.PAID) == (net == a.amount)
    for year in (2019, 2020):
        statements = settlement_list_for(hq, year)
        in_year = sum((e.amount for e in entries if e.entry_date.year == year), M("0"))
        assert sum((s.total for s in statements), M("0")) == in_year
        for s in statements:
            assert s.area_share + s.district_share == s.total
            assert s.balance == s.district_paid - s.district_share


def test_the_ledger_always_balances(hq) -> None:
    awards = _awards()

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(ops=st.lists(st.one_of(pay, reverse), max_size=14), ratios=percents)
    def run(ops: list[tuple], ratios: list[Decimal]) -> None:  # type: ignore[type-arg]
        with transaction.atomic():
            for a, percent in zip(awards, ratios, strict=True):
                settlement_ratio_set(
                    year=2019,
                    area=a.enterprise.area,
                    award_type=a.rule.award_type,
                    area_percent=percent,
                    actor=None,
                )
            payments: list[LedgerEntry] = []
            for op in ops:
                _apply(op, awards, payments)
            _check(awards, hq)
            transaction.set_rollback(True)

    run()
