"""The assessment score against a hand-worked example, and who gets named."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from keqi.accounts.models import Unit
from keqi.campaign.assessment import assess, formula_text
from keqi.campaign.services import progress_report_return, progress_report_submit
from keqi.campaign.tests.helpers import at, baodi_plan, file_report

pytestmark = pytest.mark.django_db
MAY, JUNE = dt.date(2019, 5, 1), dt.date(2019, 6, 1)


def test_the_score_matches_the_hand_worked_example(hq) -> None:  # type: ignore[no-untyped-def]
    """区科协 on 10 August 2019 (reports for May, June, July are due):

    - May report on 3 June (on time), returned once and resubmitted;
      June report on 8 July (late); July report missing.
      按时报送率 = 1/3 → 30 × 1/3 = 10
    - Its measures: 1 (lead 区科技局 reports it done, target met) and 10 (its own
      June report says 正常推进, no deadline): both green → 30 × 2/2 = 30
    - Its targets: the three-year plan, reported done (1 of 1) → 30 × 1 = 30
    - 数据质量: 2 reports sent, 1 never returned → 10 × 1/2 = 5
    Total 75.00.
    """
    plan = baodi_plan()
    file_report(
        plan,
        "hq",
        MAY,
        dt.date(2019, 6, 4),
        figures={"three-year-plan": "1"},
        progress="done",
    )
    may = file_report(plan, "kx", MAY, dt.date(2019, 6, 3))
    progress_report_return(report=may, reason="请补充附件", actor=hq)
    progress_report_submit(report=may, actor=None, now=at(dt.date(2019, 6, 6)))
    file_report(plan, "kx", JUNE, dt.date(2019, 7, 8))
    rows = {r.unit.code: r for r in assess(plan, dt.date(2019, 8, 10))}
    kx = rows["kx"]
    parts = {c.key: c.ratio for c in kx.components}
    assert parts == {
        "on_time": Fraction(1, 3),
        "schedule": Fraction(1),
        "results": Fraction(1),
        "data_quality": Fraction(1, 2),
    }
    assert kx.score == 75
    assert kx.score_text == "75.00"
    assert [label for label, _ in kx.named] == ["重视不够"]
    assert kx.named[0][1] == [
        "2019年06月月报迟报（07月08日报送，截止07月05日）",
        "2019年07月月报逾期未报（截止2019年08月05日）",
    ]


def test_the_formula_shows_the_plans_weights() -> None:
    assert formula_text(baodi_plan()) == (
        "得分 = 按时报送率 × 30 + 措施推进 × 30 + 目标完成 × 30 + 数据质量 × 10"
    )


def test_a_report_without_a_responsible_person_names_the_unit(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    file_report(plan, "czj", MAY, dt.date(2019, 6, 3), person="")
    czj = next(r for r in assess(plan, dt.date(2019, 6, 10)) if r.unit.code == "czj")
    assert ("责任不清", ["2019年05月月报未填写责任人"]) in czj.named


def test_units_are_listed_lowest_score_first() -> None:
    plan = baodi_plan()
    file_report(plan, "czj", MAY, dt.date(2019, 6, 3))
    rows = assess(plan, dt.date(2019, 6, 10))
    scores = [r.score for r in rows]
    assert scores == sorted(scores)
    assert rows[-1].unit == Unit.objects.get(code="czj")


def test_overdue_matters_are_escalated_with_their_facts() -> None:
    from keqi.campaign.assessment import escalations

    plan = baodi_plan()
    rows = escalations(plan, dt.date(2019, 7, 6))
    assert ("区科协", "月报", "2019年06月月报逾期未报（截止2019年07月05日）") in rows
    plan_row = next(r for r in rows if "三年行动计划" in r[1])
    assert plan_row[0] == "区科技局" and "已过截止日期 2019-05-31" in plan_row[2]
