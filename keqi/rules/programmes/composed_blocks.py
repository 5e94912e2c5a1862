"""Building blocks of composed programmes: one condition each, scalar and columnar.

Every block is exact (Fractions and integer cross-multiplication, never float),
three-valued (an unknown figure or date gives 待定), cited (the definition's
document and article), dated (reasons name the years and dates used), gives
gaps in the user's units, and has a columnar form that agrees with the scalar
one (a hypothesis property test checks each block).

Blocks added for the Tianjin ladder (瞪羚, 领军):

``growth``    a figure's growth rate from one year to another
``cagr``      compound annual growth over N years
``average``   a figure's average over the last N years ("近四年平均…")
``age``       the enterprise's age in full years at a reference date
``compare``   a figure of one year against (a multiple of) another year's
``any_k``     at least k of a list of blocks
``credit``    no negative record of some kinds in a window of years

Conventions (recorded here and in docs/adding-a-programme.md): a growth or
compound growth whose base year is 0 or negative cannot be computed and is
``不满足`` (the reason says so); an average needs every year of the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from keqi.rules.batch import (
    I8,
    SCALE,
    BatchError,
    Column,
    Mask,
    ratio_test,
    scaled,
    threshold_test,
    tri_codes,
    tri_from,
)
from keqi.rules.context import Ctx
from keqi.rules.facts import COUNT_FIELDS, FIELD_LABELS, EnterpriseFacts
from keqi.rules.model import Condition, ConditionResult, Gap
from keqi.rules.numbers import (
    OP_TEXT,
    Threshold,
    Tri,
    exact,
    fmt_number,
    fmt_percent,
    tri,
)
from keqi.rules.programmes import common, gaps

Check = Callable[[EnterpriseFacts, Ctx], ConditionResult]
Gaps = Callable[[EnterpriseFacts, Ctx], list[Gap]]
Build = Callable[[Sequence[EnterpriseFacts], Ctx], dict[str, Column]]
Run = Callable[[Mapping[str, Column], Ctx], I8]


@dataclass(frozen=True)
class Block:
    """One composed condition: scalar check, gaps, and its columnar pair."""

    spec: Condition
    check: Check
    gaps: Gaps
    build: Build
    run: Run


def unit_of(name: str) -> str:
    """人, 项 or 万元."""
    return "人" if name in COUNT_FIELDS else "项" if name == "conversions" else "万元"


def scale_of(name: str) -> int:
    """Units per 1 of the field in the columns (0.0001 万元 for amounts)."""
    return 1 if unit_of(name) != "万元" else SCALE


def column_of(rows: Sequence[EnterpriseFacts], year: int, name: str) -> Column:
    """One figure of one year for every row, scaled to integers."""
    if unit_of(name) != "万元":
        return Column.of([_int(f.figure(year, name)) for f in rows])
    return Column.of([scaled(f.amount(year, name)) for f in rows])


def _int(value: int | Decimal | None) -> int | None:
    return None if value is None else int(value)


def label(year: int, name: str) -> str:
    """``2022年度营业收入``."""
    return f"{year}年度{FIELD_LABELS[name]}"


def coded(check: Check) -> tuple[Build, Run]:
    """A columnar pair that takes the status the scalar check gives (for blocks
    that read lists and dates, as the built-in programmes do)."""
    key = "status"

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        codes = tri_codes([check(f, ctx).status for f in rows])
        return {key: Column(codes, np.ones(len(rows), dtype=np.bool_))}

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        return cols[key].values.astype(np.int8)

    return build, run


def no_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
    """A block whose shortfall is not a number."""
    return []


# --- growth ---------------------------------------------------------------


def growth_block(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Block:
    """(v_to − v_from) ÷ v_from against a rate; base ≤ 0 is 不满足."""
    name = str(raw["field"])
    end_off = int(raw.get("year_offset", -1))
    start_off = int(raw.get("from_offset", end_off - 1))
    unit = unit_of(name)

    def years(ctx: Ctx) -> tuple[int, int]:
        return ctx.as_of.year + start_off, ctx.as_of.year + end_off

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        y0, y1 = years(ctx)
        a, b = facts.figure(y0, name), facts.figure(y1, name)
        what = f"{y0}—{y1}年度{FIELD_LABELS[name]}增长率"
        need = limit.text(percent=True)
        missing = [label(y, name) for y, v in ((y0, a), (y1, b)) if v is None]
        if a is None or b is None:
            return common.result_of(
                spec, Tri.UNKNOWN, "未知", need, f"缺少{'、'.join(missing)}", missing
            )
        if a <= 0:
            reason = (
                f"{label(y0, name)}{fmt_number(a)}{unit}，基期不为正，增长率无法计算"
            )
            return common.result_of(spec, Tri.NOT_MET, "无法计算", need, reason)
        rate = (exact(b) - exact(a)) / exact(a)
        shown = fmt_percent(rate)
        reason = (
            f"{what}{shown}（{label(y0, name)}{fmt_number(a)}{unit}，"
            f"{label(y1, name)}{fmt_number(b)}{unit}）"
        )
        return common.result_of(spec, tri(limit.test(rate)), shown, need, reason)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        y0, y1 = years(ctx)
        a, b = facts.figure(y0, name), facts.figure(y1, name)
        if a is None or b is None or a <= 0:
            return []
        a0, b0 = exact(a), exact(b)
        step = gaps.YUAN if unit == "万元" else gaps.ONE
        d = gaps.ratio_shortfall(b0 - a0, a0, 1, 0, limit, step)
        if not d:
            return []
        return [
            _more(
                spec.id,
                label(y1, name),
                name,
                d,
                unit,
                f"增长率须{limit.text(percent=True)}",
            )
        ]

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        y0, y1 = years(ctx)
        return {"a": column_of(rows, y0, name), "b": column_of(rows, y1, name)}

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        a, b = cols["a"], cols["b"]
        test = ratio_test(b.values - a.values, a.values, limit)
        return tri_from(test, a.known & b.known)

    return Block(spec, check, found_gaps, build, run)


def _more(cid: str, what: str, name: str, d: Fraction, unit: str, why: str) -> Gap:
    shown = fmt_number(d)
    return Gap(cid, f"{what}还差{shown}{unit}（{why}）", name, shown, unit)


# --- compound growth ------------------------------------------------------


def cagr_block(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Block:
    """(v_end ÷ v_start)^(1/N) − 1 against a rate, exactly: v_end·q^N op p^N·v_start
    with 1 + rate = p/q (the N-th root is monotone).  Base ≤ 0 is 不满足."""
    name = str(raw["field"])
    span = int(raw["years"])
    end_off = int(raw.get("year_offset", -1))
    unit = unit_of(name)
    factor = (1 + limit.value) ** span

    def years(ctx: Ctx) -> tuple[int, int]:
        end = ctx.as_of.year + end_off
        return end - span, end

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        y0, y1 = years(ctx)
        a, b = facts.figure(y0, name), facts.figure(y1, name)
        need = limit.text(percent=True)
        missing = [label(y, name) for y, v in ((y0, a), (y1, b)) if v is None]
        if a is None or b is None:
            return common.result_of(
                spec, Tri.UNKNOWN, "未知", need, f"缺少{'、'.join(missing)}", missing
            )
        if a <= 0:
            reason = f"{label(y0, name)}{fmt_number(a)}{unit}，基期不为正，复合增长率无法计算"
            return common.result_of(spec, Tri.NOT_MET, "无法计算", need, reason)
        ok = _cagr_ok(exact(b), exact(a))
        shown = "约" + fmt_percent(_root(exact(b) / exact(a), span) - 1)
        reason = (
            f"{y0}—{y1}年{FIELD_LABELS[name]}{span}年复合增长率{shown}"
            f"（{label(y0, name)}{fmt_number(a)}{unit}，{label(y1, name)}"
            f"{fmt_number(b)}{unit}）"
        )
        return common.result_of(spec, tri(ok), shown, need, reason)

    def _cagr_ok(end: Fraction, start: Fraction) -> bool:
        # (end/start)^(1/N) op 1+r  ⇔  end op start·(1+r)^N  (end ≥ 0 or not)
        if end < 0:
            return limit.op in ("<=", "<")
        return Threshold(limit.op, factor).test(end / start)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        y0, y1 = years(ctx)
        a, b = facts.figure(y0, name), facts.figure(y1, name)
        if a is None or b is None or a <= 0 or limit.op not in (">=", ">"):
            return []
        a0, b0 = exact(a), exact(b)
        step = gaps.YUAN if unit == "万元" else gaps.ONE
        d = gaps.least_increase(
            lambda d: _cagr_ok(b0 + d, a0), b0, 1, 1, 0, [factor * a0], step
        )
        if not d or _cagr_ok(b0, a0):
            return []
        why = f"{span}年复合增长率须{limit.text(percent=True)}"
        return [_more(spec.id, label(y1, name), name, d, unit, why)]

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        # (1+r)^N has a denominator too wide for int64 products: the exact test
        # runs on Python integers here, once per row, and travels as a status.
        return coded(check)[0](rows, ctx)

    return Block(spec, check, found_gaps, build, coded(check)[1])


def _root(x: Fraction, n: int) -> Fraction:
    """An n-th root of x > 0 good to far beyond two decimals (display only)."""
    if x <= 0:
        return Fraction(0)
    guess = Fraction(Decimal(x.numerator) / Decimal(x.denominator)) or Fraction(1)
    guess = max(guess, Fraction(1, 10**6))
    for _ in range(60):
        guess = ((n - 1) * guess + x / guess ** (n - 1)) / n
        guess = guess.limit_denominator(10**12)
    return guess


# --- average --------------------------------------------------------------


def average_block(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Block:
    """Mean of a figure over the N years ending at ``year_offset``."""
    name = str(raw["field"])
    span = int(raw["years"])
    end_off = int(raw.get("year_offset", -1))
    unit = unit_of(name)
    total_limit = Threshold(limit.op, limit.value * span)

    def years(ctx: Ctx) -> list[int]:
        end = ctx.as_of.year + end_off
        return list(range(end - span + 1, end + 1))

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        ys = years(ctx)
        values = [facts.figure(y, name) for y in ys]
        need = limit.text(unit)
        missing = [label(y, name) for y, v in zip(ys, values, strict=True) if v is None]
        if missing:
            return common.result_of(
                spec, Tri.UNKNOWN, "未知", need, f"缺少{'、'.join(missing)}", missing
            )
        total = sum((exact(v) for v in values if v is not None), Fraction(0))
        mean = total / span
        shown = f"{fmt_number(mean)}{unit}"
        reason = f"{ys[0]}—{ys[-1]}年{FIELD_LABELS[name]}平均{shown}（合计{fmt_number(total)}{unit}）"
        return common.result_of(spec, tri(limit.test(mean)), shown, need, reason)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        ys = years(ctx)
        values = [facts.figure(y, name) for y in ys]
        if any(v is None for v in values):
            return []
        total = sum((exact(v) for v in values if v is not None), Fraction(0))
        step = gaps.YUAN if unit == "万元" else gaps.ONE
        d = gaps.threshold_shortfall(total, total_limit, step)
        if not d:
            return []
        word = "还差" if limit.op in (">=", ">") else "须减少"
        shown = fmt_number(d)
        text = (
            f"{ys[0]}—{ys[-1]}年{FIELD_LABELS[name]}合计{word}{shown}{unit}"
            f"（平均须{limit.text(unit)}）"
        )
        return [Gap(spec.id, text, name, shown, unit)]

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        return {f"y{i}": column_of(rows, y, name) for i, y in enumerate(years(ctx))}

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        parts = [cols[f"y{i}"] for i in range(span)]
        total = sum((c.values.astype(np.int64) for c in parts), np.zeros(1, np.int64))
        known: Mask = np.logical_and.reduce([c.known for c in parts])
        if span * (1 << 50) >= 1 << 62:
            raise BatchError("平均年数过多，批量计算会溢出")
        return tri_from(threshold_test(total, total_limit, scale_of(name)), known)

    return Block(spec, check, found_gaps, build, run)


# --- a figure against another year ----------------------------------------


def compare_block(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Block:
    """v(year_offset) op factor × v(other_offset); ``value`` is the factor (1 = equal)."""
    name = str(raw["field"])
    a_off = int(raw.get("year_offset", -1))
    b_off = int(raw.get("other_offset", a_off - 1))
    factor = limit.value
    unit = unit_of(name)
    if factor.numerator > 1 << 10 or factor.denominator > 1 << 10:
        raise ValueError("倍数的分子分母须不超过1024")

    def years(ctx: Ctx) -> tuple[int, int]:
        return ctx.as_of.year + a_off, ctx.as_of.year + b_off

    def need_text(ctx: Ctx) -> str:
        _, yb = years(ctx)
        times = "" if factor == 1 else f"的{fmt_number(factor)}倍"
        return f"{OP_TEXT[limit.op]}{label(yb, name)}{times}"

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        ya, yb = years(ctx)
        a, b = facts.figure(ya, name), facts.figure(yb, name)
        missing = [label(y, name) for y, v in ((ya, a), (yb, b)) if v is None]
        if a is None or b is None:
            return common.result_of(
                spec,
                Tri.UNKNOWN,
                "未知",
                need_text(ctx),
                f"缺少{'、'.join(missing)}",
                missing,
            )
        ok = Threshold(limit.op, Fraction(0)).test(exact(a) - factor * exact(b))
        shown = f"{fmt_number(a)}{unit}"
        reason = f"{label(ya, name)}{shown}，{label(yb, name)}{fmt_number(b)}{unit}"
        return common.result_of(spec, tri(ok), shown, need_text(ctx), reason)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        ya, yb = years(ctx)
        a, b = facts.figure(ya, name), facts.figure(yb, name)
        if a is None or b is None:
            return []
        target = Threshold(limit.op, factor * exact(b))
        step = gaps.YUAN if unit == "万元" else gaps.ONE
        d = gaps.threshold_shortfall(a, target, step)
        if not d:
            return []
        word = "还差" if limit.op in (">=", ">") else "须减少"
        shown = fmt_number(d)
        text = f"{label(ya, name)}{word}{shown}{unit}（须{need_text(ctx)}）"
        return [Gap(spec.id, text, name, shown, unit)]

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        ya, yb = years(ctx)
        return {"a": column_of(rows, ya, name), "b": column_of(rows, yb, name)}

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        a, b = cols["a"], cols["b"]
        diff = a.values.astype(np.int64) * factor.denominator - (
            b.values.astype(np.int64) * factor.numerator
        )
        test = threshold_test(diff, Threshold(limit.op, Fraction(0)))
        return tri_from(test, a.known & b.known)

    return Block(spec, check, found_gaps, build, run)


# --- age ------------------------------------------------------------------

AT = {
    "as_of": "评价基准日",
    "year_start": "申报当年1月1日",
    "prev_year_end": "上年12月31日",
}


def reference_day(at: str, as_of: date) -> date:
    """The day the age is counted to."""
    if at == "year_start":
        return date(as_of.year, 1, 1)
    if at == "prev_year_end":
        return date(as_of.year - 1, 12, 31)
    return as_of


def full_years(founded: date, day: date) -> int:
    """Full years from ``founded`` to ``day`` (negative when founded later)."""
    years = day.year - founded.year
    if (day.month, day.day) < (founded.month, founded.day):
        years -= 1
    return years


def age_block(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Block:
    """The enterprise's age in full years, counted to a reference day."""
    at = str(raw.get("at", "as_of"))
    if at not in AT:
        raise ValueError(f"计龄基准“{at}”不可用，应为 {'、'.join(AT)} 之一")

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        day = reference_day(at, ctx.as_of)
        need = limit.text("年")
        if facts.founded_on is None:
            return common.result_of(
                spec, Tri.UNKNOWN, "未知", need, "成立日期未知", ["成立日期"]
            )
        age = full_years(facts.founded_on, day)
        reason = f"{facts.founded_on}成立，计至{day}满{max(age, 0)}年"
        return common.result_of(spec, tri(limit.test(age)), f"{age}年", need, reason)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        if facts.founded_on is None:
            return []
        day = reference_day(at, ctx.as_of)
        age = full_years(facts.founded_on, day)
        if limit.test(age):
            return []
        if limit.op in ("<=", "<"):
            text = f"成立已满{age}年（计至{day}，须{limit.text('年')}），本项条件无法再满足"
            return [Gap(spec.id, text, "founded_on")]
        need = int(gaps.threshold_shortfall(age, limit, gaps.ONE)) + age
        when = common.years_after(facts.founded_on, need)
        text = (
            f"成立满{need}年还需等到{when}（{facts.founded_on}成立，计龄基准{AT[at]}）"
        )
        return [Gap(spec.id, text, "founded_on", str(need - age), "年")]

    build, run = coded(check)
    return Block(spec, check, found_gaps, build, run)


