"""序时进度 and lights at month boundaries (plan starts May 2019, deadline 31 Dec)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from keqi.campaign.progress import (
    Light,
    expected,
    fraction_text,
    judge,
    months_elapsed,
    months_planned,
    report_due,
    report_late,
)

MAY = dt.date(2019, 5, 1)
DEC31 = dt.date(2019, 12, 31)


def light(
    value: int, actual: str | None, on: dt.date, deadline: dt.date = DEC31
) -> Light:
    return judge(
        value=Decimal(value),
        actual=None if actual is None else Decimal(actual),
        start_month=MAY,
        deadline=deadline,
        as_of=on,
        yellow_ratio=Decimal("0.8"),
    ).light


def test_may_to_december_is_eight_planned_months() -> None:
    assert months_planned(MAY, DEC31) == 8


@pytest.mark.parametrize(
    ("on", "elapsed"),
    [
        (dt.date(2019, 5, 1), 0),
        (dt.date(2019, 5, 31), 0),
        (dt.date(2019, 6, 1), 1),
        (dt.date(2019, 6, 30), 1),
        (dt.date(2019, 7, 1), 2),
        (dt.date(2019, 12, 31), 7),
        (dt.date(2020, 1, 1), 8),
        (dt.date(2021, 3, 1), 8),
        (dt.date(2019, 4, 30), 0),
    ],
)
def test_months_elapsed_counts_whole_months_before_the_current_one(
    on: dt.date, elapsed: int
) -> None:
    assert months_elapsed(MAY, DEC31, on) == elapsed


def test_expected_is_exact() -> None:
    assert expected(Decimal(26), MAY, DEC31, dt.date(2019, 6, 30)) == Fraction(13, 4)
    assert expected(Decimal(26), MAY, DEC31, dt.date(2019, 7, 1)) == Fraction(13, 2)


def test_in_the_first_month_nothing_is_expected_yet() -> None:
    assert light(26, "0", dt.date(2019, 5, 31)) == Light.GREEN


@pytest.mark.parametrize(
    ("actual", "on_june_30", "on_july_1"),
    [
        ("5.5", Light.GREEN, Light.YELLOW),  # expected 3.25, then 6.5 (yellow ≥ 5.2)
        ("4", Light.GREEN, Light.RED),
        ("3", Light.YELLOW, Light.RED),
        ("2.6", Light.YELLOW, Light.RED),  # exactly 0.8 × 3.25 is still yellow
        ("2", Light.RED, Light.RED),
        ("7", Light.GREEN, Light.GREEN),
    ],
)
def test_the_light_changes_when_a_month_closes(
    actual: str, on_june_30: Light, on_july_1: Light
) -> None:
    assert light(26, actual, dt.date(2019, 6, 30)) == on_june_30
    assert light(26, actual, dt.date(2019, 7, 1)) == on_july_1


def test_yellow_boundary_is_inclusive() -> None:
    assert light(26, "5.2", dt.date(2019, 7, 1)) == Light.YELLOW
    assert light(26, "5.1999", dt.date(2019, 7, 1)) == Light.RED
    assert light(26, "6.5", dt.date(2019, 7, 1)) == Light.GREEN


def test_on_the_deadline_day_it_is_judged_by_schedule_and_the_day_after_red() -> None:
    assert light(26, "23", DEC31) == Light.GREEN  # 序时进度 22.75
    assert light(26, "25", dt.date(2020, 1, 1)) == Light.RED
    assert light(26, "26", dt.date(2020, 1, 1)) == Light.GREEN


def test_a_one_month_target_turns_red_the_day_after_its_deadline() -> None:
    may31 = dt.date(2019, 5, 31)
    assert light(1, None, may31, deadline=may31) == Light.GREY
    assert light(1, "0", may31, deadline=may31) == Light.GREEN
    assert light(1, None, dt.date(2019, 6, 1), deadline=may31) == Light.RED
    assert light(1, "1", dt.date(2019, 6, 1), deadline=may31) == Light.GREEN


def test_unknown_is_grey_not_zero_until_the_deadline() -> None:
    assert light(26, None, dt.date(2019, 9, 1)) == Light.GREY
    assert light(26, "0", dt.date(2019, 9, 1)) == Light.RED


def test_the_ratio_comes_from_the_plan() -> None:
    judgement = judge(
        value=Decimal(26),
        actual=Decimal("4.9"),
        start_month=MAY,
        deadline=DEC31,
        as_of=dt.date(2019, 7, 1),
        yellow_ratio=Decimal("0.75"),
    )
    assert judgement.light == Light.YELLOW  # 0.75 × 6.5 = 4.875
    assert judgement.reason == "低于序时进度 6.5"  # exact, not 约6.50


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(3, 2), "1.5"),
        (Fraction(91, 4), "22.75"),
        (Fraction(12, 1), "12"),
        (Fraction(100, 3), "33.33…"),
        (Fraction(2, 3), "0.66…"),
    ],
)
def test_expected_figures_are_shown_exactly(value: Fraction, shown: str) -> None:
    assert fraction_text(value) == shown


def test_a_red_light_names_the_yellow_line_it_missed() -> None:
    judgement = judge(
        value=Decimal(6),
        actual=Decimal("1"),
        start_month=MAY,
        deadline=DEC31,
        as_of=dt.date(2019, 9, 1),
        yellow_ratio=Decimal("0.8"),
    )
    assert judgement.light == Light.RED  # 序时进度 3, 黄灯线 2.4
    assert judgement.reason == "低于黄灯线 2.4"


def test_report_due_rolls_over_the_year() -> None:
    assert report_due(dt.date(2019, 6, 1), 5) == dt.date(2019, 7, 5)
    assert report_due(dt.date(2019, 12, 1), 5) == dt.date(2020, 1, 5)


def test_a_report_on_the_due_day_is_on_time_and_the_next_day_late() -> None:
    due = dt.date(2019, 7, 5)
    assert report_late(submitted_on=due, due=due, as_of=dt.date(2019, 8, 1)) is None
    late = report_late(submitted_on=dt.date(2019, 7, 6), due=due, as_of=due)
    assert late is not None and late.startswith("迟报")
    assert report_late(submitted_on=None, due=due, as_of=due) is None
    missing = report_late(submitted_on=None, due=due, as_of=dt.date(2019, 7, 6))
    assert missing is not None and missing.startswith("逾期未报")


def test_a_milestone_has_no_schedule_and_is_judged_at_its_deadline() -> None:
    def milestone(actual: str | None, on: dt.date) -> Light:
        return judge(
            value=Decimal(1),
            actual=None if actual is None else Decimal(actual),
            start_month=MAY,
            deadline=DEC31,
            as_of=on,
            yellow_ratio=Decimal("0.8"),
            milestone=True,
        ).light

    assert milestone("0", dt.date(2019, 11, 1)) == Light.GREEN
    assert milestone(None, dt.date(2019, 11, 1)) == Light.GREY
    assert milestone("0", dt.date(2020, 1, 1)) == Light.RED
    assert milestone("1", dt.date(2020, 1, 1)) == Light.GREEN
