"""HQ edits of engine parameters: checked, audited, kept as history, in force."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.criteria.engine import engine_setup
from keqi.criteria.models import ParamEdit
from keqi.criteria.services import (
    CriteriaAction,
    param_edit_save,
    param_edit_withdraw,
)
from keqi.criteria.tests.helpers import ON, D, assert_audited, tech_sme_firm
from keqi.registry.facts import facts_for
from keqi.rules import evaluate

pytestmark = pytest.mark.django_db
STAFF = "tech_sme.staff_max"


def verdict(enterprise, key: str = "tech_sme", day=ON) -> str:  # type: ignore[no-untyped-def]
    setup = engine_setup()
    result = evaluate(
        facts_for(enterprise), as_of=day, params=setup.params, extra=setup.extra
    )
    return result.programmes[key].outcome.value


def edit(actor, value: str = "≤ 50", **over):  # type: ignore[no-untyped-def]
    values = {
        "param_id": STAFF,
        "value_text": value,
        "effective_from": D(2019, 1, 1),
        "status": "confirmed",
        "reason": "按区里核实的口径",
    }
    values.update(over)
    return param_edit_save(actor=actor, **values)


def test_an_hq_edit_changes_the_verdict_and_is_audited_with_history(hq) -> None:
    firm = tech_sme_firm()
    assert verdict(firm) == "eligible"
    row = edit(hq)
    assert verdict(firm) == "ineligible"
    event = assert_audited(CriteriaAction.PARAM_EDIT, row, hq)
    assert event.changes["value"] == ["≤ 500", "≤ 50"]
    assert event.reason == "按区里核实的口径" and event.subject == f"param:{STAFF}"
    assert [(e.value_text, e.created_by) for e in ParamEdit.objects.all()] == [
        ("≤ 50", hq)
    ]


def test_an_edit_applies_only_from_its_date_of_effect(hq) -> None:
    firm = tech_sme_firm()
    edit(hq, effective_from=D(2019, 10, 1))
    assert verdict(firm, day=ON) == "eligible"
    assert verdict(firm, day=D(2019, 10, 1)) == "ineligible"


def test_several_dated_edits_of_one_parameter_are_all_in_force(hq) -> None:
    edit(hq, value="≤ 300", effective_from=D(2019, 1, 1))
    edit(hq, value="≤ 400", effective_from=D(2020, 1, 1))
    param = engine_setup().params.parameter(STAFF)
    days = [v.effective_from for v in param.versions if v.hq]
    assert days == [D(2019, 1, 1), D(2020, 1, 1)]
    assert param.version_for(D(2020, 6, 1)).raw == {"op": "<=", "value": "400"}


def test_a_later_edit_of_the_same_date_replaces_the_value_but_keeps_history(hq) -> None:
    edit(hq, value="≤ 300")
    edit(hq, value="≤ 450", reason="更正")
    param = engine_setup().params.parameter(STAFF)
    assert param.version_for(ON).raw == {"op": "<=", "value": "450"}
    assert ParamEdit.objects.count() == 2


def test_confirming_a_value_removes_its_flag_only_from_its_date(hq) -> None:
    pid = "tech_sme.data_year_offset"
    edit(hq, param_id=pid, value="-1", effective_from=D(2019, 6, 1))
    params = engine_setup().params.parameter(pid)
    assert params.flagged_on(D(2019, 5, 31)) and not params.flagged_on(ON)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("五百", "应写成运算符和数值"),
        ("= 50", "应写成运算符和数值"),
        ("", "取值不能为空"),
    ],
)
def test_a_bad_value_is_refused_in_chinese_and_nothing_is_stored(
    hq, value, message
) -> None:
    with pytest.raises(ValidationError, match=message):
        edit(hq, value=value)
    assert not ParamEdit.objects.exists()
    assert engine_setup().overrides == {}


def test_a_band_table_with_a_gap_is_refused_by_the_engines_own_check(hq) -> None:
    bands = "A [30%, +inf) 20\nB [20%, 25%) 12\nC (-inf, 20%) 0"
    with pytest.raises(ValidationError) as info:
        edit(hq, param_id="tech_sme.staff_points", value=bands)
    assert "tech_sme.staff_points" in str(info.value)
    assert not ParamEdit.objects.exists()


def test_a_reason_is_required(hq) -> None:
    with pytest.raises(ValidationError, match="修改理由"):
        edit(hq, reason=" ")
    assert not ParamEdit.objects.exists()


def test_an_unknown_parameter_is_refused(hq) -> None:
    with pytest.raises(ValidationError, match="没有参数"):
        edit(hq, param_id="no.such")


@pytest.mark.parametrize("who", ["town_a", "member", "leader"])
def test_only_hq_may_edit_a_parameter(who, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        edit(user)
    assert not ParamEdit.objects.exists()


def test_withdrawing_an_edit_brings_the_shipped_value_back_and_is_audited(hq) -> None:
    firm = tech_sme_firm()
    edit(hq)
    row = param_edit_withdraw(
        param_id=STAFF, effective_from=D(2019, 1, 1), reason="撤回", actor=hq
    )
    assert verdict(firm) == "eligible"
    assert engine_setup().overrides == {}
    assert_audited(CriteriaAction.PARAM_WITHDRAW, row, hq)
    assert ParamEdit.objects.count() == 2  # history kept


def test_withdrawing_a_date_without_an_edit_is_refused(hq) -> None:
    with pytest.raises(ValidationError, match="没有总部的修改"):
        param_edit_withdraw(
            param_id=STAFF, effective_from=D(2019, 1, 1), reason="撤回", actor=hq
        )