# --- credit ---------------------------------------------------------------


def credit_block(spec: Condition, raw: Mapping[str, Any]) -> Block:
    """No record of ``kinds`` from 1 January ``years − 1`` years back to the date."""
    kinds = tuple(str(k) for k in raw.get("kinds") or ())
    span = int(raw.get("years", 2))

    def window(ctx: Ctx) -> tuple[date, date]:
        return date(ctx.as_of.year - span + 1, 1, 1), ctx.as_of

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        start, end = window(ctx)
        status, reason = common.credit_status(facts, kinds, start, end)
        missing = ["信用记录发生日期"] if status is Tri.UNKNOWN else []
        return common.result_of(spec, status, reason, "无相关记录", reason, missing)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        start, end = window(ctx)
        inside = [
            r.occurred_on
            for r in facts.credit_records
            if r.kind in kinds
            and r.occurred_on is not None
            and start <= r.occurred_on <= end
        ]
        if not inside:
            return []
        first = max(inside).year + span
        wait = first - ctx.as_of.year
        text = f"{max(inside)}的记录在考察期内，最早{first}年起不再计入（还需等待{wait}年）"
        return [Gap(spec.id, text, "credit_records", str(wait), "年")]

    build, run = coded(check)
    return Block(spec, check, found_gaps, build, run)


