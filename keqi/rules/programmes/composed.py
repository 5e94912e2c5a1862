"""District-defined programmes composed from building blocks, stored as data.

For 技术领先型企业 and for the Tianjin tiers whose thresholds are unconfirmed
(``tj_dengling``, ``tj_lingjun``, ``tj_lingjun_peiyu``), HQ writes a definition
(a plain mapping, e.g. from YAML or the database) and the engine builds a
:class:`~keqi.rules.model.Programme` from it.  Until a definition exists such a
key is simply absent from results.

A definition::

    key: tech_leader            # lower-case identifier, not a built-in key
    name: 技术领先型企业
    version: "2024"
    effective_from: 2024-01-01
    document: 宝坻区科技局〔2024〕1号
    status: confirmed            # anything else flags every verdict
    require: all                 # or any
    conditions:
      - {id: "1", title: 营业收入, article: 第三条, text: 上年度营业收入不低于5000万元,
         type: figure, field: operating_revenue, year_offset: -1, op: ">=", value: "5000"}
      - {type: ratio, numerator: rd_expense, denominator: operating_revenue, ...}
      - {type: ip_count, class: I, related_only: true, op: ">=", value: 2, ...}
      - {type: qualification, kinds: [高新技术企业], levels: [国家级], ...}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from keqi.rules.batch import I8, Column, ratio_test, threshold_test, tri_from
from keqi.rules.context import Ctx
from keqi.rules.facts import AMOUNT_FIELDS, COUNT_FIELDS, FIELD_LABELS, EnterpriseFacts
from keqi.rules.model import (
    Citation,
    Condition,
    ConditionResult,
    Gap,
    Programme,
    ProgrammeResult,
    ProgrammeVersion,
)
from keqi.rules.numbers import (
    OPS,
    Threshold,
    Tri,
    all_of,
    any_of,
    fmt_number,
    fmt_percent,
    parse_exact,
    tri,
)
from keqi.rules.programmes import common, gaps
from keqi.rules.programmes import composed_blocks as blocks

BUILTIN = ("tech_sme", "high_tech", "tj_chuying", "innovative_sme", "zjtx_sme")
FIGURES = (*COUNT_FIELDS, *AMOUNT_FIELDS, "conversions")
TYPES = (
    "figure",
    "ratio",
    "ip_count",
    "qualification",
    "growth",
    "cagr",
    "average",
    "age",
    "compare",
    "any_k",
    "credit",
)
#: Blocks whose threshold is a rate (written "20%" or "0.2").
RATE_TYPES = ("ratio", "growth", "cagr")
LEVELS = ("国家级", "省级（市级）", "区级")
Check = Callable[[EnterpriseFacts, Ctx], ConditionResult]


class ComposeError(ValueError):
    """A definition that cannot be built; the message lists every problem."""


def _need(raw: Mapping[str, Any], name: str, where: str, errors: list[str]) -> Any:
    if raw.get(name) in (None, ""):
        errors.append(f"{where}：缺少“{name}”")
    return raw.get(name)


def _threshold(
    raw: Mapping[str, Any], where: str, errors: list[str]
) -> Threshold | None:
    op, value = raw.get("op"), raw.get("value")
    if op not in OPS:
        errors.append(f"{where}：运算符“{op}”不可用，应为 {'、'.join(OPS)} 之一")
        return None
    try:
        return Threshold(op, parse_exact(str(value)))
    except (ValueError, TypeError):
        errors.append(f"{where}：阈值“{value}”不是数值")
        return None


def _field(raw: Mapping[str, Any], name: str, where: str, errors: list[str]) -> str:
    value = str(raw.get(name, ""))
    if value not in FIGURES:
        errors.append(f"{where}：字段“{value}”不存在，可用：{'、'.join(FIGURES)}")
    return value


def _figure_check(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Check:
    name, offset = str(raw["field"]), int(raw.get("year_offset", -1))
    unit = "人" if name in COUNT_FIELDS else "项" if name == "conversions" else "万元"

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        year = ctx.as_of.year + offset
        value = facts.figure(year, name)
        label = f"{year}年度{FIELD_LABELS[name]}"
        if value is None:
            return common.result_of(
                spec, Tri.UNKNOWN, "未知", limit.text(unit), f"缺少{label}", [label]
            )
        return common.result_of(
            spec,
            tri(limit.test(value)),
            f"{fmt_number(value)}{unit}",
            limit.text(unit),
            f"{label}{fmt_number(value)}{unit}",
        )

    return check


def _ratio_check(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Check:
    num, den = str(raw["numerator"]), str(raw["denominator"])
    offset = int(raw.get("year_offset", -1))

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        year = ctx.as_of.year + offset
        a, b = facts.figure(year, num), facts.figure(year, den)
        label = f"{year}年度{FIELD_LABELS[num]}占{FIELD_LABELS[den]}比例"
        if a is None or b is None:
            return common.result_of(
                spec,
                Tri.UNKNOWN,
                "未知",
                limit.text(percent=True),
                f"缺少{label}所需数据",
                [label],
            )
        ok = bool(limit.test_ratio(a, b))
        value = fmt_percent(Decimal(a) / Decimal(b)) if b > 0 else "无法计算"
        return common.result_of(
            spec, tri(ok), value, limit.text(percent=True), f"{label}{value}"
        )

    return check


def _ip_check(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> Check:
    cls, related = str(raw.get("class", "any")), bool(raw.get("related_only", False))

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        c = common.ip_counts(facts, ctx)
        if related:
            low = {"I": c.class_i_sure, "II": c.class_ii_sure}.get(
                cls, c.class_i_sure + c.class_ii_sure
            )
            high = {"I": c.class_i_max, "II": c.class_ii_max}.get(
                cls, c.class_i_max + c.class_ii_max
            )
        else:
            low = high = {"I": c.class_i_all, "II": c.class_ii_all}.get(
                cls, c.any_valid
            )
        status = (
            Tri.MET
            if limit.test(low)
            else Tri.NOT_MET
            if not limit.test(high)
            else Tri.UNKNOWN
        )
        return common.result_of(
            spec,
            status,
            f"{low}项",
            limit.text("项"),
            f"有效知识产权（{cls}类）{low}项",
        )

    return check


def _qualification_check(spec: Condition, raw: Mapping[str, Any]) -> Check:
    kinds = tuple(str(k) for k in raw.get("kinds", ()))
    levels = tuple(str(v) for v in raw["levels"]) if raw.get("levels") else None

    def check(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
        status = common.held_any(
            facts, kinds, ctx.as_of, levels, 3 if "高新技术企业" in kinds else None
        )
        return common.result_of(
            spec,
            status,
            status.label,
            "持有" + "、".join(kinds),
            f"{'、'.join(kinds)}：{status.label}",
        )

    return check


def _block(
    raw: Mapping[str, Any], where: str, doc: str, errors: list[str]
) -> blocks.Block | None:
    """One building block from its definition (problems go to ``errors``)."""
    kind = raw.get("type")
    if kind not in TYPES:
        errors.append(f"{where}：类型“{kind}”不可用，应为 {'、'.join(TYPES)} 之一")
        return None
    cid = str(raw.get("id", where))
    title = _need(raw, "title", where, errors)
    spec = Condition(
        cid,
        str(title),
        Citation(doc, str(raw.get("article", "")), str(raw.get("text", title))),
    )
    before = len(errors)
    if kind == "qualification":
        bad = [v for v in raw.get("levels") or () if v not in LEVELS]
        if not raw.get("kinds") or bad:
            errors.append(
                f"{where}：须列出资质类型（kinds），级别只能是 {'、'.join(LEVELS)}"
            )
        check = _qualification_check(spec, raw)
        return _finish(spec, check, _qualification_gaps(spec, raw), errors, before)
    if kind == "credit":
        if not raw.get("kinds"):
            errors.append(f"{where}：须列出信用记录类型（kinds）")
        _positive(raw, "years", where, errors, default=2)
        if len(errors) > before:
            return None
        return blocks.credit_block(spec, raw)
    if kind == "any_k":
        return _any_k(spec, raw, where, doc, errors)
    limit = _threshold(raw, where, errors)
    if kind in ("figure", "growth", "cagr", "average", "compare"):
        _field(raw, "field", where, errors)
    if kind == "ratio":
        _field(raw, "numerator", where, errors)
        _field(raw, "denominator", where, errors)
    if kind in ("cagr", "average"):
        _positive(raw, "years", where, errors)
    if kind == "ip_count" and raw.get("class", "any") not in ("I", "II", "any"):
        errors.append(f"{where}：知识产权类别应为 I、II 或 any")
    if kind == "cagr" and limit is not None and limit.value <= -1:
        errors.append(f"{where}：复合增长率须大于-100%")
    if limit is None or len(errors) > before:
        return None
    try:
        return _numeric(kind, spec, raw, limit)
    except ValueError as exc:
        errors.append(f"{where}：{exc}")
        return None


def _numeric(
    kind: str, spec: Condition, raw: Mapping[str, Any], limit: Threshold
) -> blocks.Block:
    if kind == "figure":
        return _figure_block(spec, raw, limit)
    if kind == "ratio":
        return _ratio_block(spec, raw, limit)
    if kind == "ip_count":
        build, run = blocks.coded(_ip_check(spec, raw, limit))
        return blocks.Block(
            spec, _ip_check(spec, raw, limit), _ip_gaps(spec, raw, limit), build, run
        )
    maker = {
        "growth": blocks.growth_block,
        "cagr": blocks.cagr_block,
        "average": blocks.average_block,
        "age": blocks.age_block,
        "compare": blocks.compare_block,
    }[kind]
    return maker(spec, raw, limit)


def _finish(
    spec: Condition,
    check: Check,
    found_gaps: blocks.Gaps,
    errors: list[str],
    before: int,
) -> blocks.Block | None:
    if len(errors) > before:
        return None
    build, run = blocks.coded(check)
    return blocks.Block(spec, check, found_gaps, build, run)


def _positive(
    raw: Mapping[str, Any],
    name: str,
    where: str,
    errors: list[str],
    default: int | None = None,
) -> None:
    value = raw.get(name, default)
    try:
        ok = int(str(value)) >= 1
    except ValueError:
        ok = False
    if not ok:
        errors.append(f"{where}：“{name}”应为不小于1的整数年数")


def _any_k(
    spec: Condition,
    raw: Mapping[str, Any],
    where: str,
    doc: str,
    errors: list[str],
) -> blocks.Block | None:
    items = raw.get("conditions") or []
    try:
        k = int(str(raw.get("k", 1)))
    except ValueError:
        k = 0
    if not items:
        errors.append(f"{where}：“任k项”须列出其中的条件（conditions）")
    elif not 1 <= k <= len(items):
        errors.append(f"{where}：k 应为1到{len(items)}之间的整数")
    children = [_block(c, f"{where}之{i}", doc, errors) for i, c in enumerate(items, 1)]
    if errors:
        return None
    return blocks.any_k_block(spec, k, [c for c in children if c is not None])


def _figure_block(
    spec: Condition, raw: Mapping[str, Any], limit: Threshold
) -> blocks.Block:
    name, offset = str(raw["field"]), int(raw.get("year_offset", -1))
    unit = blocks.unit_of(name)
    check = _figure_check(spec, raw, limit)

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        year = ctx.as_of.year + offset
        value = facts.figure(year, name)
        if value is None or limit.test(value):
            return []
        label = blocks.label(year, name)
        return [gaps.figure_gap(spec.id, label, name, value, limit, unit)]

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        return {"v": blocks.column_of(rows, ctx.as_of.year + offset, name)}

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        col = cols["v"]
        test = threshold_test(col.values, limit, blocks.scale_of(name))
        return tri_from(test, col.known)

    return blocks.Block(spec, check, found_gaps, build, run)


def _ratio_block(
    spec: Condition, raw: Mapping[str, Any], limit: Threshold
) -> blocks.Block:
    num, den = str(raw["numerator"]), str(raw["denominator"])
    offset = int(raw.get("year_offset", -1))
    check = _ratio_check(spec, raw, limit)
    # a/b op t  ⇔  (a·sa)/(b·sb) op t·sa/sb on the scaled columns
    scaled_limit = Threshold(
        limit.op, limit.value * blocks.scale_of(num) / blocks.scale_of(den)
    )

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        year = ctx.as_of.year + offset
        a, b = facts.figure(year, num), facts.figure(year, den)
        if a is None or b is None or b <= 0:
            return []
        d = gaps.ratio_shortfall(a, b, 1, 0, limit)
        if not d:
            return []
        unit = blocks.unit_of(num)
        if unit != "万元":
            d = Fraction(-(-d.numerator // d.denominator))
        shown = fmt_number(d)
        text = (
            f"{blocks.label(year, num)}还差{shown}{unit}（占{FIELD_LABELS[den]}比例须"
            f"{limit.text(percent=True)}，{FIELD_LABELS[den]}不变）"
        )
        return [Gap(spec.id, text, num, shown, unit)]

    def build(rows: Sequence[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
        year = ctx.as_of.year + offset
        return {
            "n": blocks.column_of(rows, year, num),
            "d": blocks.column_of(rows, year, den),
        }

    def run(cols: Mapping[str, Column], ctx: Ctx) -> I8:
        n, d = cols["n"], cols["d"]
        test = ratio_test(n.values, d.values, scaled_limit)
        return tri_from(test, n.known & d.known)

    return blocks.Block(spec, check, found_gaps, build, run)


def _ip_gaps(spec: Condition, raw: Mapping[str, Any], limit: Threshold) -> blocks.Gaps:
    cls, related = str(raw.get("class", "any")), bool(raw.get("related_only", False))
    words = {"I": "Ⅰ类", "II": "Ⅱ类"}.get(cls, "")

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        result = _ip_check(spec, raw, limit)(facts, ctx)
        if result.status is not Tri.NOT_MET or limit.op not in (">=", ">"):
            return []
        have = int(result.value.removesuffix("项"))
        more = int(gaps.threshold_shortfall(have, limit, gaps.ONE))
        scope = "与主要产品相关的" if related else ""
        text = f"再需{more}项有效{scope}{words}知识产权（现{have}项，须{limit.text('项')}）"
        return [Gap(spec.id, text, "ip", str(more), "项")]

    return found_gaps


def _qualification_gaps(spec: Condition, raw: Mapping[str, Any]) -> blocks.Gaps:
    kinds = "或".join(str(k) for k in raw.get("kinds", ()))
    levels = "、".join(str(v) for v in raw.get("levels") or ())

    def found_gaps(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
        scope = f"（{levels}）" if levels else ""
        return [Gap(spec.id, f"须取得有效期内的{kinds}{scope}", "qualifications")]

    return found_gaps


def build_version(raw: Mapping[str, Any]) -> tuple[str, str, ProgrammeVersion]:
    """Validate one definition; return (key, name, version) or raise ComposeError."""
    errors: list[str] = []
    key = str(raw.get("key", ""))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        errors.append(f"项目代码“{key}”应为小写字母、数字和下划线")
    if key in BUILTIN:
        errors.append(f"项目代码“{key}”是内置项目，不能用组合方式覆盖")
    for name in ("name", "version", "document", "effective_from"):
        _need(raw, name, "项目", errors)
    try:
        start = date.fromisoformat(str(raw.get("effective_from")))
    except ValueError:
        errors.append(f"项目：生效日期“{raw.get('effective_from')}”不是日期")
        start = date.min
    conds = raw.get("conditions") or []
    if not conds:
        errors.append("项目：至少需要一个条件")
    if raw.get("require", "all") not in ("all", "any"):
        errors.append("项目：require 应为 all 或 any")
    built = [
        _block(c, f"条件{i}", str(raw.get("document")), errors)
        for i, c in enumerate(conds, 1)
    ]
    if errors:
        raise ComposeError("；".join(errors))
    found = [b for b in built if b is not None]
    evaluate = _evaluator(raw, key, found)
    version = ProgrammeVersion(
        str(raw["version"]),
        str(raw["document"]),
        str(raw.get("title", raw["name"])),
        start,
        tuple(b.spec for b in found),
        evaluate,
        "总部组合定义",
    )
    return key, str(raw["name"]), version


def version_blocks(raw: Mapping[str, Any]) -> list[blocks.Block]:
    """The building blocks of one (valid) definition, for the columnar path."""
    errors: list[str] = []
    built = [
        _block(c, f"条件{i}", str(raw.get("document")), errors)
        for i, c in enumerate(raw.get("conditions") or [], 1)
    ]
    if errors:
        raise ComposeError("；".join(errors))
    return [b for b in built if b is not None]


def _evaluator(
    raw: Mapping[str, Any], key: str, found: list[blocks.Block]
) -> Callable[[EnterpriseFacts, Ctx], ProgrammeResult]:
    name, version, doc = str(raw["name"]), str(raw["version"]), str(raw["document"])
    confirmed = raw.get("status") == "confirmed"
    require_all = raw.get("require", "all") == "all"
    combine = all_of if require_all else any_of

    def evaluate(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
        conds = tuple(b.check(facts, ctx) for b in found)
        status = combine(c.status for c in conds)
        found_gaps: list[Gap] = []
        if status is not Tri.MET:
            for block, cond in zip(found, conds, strict=True):
                if cond.status is Tri.MET:
                    continue
                more = block.gaps(facts, ctx)
                if not require_all:
                    more = [
                        Gap(g.condition_id, "或" + g.text, g.field, g.amount, g.unit)
                        for g in more
                    ]
                found_gaps += more
        flags = ctx.flags() + (() if confirmed else (f"{key}@{version}",))
        result = ProgrammeResult(
            programme=key,
            name=name,
            version=version,
            document=doc,
            outcome=common.outcome_of(status),
            route=None,
            score_low=None,
            score_high=None,
            conditions=conds,
            gaps=tuple(found_gaps),
            missing=common.collect_missing(conds),
            flags=flags,
            overridden=ctx.overridden(),
        )
        return replace(result, explanation=common.explain(result))

    return evaluate


def compose_programmes(definitions: Iterable[Mapping[str, Any]]) -> list[Programme]:
    """Programmes from definitions; several dated versions may share a key."""
    grouped: dict[str, tuple[str, list[ProgrammeVersion]]] = {}
    for raw in definitions:
        key, name, version = build_version(raw)
        grouped.setdefault(key, (name, []))[1].append(version)
    out = []
    for key, (name, versions) in grouped.items():
        versions.sort(key=lambda v: v.effective_from)
        dates = [v.effective_from for v in versions]
        if len(set(dates)) != len(dates):
            raise ComposeError(f"项目“{key}”有两个版本的生效日期相同")
        out.append(Programme(key, name, tuple(versions)))
    return out
