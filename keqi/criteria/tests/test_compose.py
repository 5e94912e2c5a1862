"""Composed programmes (技术领先型企业, the Tianjin tiers): stored, built, dated."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.criteria.composable import composed_notice
from keqi.criteria.engine import engine_setup
from keqi.criteria.models import ProgrammeDefinition
from keqi.criteria.services import (
    CriteriaAction,
    programme_definition_save,
    programme_definition_withdraw,
)
from keqi.criteria.tests.helpers import (
    ON,
    D,
    assert_audited,
    leader_definition,
    tech_sme_firm,
)
from keqi.registry.facts import facts_for
from keqi.rules import evaluate

pytestmark = pytest.mark.django_db


def verdicts(enterprise, day=ON):  # type: ignore[no-untyped-def]
    setup = engine_setup()
    facts = facts_for(enterprise)
    return evaluate(facts, as_of=day, params=setup.params, extra=setup.extra).programmes


def save(actor, key: str = "tech_leader", **over):  # type: ignore[no-untyped-def]
    return programme_definition_save(
        key=key, definition=leader_definition(**over), reason="区里定的", actor=actor
    )


def test_a_programme_is_absent_until_hq_defines_it_and_the_page_says_why(hq) -> None:
    firm = tech_sme_firm()
    assert "tech_leader" not in verdicts(firm)
    assert composed_notice(engine_setup(), "tj_dengling", ON) == (
        "天津瞪羚企业：评价条件尚未配置（天津市标准未经确认），请总部在“评价规则”中配置"
    )
    row = save(hq)
    assert verdicts(firm)["tech_leader"].outcome.value == "eligible"
    event = assert_audited(CriteriaAction.PROGRAMME_SAVE, row, hq)
    assert event.changes["definition"][0] is None
    assert event.changes["definition"][1]["name"] == "技术领先型企业"


def test_a_programme_is_absent_before_its_date_of_effect_and_present_after(hq) -> None:
    firm = tech_sme_firm()
    save(hq, effective_from="2019-10-01")
    assert "tech_leader" not in verdicts(firm, ON)
    assert verdicts(firm, D(2019, 10, 1))["tech_leader"].version == "2019"
    notice = composed_notice(engine_setup(), "tech_leader", ON)
    assert (
        notice
        == "技术领先型企业：评价条件自2019年10月1日起生效，2019年9月30日时尚未生效"
    )


def test_a_tianjin_tier_composed_as_unconfirmed_flags_its_verdicts(hq) -> None:
    firm = tech_sme_firm()
    save(hq, key="tj_dengling", status="unconfirmed")
    verdict = verdicts(firm)["tj_dengling"]
    assert verdict.name == "天津瞪羚企业" and verdict.flags == ("tj_dengling@2019",)


def test_saving_the_same_version_again_replaces_it_and_keeps_history(hq) -> None:
    firm = tech_sme_firm()
    save(hq)
    conditions = leader_definition()["conditions"][:1]
    conditions[0]["value"] = "5000"
    save(hq, conditions=conditions)
    assert verdicts(firm)["tech_leader"].outcome.value == "ineligible"
    assert ProgrammeDefinition.objects.count() == 2


def test_two_versions_with_their_own_dates_are_both_kept(hq) -> None:
    firm = tech_sme_firm()
    save(hq)
    save(hq, version="2020", effective_from="2020-01-01", status="unconfirmed")
    programme = next(p for p in engine_setup().extra if p.key == "tech_leader")
    assert [v.version for v in programme.versions] == ["2019", "2020"]
    assert verdicts(firm, D(2020, 3, 1))["tech_leader"].version == "2020"


def test_composer_errors_are_listed_in_chinese_and_nothing_is_saved(hq) -> None:
    bad = [
        {"type": "figure", "field": "revenue", "op": "=>", "value": "1"},
        {"type": "formula", "title": "公式"},
    ]
    with pytest.raises(ValidationError) as info:
        save(hq, conditions=bad, version="")
    problems = info.value.messages
    assert "项目：缺少“版本”" in problems
    assert "条件1：缺少“名称”" in problems
    assert any("运算符“=>”不可用" in p for p in problems)
    assert any("类型“formula”不可用" in p for p in problems)
    assert not ProgrammeDefinition.objects.exists()
    assert engine_setup().extra == ()


def test_two_versions_on_the_same_day_are_refused(hq) -> None:
    save(hq)
    with pytest.raises(ValidationError, match="生效日期相同"):
        save(hq, version="2019b")
    assert ProgrammeDefinition.objects.count() == 1


def test_only_composable_programmes_can_be_defined(hq) -> None:
    with pytest.raises(ValidationError, match="不是可由总部组合定义"):
        save(hq, key="tech_sme")


@pytest.mark.parametrize("who", ["town_a", "member", "leader"])
def test_only_hq_may_compose(who, request) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        save(request.getfixturevalue(who))
    assert not ProgrammeDefinition.objects.exists()


def test_withdrawing_the_only_version_makes_the_programme_absent_again(hq) -> None:
    firm = tech_sme_firm()
    save(hq)
    row = programme_definition_withdraw(
        key="tech_leader", version="2019", reason="暂停", actor=hq
    )
    assert "tech_leader" not in verdicts(firm)
    assert_audited(CriteriaAction.PROGRAMME_WITHDRAW, row, hq)
    assert "尚未配置" in composed_notice(engine_setup(), "tech_leader", ON)
