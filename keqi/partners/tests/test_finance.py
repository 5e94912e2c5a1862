"""Finance records reach the rules engine as facts (never copied into the
registry), and expose the 雏鹰-with-a-bank-loan award trigger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keqi.core.testing import add_figures, make_enterprise
from keqi.criteria.engine import engine_setup
from keqi.partners import services
from keqi.partners.selectors import chuying_bank_loans, finance_totals
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.services import qualification_upsert
from keqi.rules import evaluate

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2022, 6, 30)


def young_firm() -> Enterprise:
    """Meets every basic 雏鹰 (2021) condition and none of the any-one options."""
    firm = make_enterprise("bdkfq", founded_on=dt.date(2018, 3, 1))
    add_figures(firm, 2021, operating_revenue=Decimal("500"))
    return firm


def chuying_outcome(firm: Enterprise) -> str:
    setup = engine_setup()
    result = evaluate(
        facts_for(firm),
        as_of=AS_OF,
        params=setup.params,
        extra=setup.extra,
        programmes=["tj_chuying"],
    )
    programme = result.programmes["tj_chuying"]
    assert programme.version == "2021"
    return programme.outcome.value


def invest(firm: Enterprise, amount: str, actor, **values) -> None:  # type: ignore[no-untyped-def]
    services.finance_record_create(
        values={
            "enterprise": firm,
            "kind": "创业投资",
            "provider": "津宝创业投资有限公司",
            "amount": Decimal(amount),
            "on": dt.date(2022, 1, 10),
            **values,
        },
        actor=actor,
    )


def test_a_venture_investment_of_100_wan_makes_a_young_firm_a_chuying(hq) -> None:
    firm = young_firm()
    assert chuying_outcome(firm) == "ineligible"
    invest(firm, "100", hq)
    assert chuying_outcome(firm) == "eligible"


def test_a_venture_investment_below_100_wan_changes_nothing(hq) -> None:
    firm = young_firm()
    invest(firm, "99.99", hq)
    assert chuying_outcome(firm) == "ineligible"


def test_an_investment_after_the_day_asked_about_does_not_count(hq) -> None:
    firm = young_firm()
    invest(firm, "300", hq, on=dt.date(2022, 7, 1))
    assert chuying_outcome(firm) == "ineligible"


def test_a_bank_loan_is_not_a_venture_investment(hq) -> None:
    firm = young_firm()
    invest(firm, "300", hq, kind="银行贷款", provider="农业银行宝坻支行")
    assert chuying_outcome(firm) == "ineligible"


def test_the_ledger_never_writes_the_registry(hq) -> None:
    firm = young_firm()
    invest(firm, "120", hq)
    assert not Qualification.objects.filter(enterprise=firm).exists()
    (fact,) = [q for q in facts_for(firm).qualifications if q.kind == "创业投资"]
    assert fact.amount_wan == Decimal("120") and "科技金融台账" in (fact.note or "")


def test_an_investment_in_both_registry_and_ledger_is_one_fact(hq) -> None:
    firm = young_firm()
    qualification_upsert(
        enterprise=firm,
        kind="创业投资",
        values={"granted_on": dt.date(2022, 1, 10), "amount": Decimal("120")},
        actor=None,
    )
    invest(firm, "120", hq)
    quals = [q for q in facts_for(firm).qualifications if q.kind == "创业投资"]
    assert len(quals) == 1 and quals[0].note is None  # the registry's row is kept


def test_a_zero_amount_is_refused(hq) -> None:
    with pytest.raises(ValidationError, match="金额应大于零"):
        invest(young_firm(), "0", hq)


def test_a_town_cannot_record_finance_for_another_towns_enterprise(town_a) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invest(make_enterprise("koudong"), "100", town_a)


def chuying(firm: Enterprise, granted: dt.date) -> None:
    qualification_upsert(
        enterprise=firm,
        kind="雏鹰企业",
        values={"number": "CY2019001", "granted_on": granted},
        actor=None,
    )


def loan(firm: Enterprise, on: dt.date, actor) -> None:  # type: ignore[no-untyped-def]
    services.finance_record_create(
        values={
            "enterprise": firm,
            "kind": "银行贷款",
            "provider": "中国银行宝坻支行",
            "amount": Decimal("300"),
            "on": on,
        },
        actor=actor,
    )


def test_a_bank_loan_to_a_chuying_enterprise_is_an_award_trigger(member) -> None:
    eagle, other = make_enterprise("bdkfq"), make_enterprise("bdkfq")
    chuying(eagle, dt.date(2019, 8, 1))
    loan(eagle, dt.date(2019, 9, 5), member)
    loan(other, dt.date(2019, 9, 6), member)
    (trigger,) = chuying_bank_loans(dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert trigger.enterprise_id == eagle.pk and trigger.chuying_number == "CY2019001"
    assert trigger.amount_wan == Decimal("300") and trigger.bank == "中国银行宝坻支行"


def test_a_loan_before_becoming_a_chuying_is_no_trigger(member) -> None:
    eagle = make_enterprise("bdkfq")
    chuying(eagle, dt.date(2019, 8, 1))
    loan(eagle, dt.date(2019, 7, 31), member)
    assert chuying_bank_loans(dt.date(2019, 1, 1), dt.date(2019, 12, 31)) == []


def test_finance_totals_add_up_exactly_per_kind(hq, town_a) -> None:
    firm = make_enterprise("dakoutun")
    loan(firm, dt.date(2019, 3, 1), hq)
    services.finance_record_create(
        values={
            "enterprise": firm,
            "kind": "银行贷款",
            "provider": "农业银行宝坻支行",
            "amount": Decimal("0.01"),
            "on": dt.date(2019, 4, 1),
        },
        actor=hq,
    )
    assert finance_totals(town_a) == [("银行贷款", 2, Decimal("300.01"))]
