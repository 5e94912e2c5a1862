"""Year-end settlement: a hand-worked example, rounding, closing and freezing a year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404

from keqi.accounts.models import Area
from keqi.core.dates import business_today
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.funds.awards import (
    award_approve,
    award_area_check,
    award_candidates_generate,
    notice_publish,
)
from keqi.funds.ledger import fund_budget_set, ledger_pay, ledger_reverse
from keqi.funds.models import Award, LedgerEntry, Payer, SettlementRatio
from keqi.funds.money import split_cost
from keqi.funds.settlement import (
    settlement_get_for,
    settlement_list_for,
    settlement_ratio_set,
    year_close,
)
from keqi.funds.tests.helpers import M, finance, fund, qualify, rule
from keqi.registry.services import enterprise_upsert

pytestmark = pytest.mark.django_db
DAY = dt.date(2019, 12, 20)

# The hand-worked example (元). Ratios set for 2019: 大口屯镇 高企 30%; 宝坻经济开发区
# 高企 60%, 平台 33.33%; everything else the default 50%. Rounding: each award's
# area share = cost × area% rounded half-up to the 分; district share = cost − that.
#
# | area     | award                      | district paid | area paid  | area %  | area share | district share |
# |----------|----------------------------|---------------|------------|---------|------------|----------------|
# | 大口屯镇 | D1 高企 200 000.00         | 200 000.00    | 0.00       | 30      | 60 000.00  | 140 000.00     |
# | 大口屯镇 | D2 科小 10 000.01          | 10 000.01     | 0.00       | 50 (默认)| 5 000.01 (5 000.005↑) | 5 000.00 |
# | 大口屯镇 | D3 高企: 20 000 paid, reversed; 200 000 paid by the town | 0.00 | 200 000.00 | 30 | 60 000.00 | 140 000.00 |
# | 大口屯镇 | total                      | 210 000.01    | 200 000.00 |         | 125 000.01 | 285 000.00     |
# |          | balance = 125 000.01 − 200 000.00 = −74 999.99: 区财政应向大口屯镇拨付 74 999.99 |
# | 开发区   | B1 高企 200 000.00         | 200 000.00    | 0.00       | 60      | 120 000.00 | 80 000.00      |
# | 开发区   | B2 平台 33 333.33          | 33 333.33     | 0.00       | 33.33   | 11 110.00 (11 109.998889) | 22 223.33 |
# | 开发区   | total                      | 233 333.33    | 0.00       |         | 131 110.00 | 102 223.33     |
# |          | balance = 131 110.00 − 0 = +131 110.00: 开发区应向区财政上缴 131 110.00 |
# | district | 643 333.34 = 256 110.01 (areas) + 387 223.33 (district)            |


def _award(area: str, kind: str, number: str) -> Award:
    firm = make_enterprise(area, name=f"{area}-{number}")
    qualify(firm, dt.date(2019, 11, 28), number, kind=kind, level="省级（市级）")
    award_candidates_generate(year=2019, actor=None)
    award = Award.objects.get(enterprise=firm)
    award_area_check(award=award, actor=None)
    award_approve(award=award, actor=None)
    return award


@pytest.fixture
def example(hq):  # type: ignore[no-untyped-def]
    rule()
    rule(
        name="科技型中小企业首次入库奖励",
        award_type="tech_sme",
        trigger_kind="科技型中小企业",
        amount=M("10000.01"),
    )
    rule(
        name="企业技术中心奖励",
        award_type="platform",
        trigger_kind="企业技术中心",
        first_time_only=False,
        amount=M("33333.33"),
    )
    d1 = _award("dakoutun", "高新技术企业", "D1")
    d2 = _award("dakoutun", "科技型中小企业", "D2")
    d3 = _award("dakoutun", "高新技术企业", "D3")
    b1 = _award("bdkfq", "高新技术企业", "B1")
    b2 = _award("bdkfq", "企业技术中心", "B2")
    notice_publish(
        awards=[d1, d2, d3, b1, b2],
        title="2019年度奖励公示",
        starts_on=dt.date(2019, 12, 2),
        today=dt.date(2019, 12, 2),
        ends_on=dt.date(2019, 12, 8),
        actor=hq,
    )
    town, park = Area.objects.get(code="dakoutun"), Area.objects.get(code="bdkfq")
    for area, kind, percent in (
        (town, "high_tech", "30"),
        (park, "high_tech", "60"),
        (park, "platform", "33.33"),
    ):
        settlement_ratio_set(
            year=2019, area=area, award_type=kind, area_percent=M(percent), actor=hq
        )
    for award in (d1, d2, b1, b2):
        ledger_pay(award=award, amount=award.amount, entry_date=DAY, actor=hq)
    wrong = ledger_pay(award=d3, amount=M("20000"), entry_date=DAY, actor=hq)
    ledger_reverse(entry=wrong, reason="应由镇财政直接拨付", entry_date=DAY, actor=hq)
    ledger_pay(award=d3, amount=M("200000"), entry_date=DAY, payer=Payer.AREA, actor=hq)
    return {"d1": d1, "d2": d2, "d3": d3, "b1": b1, "b2": b2}


def test_settlement_matches_the_hand_worked_example(example, hq) -> None:
    town = settlement_get_for(hq, 2019, "dakoutun")
    assert (town.district_paid, town.area_paid, town.total) == (
        M("210000.01"),
        M("200000.00"),
        M("410000.01"),
    )
    assert (town.area_share, town.district_share) == (M("125000.01"), M("285000.00"))
    assert town.balance == M("-74999.99")
    assert town.balance_text == "区财政应向大口屯镇拨付 74,999.99 元"
    lines = {line.award_id: line for line in town.lines}
    assert lines[example["d2"].pk].default_ratio
    assert lines[example["d2"].pk].area_share == M("5000.01")
    park = settlement_get_for(hq, 2019, "bdkfq")
    assert (park.total, park.area_share, park.district_share) == (
        M("233333.33"),
        M("131110.00"),
        M("102223.33"),
    )
    assert park.balance_text == "宝坻经济开发区应向区财政上缴 131,110.00 元"
    both = settlement_list_for(hq, 2019)
    assert [s.area.code for s in both] == ["dakoutun", "bdkfq"]
    assert sum(s.total for s in both) == M("643333.34")
    assert sum(s.area_share + s.district_share for s in both) == M("643333.34")


@pytest.mark.parametrize(
    ("cost", "percent", "area"),
    [
        ("10000.01", "50", "5000.01"),  # 5000.005 rounds half up
        ("-10000.01", "50", "-5000.01"),  # a net reversal rounds the same way
        ("0.01", "50", "0.01"),
        ("0.01", "49.99", "0.00"),
        ("100", "0", "0.00"),
        ("100", "100", "100.00"),
    ],
)
def test_split_rounds_the_area_share_to_the_fen_and_parts_sum_exactly(
    cost, percent, area
) -> None:
    area_share, district_share = split_cost(M(cost), M(percent))
    assert area_share == M(area)
    assert area_share + district_share == M(cost)


def test_a_town_user_sees_only_their_statement(example, town_a) -> None:
    [mine] = settlement_list_for(town_a, 2019)
    assert mine.area.code == "dakoutun"
    with pytest.raises(Http404):
        settlement_get_for(town_a, 2019, "bdkfq")


def test_ratios_are_set_by_finance_or_hq_audited_and_checked(example, town_a) -> None:
    town = Area.objects.get(code="dakoutun")
    with pytest.raises(PermissionDenied):
        settlement_ratio_set(
            year=2019,
            area=town,
            award_type="tech_sme",
            area_percent=M(10),
            actor=town_a,
        )
    with pytest.raises(ValidationError, match="0到100"):
        settlement_ratio_set(
            year=2019, area=town, award_type="tech_sme", area_percent=M(101), actor=None
        )
    row = settlement_ratio_set(
        year=2019,
        area=town,
        award_type="tech_sme",
        area_percent=M("40"),
        actor=finance(),
        reason="区财政局与大口屯镇商定",
    )
    assert row.district_percent == M("60.00")
    event = AuditEvent.objects.get(action="settlement_ratio.set", target_id=row.pk)
    assert event.changes == {"area_percent": [None, "40"]}


def test_a_closed_year_cannot_be_changed(example, hq) -> None:
    closed = year_close(year=2019, actor=finance())
    assert closed.snapshot["total"] == "643333.34"
    town = Area.objects.get(code="dakoutun")
    d1 = example["d1"]
    with pytest.raises(ValidationError, match="已结算关账"):
        ledger_reverse(
            entry=LedgerEntry.objects.filter(award=d1).get(),
            reason="x",
            entry_date=dt.date(2019, 12, 31),
            actor=hq,
        )
    with pytest.raises(ValidationError, match="已结算关账"):
        settlement_ratio_set(
            year=2019, area=town, award_type="high_tech", area_percent=M(10), actor=hq
        )
    with pytest.raises(ValidationError, match="已结算关账"):
        fund_budget_set(fund=fund(), year=2019, amount=M(1), actor=hq)
    with pytest.raises(ValidationError, match="已结算关账"):
        year_close(year=2019, actor=hq)


def test_the_database_refuses_changes_to_a_closed_year(example) -> None:
    year_close(year=2019, actor=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        SettlementRatio.objects.filter(year=2019).update(area_percent=M(1))
    payment = LedgerEntry.objects.filter(award=example["d1"]).get()
    payment.pk = None
    with pytest.raises(DatabaseError), transaction.atomic():
        payment.save()


def test_a_closed_year_is_reproducible_after_later_corrections_and_moves(
    example, hq
) -> None:
    year_close(year=2019, actor=hq)
    before = settlement_get_for(hq, 2019, "dakoutun").figures()
    d1 = example["d1"]
    payment = LedgerEntry.objects.filter(award=d1).get()
    ledger_reverse(
        entry=payment,
        reason="2020年查实有误，收回",
        entry_date=dt.date(2020, 3, 2),
        actor=hq,
    )
    enterprise_upsert(
        uscc=d1.enterprise.uscc,
        values={"area": Area.objects.get(code="koudong")},
        actor=None,
    )
    again = settlement_get_for(hq, 2019, "dakoutun")
    assert again.figures() == before
    assert again.matches_snapshot is True
    next_year = settlement_get_for(hq, 2020, "dakoutun")
    assert next_year.total == M("-200000.00")
    assert next_year.area_share == M("-100000.00")  # 2020 ratio not set: 50%


def test_the_current_year_cannot_be_closed_before_it_ends(hq) -> None:
    with pytest.raises(ValidationError, match="尚未执行终了"):
        year_close(year=business_today().year, actor=hq)


def test_only_finance_or_hq_close_a_year(town_a, member) -> None:
    for who in (town_a, member):
        with pytest.raises(PermissionDenied):
            year_close(year=2019, actor=who)
