"""Awards keep what was decided and budget overruns are append-only, in the
database itself (the guard list for every table is in keqi/core/tests/test_db_guards)."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.core.testing import make_enterprise
from keqi.core.tests.test_db_guards import refused
from keqi.funds.awards import award_reject
from keqi.funds.ledger import fund_budget_set, ledger_pay
from keqi.funds.models import Award, AwardStatus, BudgetOverrun
from keqi.funds.tests.helpers import (
    M,
    candidate_for,
    finance,
    fund,
    high_tech_firm,
    published,
    rule,
)
from keqi.registry.models import Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(db):  # type: ignore[no-untyped-def]
    rule()
    return candidate_for(high_tech_firm())


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("amount", 1),
        ("enterprise_id", None),
        ("rule_id", None),
        ("evidence_number", "GR-FAKE"),
        ("evidence_date", "2019-01-01"),
        ("basis_text", "改过的条款"),
        ("year", 2018),
        ("created_at", "2000-01-01 00:00:00+00:00"),
    ],
)
def test_the_database_refuses_to_change_what_an_award_decided(
    award: Award, column: str, value: object
) -> None:
    if column == "enterprise_id":
        value = make_enterprise("koudong").pk
    if column == "rule_id":
        value = rule(
            name="另一条规则", trigger_kind="", first_time_only=False, amount=M(1)
        ).pk
    message = refused(
        f"UPDATE funds_award SET {column} = %s WHERE id = %s", value, award.pk
    )
    assert "奖励生成后" in message and "不能修改" in message


def test_the_database_refuses_to_delete_an_award(award: Award) -> None:
    assert "奖励不能删除" in refused("DELETE FROM funds_award WHERE id = %s", award.pk)
    assert Award.objects.filter(pk=award.pk).exists()


def test_the_flow_still_moves_an_award_and_a_rejection_is_final(award: Award) -> None:
    award = published(award)  # status and notice change through the services
    award = award_reject(award=award, reason="企业放弃", actor=None)
    assert award.status == AwardStatus.REJECTED
    for sql in (
        "UPDATE funds_award SET status = 'published' WHERE id = %s",
        "UPDATE funds_award SET rejected_reason = '改写' WHERE id = %s",
        "UPDATE funds_award SET notice_id = NULL WHERE id = %s",
    ):
        assert "不予奖励的奖励已办结" in refused(sql, award.pk)


def test_deleting_the_registry_qualification_leaves_the_award_and_its_evidence(
    award: Award,
) -> None:
    number = award.evidence_number
    Qualification.objects.filter(pk=award.qualification_id).delete()
    award.refresh_from_db()
    assert award.qualification_id is None and award.evidence_number == number
    other = Qualification.objects.create(
        enterprise=award.enterprise, kind="高新技术企业", number="GR-OTHER"
    )
    assert "不能修改" in refused(
        "UPDATE funds_award SET qualification_id = %s WHERE id = %s",
        other.pk,
        award.pk,
    )


def test_the_database_refuses_to_edit_or_delete_a_budget_overrun(
    award: Award,
) -> None:
    award = published(award)
    fund_budget_set(fund=fund(), year=2019, amount=M("100"), actor=finance())
    ledger_pay(
        award=award,
        amount=M("200"),
        entry_date=dt.date(2019, 12, 20),
        actor=finance(),
        over_budget_reason="先行拨付",
    )
    overrun = BudgetOverrun.objects.get()
    assert "超预算拨付记录只能追加" in refused(
        "UPDATE funds_budgetoverrun SET reason = '' WHERE id = %s", overrun.pk
    )
    assert "超预算拨付记录只能追加" in refused(
        "DELETE FROM funds_budgetoverrun WHERE id = %s", overrun.pk
    )
