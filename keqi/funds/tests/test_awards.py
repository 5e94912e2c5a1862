"""Award rules, candidates from the registry (免申即享), applications and the flow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.funds.award_rules import award_rule_save
from keqi.funds.awards import (
    award_apply,
    award_approve,
    award_area_check,
    award_candidates_generate,
    award_reject,
    notice_publish,
)
from keqi.funds.models import Award, AwardStatus
from keqi.funds.selectors import award_history
from keqi.funds.tests.helpers import (
    M,
    candidate_for,
    finance,
    high_tech_firm,
    published,
    qualify,
    rule,
)

pytestmark = pytest.mark.django_db


def test_first_time_high_tech_becomes_a_candidate_with_its_data(hq) -> None:
    r = rule()
    firm = high_tech_firm(number="GR201912000777")
    out = award_candidates_generate(year=2019, actor=hq)
    assert [a.enterprise for a in out.created] == [firm]
    award = out.created[0]
    assert award.status == AwardStatus.CANDIDATE
    assert award.amount == M("200000.00") and award.rule == r
    assert award.evidence_number == "GR201912000777"
    assert award.evidence_date == dt.date(2019, 11, 28)
    assert "首次取得高新技术企业" in award.evidence_note
    assert award.basis_text == r.basis_text


def test_re_certified_high_tech_is_not_a_first_time_candidate(hq) -> None:
    rule()
    firm = make_enterprise("dakoutun")
    qualify(firm, dt.date(2016, 11, 30), "GR201612000001")
    qualify(firm, dt.date(2019, 11, 28), "GR201912000002")
    assert award_candidates_generate(year=2019, actor=hq).created == []


def test_regenerating_candidates_never_duplicates(hq) -> None:
    rule()
    high_tech_firm()
    first = award_candidates_generate(year=2019, actor=hq)
    again = award_candidates_generate(year=2019, actor=hq)
    assert len(first.created) == 1
    assert again.created == [] and again.existing == 1
    assert Award.objects.count() == 1


def test_a_same_kind_record_with_blank_date_makes_first_time_undecidable(hq) -> None:
    rule()
    firm = high_tech_firm(name="日期不明公司")
    qualify(firm, None, "GR-OLD")
    out = award_candidates_generate(year=2019, actor=hq)
    assert out.created == []
    assert "日期不明公司" in out.undetermined[0] and "无法判断" in out.undetermined[0]


def test_a_revoked_qualification_or_one_before_the_rule_triggers_nothing(hq) -> None:
    rule(effective_from=dt.date(2019, 12, 1))
    high_tech_firm()  # granted 2019-11-28, before the rule was in force
    assert award_candidates_generate(year=2019, actor=hq).created == []


def test_rule_with_level_only_triggers_on_that_level(hq) -> None:
    rule(
        name="市级企业技术中心奖励",
        award_type="platform",
        trigger_kind="企业技术中心",
        trigger_level="省级（市级）",
        first_time_only=False,
        amount=M("50000"),
    )
    city = make_enterprise("dakoutun")
    qualify(
        city, dt.date(2019, 6, 1), "JSZX-1", kind="企业技术中心", level="省级（市级）"
    )
    district = make_enterprise("dakoutun")
    qualify(district, dt.date(2019, 6, 1), "JSZX-2", kind="企业技术中心", level="区级")
    created = award_candidates_generate(year=2019, actor=hq).created
    assert [a.enterprise for a in created] == [city]


def test_overlapping_rules_for_the_same_qualification_are_refused() -> None:
    rule()
    with pytest.raises(ValidationError, match="重叠"):
        rule(name="另一条高企奖励", effective_from=dt.date(2019, 6, 1))


def test_a_new_amount_starts_by_ending_the_old_rule_and_awards_keep_theirs(
    hq,
) -> None:
    old = rule()
    with pytest.raises(ValidationError, match="重叠"):
        rule(amount=M("300000"), effective_from=dt.date(2019, 7, 1))
    award_rule_save(rule=old, values={"effective_to": dt.date(2019, 6, 30)}, actor=hq)
    new = rule(amount=M("300000"), effective_from=dt.date(2019, 7, 1))
    award = candidate_for(high_tech_firm())  # granted 2019-11-28: the new rule
    assert award.rule == new and award.amount == M("300000.00")
    award_rule_save(rule=new, values={"amount": M("350000")}, actor=hq)
    award.refresh_from_db()
    assert award.amount == M("300000.00")
    assert AuditEvent.objects.filter(action="award_rule.update").count() == 2


def test_rule_amount_must_be_in_fen_and_positive() -> None:
    with pytest.raises(ValidationError, match="两位小数"):
        rule(amount=M("100.005"))
    with pytest.raises(ValidationError, match="大于0"):
        rule(amount=M("0"))


def test_only_hq_maintains_rules_and_generates_candidates(town_a, member) -> None:
    with pytest.raises(PermissionDenied):
        award_candidates_generate(year=2019, actor=town_a)
    with pytest.raises(PermissionDenied):
        award_rule_save(rule=None, values={}, actor=member)


def test_area_application_enters_the_same_flow(town_a) -> None:
    r = rule(
        name="科技项目扶持",
        award_type="project",
        trigger_kind="",
        first_time_only=False,
        amount=M("30000"),
    )
    firm = make_enterprise("dakoutun")
    award = award_apply(
        enterprise=firm,
        rule=r,
        year=2019,
        evidence={
            "evidence_number": "津科项〔2019〕12号",
            "evidence_date": dt.date(2019, 5, 6),
            "evidence_note": "市级科技计划项目立项",
        },
        actor=town_a,
    )
    assert award.status == AwardStatus.CANDIDATE and award.source == "application"
    with pytest.raises(ValidationError, match="不能重复申请"):
        award_apply(
            enterprise=firm,
            rule=r,
            year=2019,
            evidence={
                "evidence_number": "津科项〔2019〕12号",
                "evidence_date": dt.date(2019, 5, 6),
                "evidence_note": "再次申请",
            },
            actor=town_a,
        )


def test_application_for_a_first_time_award_is_refused_when_registry_says_not_first(
    hq,
) -> None:
    r = rule()
    firm = make_enterprise("dakoutun")
    qualify(firm, dt.date(2016, 11, 30), "GR201612000001")
    with pytest.raises(ValidationError, match="不属首次"):
        award_apply(
            enterprise=firm,
            rule=r,
            year=2019,
            evidence={
                "evidence_number": "GR201912000009",
                "evidence_date": dt.date(2019, 11, 28),
                "evidence_note": "企业自报首次认定",
            },
            actor=hq,
        )


def test_town_user_cannot_apply_for_another_towns_enterprise(town_b) -> None:
    r = rule()
    firm = make_enterprise("dakoutun")
    with pytest.raises(PermissionDenied):
        award_apply(
            enterprise=firm,
            rule=r,
            year=2019,
            evidence={"evidence_date": dt.date(2019, 11, 28), "evidence_note": "x"},
            actor=town_b,
        )


def test_only_the_enterprises_own_area_checks_the_candidate(hq, town_a, town_b) -> None:
    rule()
    award = candidate_for(high_tech_firm("dakoutun"))
    with pytest.raises(PermissionDenied):
        award_area_check(award=award, actor=town_b)
    with pytest.raises(PermissionDenied):
        award_area_check(award=award, actor=hq)
    award = award_area_check(award=award, actor=town_a, note="已核对证书原件")
    assert award.status == AwardStatus.AREA_CHECKED


def test_steps_cannot_be_skipped(hq, town_a) -> None:
    rule()
    award = candidate_for(high_tech_firm())
    with pytest.raises(ValidationError, match="待指挥部审批"):
        award_approve(award=award, actor=hq)
    with pytest.raises(ValidationError, match="待公示"):
        notice_publish(
            awards=[award],
            title="公示",
            starts_on=dt.date(2019, 12, 1),
            today=dt.date(2019, 12, 1),
            ends_on=dt.date(2019, 12, 7),
            actor=hq,
        )


def test_area_staff_cannot_approve(town_a) -> None:
    rule()
    award = candidate_for(high_tech_firm())
    award_area_check(award=award, actor=town_a)
    with pytest.raises(PermissionDenied):
        award_approve(award=award, actor=town_a)


@pytest.mark.parametrize("step", ["candidate", "area_checked", "approved", "published"])
def test_rejection_with_a_reason_at_each_step_is_recorded(step, hq) -> None:
    rule()
    award = candidate_for(high_tech_firm())
    if step != "candidate":
        award_area_check(award=award, actor=None)
    if step in ("approved", "published"):
        award_approve(award=award, actor=None)
    if step == "published":
        award = (
            published(Award.objects.get(pk=award.pk).__class__.objects.get(pk=award.pk))
            if False
            else award
        )  # noqa: E501
        notice_publish(
            awards=[award],
            title="公示",
            starts_on=dt.date(2019, 12, 1),
            today=dt.date(2019, 12, 1),
            ends_on=dt.date(2019, 12, 7),
            actor=None,
        )
    with pytest.raises(ValidationError, match="原因"):
        award_reject(award=award, reason=" ", actor=hq)
    award = award_reject(award=award, reason="企业存在严重失信记录", actor=hq)
    assert award.status == AwardStatus.REJECTED
    assert award.rejected_step == step
    event = award_history(award).first()
    assert event is not None and event.action == "award.reject"
    assert event.reason == "企业存在严重失信记录"


def test_area_may_reject_at_its_check_but_not_after(town_a) -> None:
    rule()
    award = candidate_for(high_tech_firm())
    award_area_check(award=award, actor=town_a)
    with pytest.raises(PermissionDenied):
        award_reject(award=award, reason="不同意", actor=town_a)


def test_finance_may_reject_at_payment_only(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    award = award_reject(award=award, reason="账户信息有误，企业放弃", actor=finance())
    assert award.rejected_step == "published"


def test_every_step_is_in_the_awards_history(hq, town_a) -> None:
    rule()
    award = candidate_for(high_tech_firm())
    award_area_check(award=award, actor=town_a, note="核实无误")
    award_approve(award=award, actor=hq)
    notice_publish(
        awards=[award],
        title="2019年度首次认定高企奖励公示",
        starts_on=dt.date(2019, 12, 1),
        today=dt.date(2019, 12, 1),
        ends_on=dt.date(2019, 12, 7),
        actor=hq,
    )
    actions = [e.action for e in award_history(award)]
    assert actions == [
        "notice.publish",
        "award.approve",
        "award.area_check",
        "award.generate",
    ]