# --- any k of ---------------------------------------------------------------


def any_k_block(spec: Condition, k: int, children: Sequence[Block]) -> Block:
    """At least ``k`` of ``children`` met (Kleene: unknown when still possible)."""

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        found = [c.check(facts, ctx) for c in children]
        met = [c for c in found if c.status is Tri.MET]
        open_ = [c for c in found if c.status is Tri.UNKNOWN]
        if len(met) >= k:
            status = Tri.MET
        elif len(met) + len(open_) < k:
            status = Tri.NOT_MET
        else:
            status = Tri.UNKNOWN
        parts = [f"{c.title}：{c.status.label}，{c.reason}" for c in found]
        reason = f"满足{len(met)}项（须至少{k}项）：" + "；".join(parts)
        missing = [m for c in open_ for m in c.missing] if status is Tri.UNKNOWN else []
        return common.result_of(
            spec, status, f"{len(met)}项", f"至少{k}项", reason, missing
        )

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        found = [(c, c.check(facts, ctx)) for c in children]
        met = sum(1 for _, r in found if r.status is Tri.MET)
        if met >= k:
            return []
        more = k - met
        out = [Gap(spec.id, f"以下各项中还须再满足{more}项（须至少{k}项）")]
        for block, result in found:
            if result.status is Tri.MET:
                continue
            for gap in block.gaps(facts, ctx) or [
                Gap(block.spec.id, f"满足“{block.spec.title}”")
            ]:
                out.append(
                    Gap(
                        gap.condition_id,
                        "或" + gap.text,
                        gap.field,
                        gap.amount,
                        gap.unit,
                    )
                )
        return out

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        cols: dict[str, Column] = {}
        for i, child in enumerate(children):
            for name, col in child.build(rows, ctx).items():
                cols[f"{i}.{name}"] = col
        return cols

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        codes = []
        for i, child in enumerate(children):
            prefix = f"{i}."
            mine = {
                n[len(prefix) :]: c for n, c in cols.items() if n.startswith(prefix)
            }
            codes.append(child.run(mine, ctx))
        stacked = np.stack(codes)
        met = (stacked == 2).sum(axis=0)
        open_ = (stacked == 1).sum(axis=0)
        out = np.where(met >= k, 2, np.where(met + open_ < k, 0, 1))
        result: I8 = out.astype(np.int8)
        return result

    return Block(spec, check, found_gaps, build, run)
