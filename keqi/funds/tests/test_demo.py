"""The funds demo: every page has real content, demo values are labelled, reruns change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as M

import pytest
from django.urls import reverse

from keqi.accounts.models import User
from keqi.core.demo.accounts import demo_accounts_ensure
from keqi.core.demo.generator import CONFIG, build_dataset
from keqi.core.demo.load import demo_load as registry_demo_load
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi
from keqi.funds.demo import demo_load
from keqi.funds.models import (
    Award,
    AwardRule,
    AwardStatus,
    EntryKind,
    LedgerEntry,
    SettlementRatio,
    YearClose,
)
from keqi.funds.models_transfer import TransferIncome
from keqi.funds.settlement import settlement_get_for
from keqi.funds.tests.helpers import client_for
from keqi.funds.transfers import transfer_summary

DEMO_DAY = dt.date(2019, 9, 30)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_baodi()
    demo_accounts_ensure()
    registry_demo_load(build_dataset(CONFIG.scaled(60)))
    return demo_load(DEMO_DAY)


def _state() -> list[object]:
    return [
        AuditEvent.objects.count(),
        list(Award.objects.values_list("pk", "status")),
        list(LedgerEntry.objects.values_list("pk", "amount")),
        list(SettlementRatio.objects.values_list("pk", "area_percent")),
    ]


def test_a_second_demo_run_changes_nothing(demo) -> None:
    before = _state()
    again = demo_load(DEMO_DAY)
    assert _state() == before
    assert "新生成候选 0 项" in again[0]


def test_demo_rules_awards_money_and_pages(demo) -> None:
    assert set(AwardRule.objects.values_list("amount_source", flat=True)) == {"demo"}
    assert "演示数值" in demo[0]
    # 2018 played to the end: paid, one reversal, closed, and it recomputes the same.
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    hq = User.objects.get(username="hq")
    for code in YearClose.objects.get(year=2018).snapshot["areas"]:
        assert settlement_get_for(hq, 2018, code).matches_snapshot
    # 2019 as of the demo day: awards at every step.
    steps = set(Award.objects.filter(year=2019).values_list("status", flat=True))
    assert steps == set(AwardStatus.values)
    for name in ("hq", "czj", "dakoutun", "leader"):
        c = client_for(User.objects.get(username=name))
        for url in (
            "/funds/",
            "/funds/rules/",
            "/funds/awards/?year=2019",
            "/funds/notices/",
            "/funds/ledger/?year=2018",
            "/funds/settlement/?year=2018",
        ):
            response = c.get(url)
            assert response.status_code == 200, (name, url)
            assert "暂无" not in response.content.decode(), (name, url)


def test_the_demo_records_transfer_income_with_one_correction(demo) -> None:
    rows = TransferIncome.objects.all()
    assert rows.count() == 5 and rows.filter(corrects__isnull=False).count() == 1
    # 1 200 000 + 800 000 + 305 000 (the corrected receipt cancelled)
    assert transfer_summary(2019).total == M("2305000.00")
    assert "上级转移支付收入 5 条" in " ".join(demo)
    page = client_for(User.objects.get(username="czj")).get(
        reverse("funds:transfer_list"), {"year": "2019"}
    )
    text = page.content.decode()
    assert "中央引导地方科技发展资金（演示）" in text and "已更正" in text
    demo_load(DEMO_DAY)
    assert TransferIncome.objects.count() == 5
