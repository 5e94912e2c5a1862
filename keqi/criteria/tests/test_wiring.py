"""Pages and commands that evaluate enterprises use the stored setup."""

from __future__ import annotations

import json

import pytest

from keqi.cli import main
from keqi.criteria.services import param_edit_save, programme_definition_save
from keqi.criteria.tests.helpers import (
    ON,
    D,
    client_for,
    leader_definition,
    tech_sme_firm,
)
from keqi.cultivation.portrait import portrait_for
from keqi.cultivation.reserve import reserve_list
from keqi.cultivation.services import tier_ladder_set
from keqi.cultivation.tests.helpers import grant
from keqi.registry.models import QualificationKind as K

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


def shrink_size_cap(hq) -> None:  # type: ignore[no-untyped-def]
    param_edit_save(
        param_id="tech_sme.staff_max",
        value_text="≤ 50",
        effective_from=D(2019, 1, 1),
        status="confirmed",
        reason="测试",
        actor=hq,
    )


def define_leader(hq, **over) -> None:  # type: ignore[no-untyped-def]
    programme_definition_save(
        key="tech_leader",
        definition=leader_definition(**over),
        reason="测试",
        actor=hq,
    )


def test_the_portrait_uses_hqs_parameter_edit(hq) -> None:
    firm = tech_sme_firm()
    assert portrait_for(firm, ON).result.programmes["tech_sme"].outcome.value == (
        "eligible"
    )
    shrink_size_cap(hq)
    after = portrait_for(firm, ON).result.programmes["tech_sme"]
    assert after.outcome.value == "ineligible"
    assert after.overridden == ("tech_sme.staff_max",)


def test_the_portrait_lists_a_composed_programme_and_says_what_is_missing(hq) -> None:
    firm = tech_sme_firm()
    url = f"/cultivation/portrait/{firm.pk}/?on=2019-09-30"
    page = client_for(hq).get(url).content.decode()
    assert "技术领先型企业：评价条件尚未配置（无官方标准，由本区自定）" in page
    define_leader(hq)
    page = client_for(hq).get(url).content.decode()
    verdict = '<h2>技术领先型企业 <span class="badge ok">符合条件</span>'
    assert verdict in page and "宝坻区科技局〔2019〕1号" in page
    assert "天津瞪羚企业：评价条件尚未配置（天津市标准未经确认）" in page
    assert "技术领先型企业：评价条件尚未配置" not in page


def test_the_reserve_list_uses_hqs_parameter_edit(hq) -> None:
    tech_sme_firm("达标企业")
    assert [r.enterprise.name for r in reserve_list(hq, "tech_sme", ON).eligible] == [
        "达标企业"
    ]
    shrink_size_cap(hq)
    found = reserve_list(hq, "tech_sme", ON)
    assert found.eligible == [] and [r.enterprise.name for r in found.reserve] == [
        "达标企业"
    ]


def test_the_reserve_of_a_composed_programme_says_what_is_missing_until_defined(
    hq,
) -> None:
    tech_sme_firm("达标企业")
    holder = tech_sme_firm("已认定企业")
    grant(holder, K.TECH_LEADING, D(2019, 5, 1))
    page = client_for(hq).get("/cultivation/reserve/tj_lingjun/").content.decode()
    assert "天津科技领军企业：评价条件尚未配置（天津市标准未经确认）" in page
    define_leader(hq)
    found = reserve_list(hq, "tech_leader", ON)
    assert [r.enterprise.name for r in found.eligible] == ["达标企业"]
    assert found.notice == "" and found.reserve == []


def test_portrait_tier_follows_the_configured_ladder(hq) -> None:
    firm = tech_sme_firm()
    grant(firm, K.TECH_SME, D(2019, 3, 1), until=D(2019, 12, 31))
    grant(firm, K.CHUYING, D(2019, 3, 1), until=D(2021, 12, 31))
    assert portrait_for(firm, ON).tier.name == "雏鹰企业"
    tier_ladder_set(
        district=hq.unit.district,
        tiers=["雏鹰企业", "科技型中小企业"],
        mark=None,
        actor=hq,
    )
    assert portrait_for(firm, ON).tier.name == "科技型中小企业"


def test_evaluate_registry_uses_the_stored_setup(hq, capsys) -> None:  # type: ignore[no-untyped-def]
    tech_sme_firm()
    shrink_size_cap(hq)
    define_leader(hq)
    args = ["evaluate", "--registry", "--as-of", "2019-09-30"]
    assert main([*args, "--programme", "tech_sme", "--programme", "tech_leader"]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["programmes"]["tech_sme"]["outcome"] == "ineligible"
    assert result["programmes"]["tech_leader"]["outcome"] == "eligible"
