"""Issue 17: the 雏鹰 bank-loan award (津政发〔2019〕17号) becomes a candidate from the
科技金融台账: a bank loan to an enterprise holding a valid 雏鹰企业 title that day,
one award per enterprise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from keqi.accounts.models import Unit
from keqi.core.models import AuditEvent
from keqi.funds.awards import award_candidates_generate, award_reject
from keqi.funds.models import Award, AwardSource, TriggerEvent
from keqi.funds.tests.helpers import M, client_for, qualify, rule
from keqi.partners.models import FinanceKind, FinanceRecord
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
D = dt.date


def loan_rule():  # type: ignore[no-untyped-def]
    return rule(
        name="雏鹰企业取得银行贷款奖励",
        award_type="growth",
        trigger_kind="",
        trigger_event=TriggerEvent.CHUYING_LOAN,
        first_time_only=False,
        amount=M("50000.00"),
        effective_from=D(2019, 6, 4),
        basis_document="《天津市创新型企业领军计划》（津政发〔2019〕17号）",
        basis_article="支持政策（雏鹰企业）",
        basis_text="雏鹰企业获得银行贷款的，市财政给予一次性奖励。",
    )


def eagle(name: str, area: str = "dakoutun") -> Enterprise:
    from keqi.core.testing import make_enterprise

    e = make_enterprise(area, name=name)
    qualify(e, D(2019, 3, 1), f"CY{e.pk}", kind=K.CHUYING, level="省级（市级）")
    return e


def loan(e: Enterprise, on: dt.date, bank: str = "农业银行宝坻支行") -> FinanceRecord:
    return FinanceRecord.objects.create(
        enterprise=e,
        kind=FinanceKind.LOAN,
        provider=bank,
        amount=M("300"),
        on=on,
        unit=Unit.objects.order_by("pk").first(),
    )


def test_a_bank_loan_to_a_chuying_enterprise_becomes_a_candidate(hq) -> None:
    r = loan_rule()
    firm = eagle("雏鹰贷款企业")
    record = loan(firm, D(2019, 7, 12))
    out = award_candidates_generate(year=2019, actor=hq)
    [award] = out.created
    assert award.rule == r and award.enterprise == firm
    assert award.source == AwardSource.REGISTRY and award.finance_record == record
    assert award.amount == M("50000.00") and award.evidence_date == D(2019, 7, 12)
    assert (
        "农业银行宝坻支行" in award.evidence_note
        and f"CY{firm.pk}" in award.evidence_note
    )
    event = AuditEvent.objects.get(subject=award.subject)
    assert event.actor == hq and "科技金融台账" in event.reason


def test_no_candidate_without_a_valid_title_on_the_loan_day_or_before_the_rule(
    hq,
) -> None:
    loan_rule()
    from keqi.core.testing import make_enterprise

    loan(make_enterprise("dakoutun", name="普通企业"), D(2019, 7, 1))
    loan(eagle("早贷企业"), D(2019, 5, 1))  # before the rule took effect
    late = make_enterprise("dakoutun", name="后认定企业")
    loan(late, D(2019, 7, 1))
    qualify(late, D(2019, 8, 1), "CY-late", kind=K.CHUYING, level="省级（市级）")
    assert award_candidates_generate(year=2019, actor=hq).created == []


def test_one_award_per_enterprise_and_rerunning_adds_none(hq) -> None:
    loan_rule()
    firm = eagle("两笔贷款企业")
    loan(firm, D(2019, 7, 1))
    loan(firm, D(2019, 9, 1), bank="建设银行宝坻支行")
    assert len(award_candidates_generate(year=2019, actor=hq).created) == 1
    again = award_candidates_generate(year=2019, actor=hq)
    assert again.created == [] and again.existing == 2
    award = Award.objects.get(enterprise=firm)
    assert award.evidence_date == D(2019, 7, 1)  # the first loan
    award_reject(award=award, reason="材料不全", actor=hq)
    # a rejected award frees the enterprise for the next run
    assert len(award_candidates_generate(year=2019, actor=hq).created) == 1


def test_a_rule_takes_a_qualification_or_an_event_not_both(hq) -> None:
    loan_rule()
    with pytest.raises(ValidationError, match="只能选一项"):
        rule(
            name="混合规则",
            trigger_event=TriggerEvent.CHUYING_LOAN,
            effective_from=D(2030, 1, 1),
        )
    with pytest.raises(ValidationError, match="重叠"):
        loan_rule()


def test_loan_awards_are_listed_for_hq_and_the_enterprises_town_only(
    hq, town_a, town_b
) -> None:
    r = loan_rule()
    loan(eagle("大口屯雏鹰"), D(2019, 7, 1))
    award_candidates_generate(year=2019, actor=hq)
    url = f"/funds/awards/?year=2019&rule={r.pk}"
    assert "大口屯雏鹰" in client_for(hq).get(url).content.decode()
    assert "大口屯雏鹰" in client_for(town_a).get(url).content.decode()
    assert "大口屯雏鹰" not in client_for(town_b).get(url).content.decode()
    award = Award.objects.get()
    assert client_for(town_b).get(f"/funds/awards/{award.pk}/").status_code == 404


def test_hq_enters_the_loan_rule_on_the_form_and_it_is_audited(hq) -> None:
    from keqi.funds.models import AwardRule
    from keqi.funds.tests.helpers import fund

    data = {
        "name": "雏鹰企业取得银行贷款奖励",
        "award_type": "growth",
        "fund": fund().pk,
        "trigger_event": "chuying_loan",
        "amount": "50,000",
        "amount_source": "document",
        "effective_from": "2019-06-04",
        "basis_document": "津政发〔2019〕17号",
        "basis_article": "支持政策",
        "basis_text": "雏鹰企业获得银行贷款的，市财政给予一次性奖励。",
    }
    c = client_for(hq)
    assert c.post("/funds/rules/new/", data).status_code == 302
    saved = AwardRule.objects.get(name="雏鹰企业取得银行贷款奖励")
    assert saved.trigger_event == TriggerEvent.CHUYING_LOAN and saved.trigger_kind == ""
    assert AuditEvent.objects.filter(
        target_id=str(saved.pk), target_type="funds.awardrule"
    ).exists()
    assert "雏鹰企业取得银行贷款" in c.get("/funds/rules/").content.decode()
    both = c.post(
        "/funds/rules/new/", data | {"name": "二", "trigger_kind": "雏鹰企业"}
    )
    assert "只能选一项" in both.content.decode()
