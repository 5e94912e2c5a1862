"""序时进度 and traffic lights: pure, exact arithmetic (no Django, no floats).

序时进度 (where a target should be by now):
    计划月数 = 起始月至截止月的月数（含两端）
    已过月数 = 查询日所在月之前、自起始月起已经过完的整月数（不小于 0，不大于计划月数）
    序时进度 = 目标值 × 已过月数 ÷ 计划月数
So for a plan starting in May with a December deadline (8 months), on 1 July two
months (May, June) are complete and the expected figure is 2/8 of the target.

Lights, in this order:
    已完成（实际 ≥ 目标值）                         → 绿灯
    过了截止日期仍未完成                           → 红灯
    尚无数据                                     → 灰色（截止后无数据为红灯）
    实际 ≥ 序时进度                               → 绿灯
    实际 ≥ 黄灯线 = 序时进度 × 黄灯比例（方案设定，默认 0.8） → 黄灯
    否则                                         → 红灯
Comparisons are `>=` on exact fractions. A one-off deliverable (milestone: a plan,
a library, a contest) has no 序时进度 and is judged by its deadline only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        return {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "无数据"}[
            self.value
        ]

    @property
    def rank(self) -> int:
        """Severity for "worst of": red > yellow > no data > green."""
        return {"green": 0, "grey": 1, "yellow": 2, "red": 3}[self.value]


RULE_TEXT = (
    "序时进度 = 目标值 × 已过月数 ÷ 计划月数（计划月数为起始月至截止月，含两端；"
    "已过月数为本月之前已过完的整月数）。已完成为绿灯；过截止日期未完成为红灯；"
    "实际 ≥ 序时进度为绿灯；实际 ≥ 黄灯线（序时进度 × {ratio}）为黄灯；否则为红灯。"
    "一次性任务（制定计划、建库、办赛）不计序时进度，只按截止日期判断。"
)


def month_index(day: dt.date) -> int:
    """Months since year 0, so that month differences are plain subtraction."""
    return day.year * 12 + day.month - 1


def months_planned(start_month: dt.date, deadline: dt.date) -> int:
    """Months from the start month to the deadline month, both included."""
    return max(month_index(deadline) - month_index(start_month) + 1, 1)


def months_elapsed(start_month: dt.date, deadline: dt.date, as_of: dt.date) -> int:
    """Whole months completed before as_of's month, within the planned months."""
    done = month_index(as_of) - month_index(start_month)
    return min(max(done, 0), months_planned(start_month, deadline))


def expected(
    value: Decimal, start_month: dt.date, deadline: dt.date, as_of: dt.date
) -> Fraction:
    """The 序时进度 figure on as_of, exactly."""
    share = Fraction(
        months_elapsed(start_month, deadline, as_of),
        months_planned(start_month, deadline),
    )
    return Fraction(value) * share


@dataclass(frozen=True)
class Judgement:
    """A light with the numbers and the words that justify it."""

    light: Light
    expected: Fraction
    reason: str


def fraction_text(value: Fraction) -> str:
    """A fraction exactly as people write it: 3, 1.5, 22.75; a repeating decimal
    shows its first two places and an ellipsis (33.33…), never a rounded 约."""
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    shown = Decimal(value.numerator) / Decimal(value.denominator)
    if rest == 1:  # a terminating decimal: every digit, no trailing zeros
        return format(shown.normalize(), "f")
    return f"{shown.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}…"


def judge(
    *,
    value: Decimal,
    actual: Decimal | None,
    start_month: dt.date,
    deadline: dt.date,
    as_of: dt.date,
    yellow_ratio: Decimal,
    milestone: bool = False,
) -> Judgement:
    """The light of one target on as_of (see the module docstring for the rule).

    A milestone (one deliverable: a plan, a library, a contest) has no 序时进度:
    nothing is expected of it until its deadline has passed."""
    if milestone:
        exp = Fraction(value) if as_of > deadline else Fraction(0)
    else:
        exp = expected(value, start_month, deadline, as_of)
    shown = fraction_text(exp)
    if actual is not None and actual >= value:
        return Judgement(Light.GREEN, exp, "已完成目标")
    if as_of > deadline:
        words = "尚无数据" if actual is None else "未完成"
        return Judgement(Light.RED, exp, f"已过截止日期 {deadline:%Y-%m-%d}，{words}")
    if actual is None:
        return Judgement(Light.GREY, exp, "尚无数据")
    if milestone:  # nothing is expected of a one-off deliverable before its deadline
        return Judgement(Light.GREEN, exp, f"截止 {deadline:%Y-%m-%d}，尚未到期")
    if Fraction(actual) >= exp:
        return Judgement(Light.GREEN, exp, f"达到序时进度 {shown}")
    floor = exp * Fraction(yellow_ratio)
    if Fraction(actual) >= floor:
        return Judgement(Light.YELLOW, exp, f"低于序时进度 {shown}")
    return Judgement(Light.RED, exp, f"低于黄灯线 {fraction_text(floor)}")


def worst(lights: list[Light]) -> Light:
    """The most severe light; no lights at all reads as no data."""
    return max(lights, key=lambda light: light.rank) if lights else Light.GREY


def month_start(day: dt.date) -> dt.date:
    """The first day of day's month."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the following month."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def report_due(month: dt.date, report_day: int) -> dt.date:
    """The last day (inclusive) to file the report for `month`: next month's report_day."""
    return next_month(month).replace(day=report_day)


def report_late(
    *, submitted_on: dt.date | None, due: dt.date, as_of: dt.date
) -> str | None:
    """Why a report is late on as_of (迟报 or 逾期未报), or None when it is not."""
    if submitted_on is not None:
        if submitted_on > due:
            return f"迟报（{submitted_on:%m月%d日}报送，截止{due:%m月%d日}）"
        return None
    if as_of > due:
        return f"逾期未报（截止{due:%Y年%m月%d日}）"
    return None
