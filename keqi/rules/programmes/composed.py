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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from keqi.rules.context import Ctx
from keqi.rules.facts import AMOUNT_FIELDS, COUNT_FIELDS, FIELD_LABELS, EnterpriseFacts
from keqi.rules.model import (
    Citation,
    Condition,
    ConditionResult,
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
from keqi.rules.programmes import common

BUILTIN = ("tech_sme", "high_tech", "tj_chuying", "innovative_sme", "zjtx_sme")
FIGURES = (*COUNT_FIELDS, *AMOUNT_FIELDS, "conversions")
TYPES = ("figure", "ratio", "ip_count", "qualification")
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


def _condition(
    raw: Mapping[str, Any], index: int, doc: str, errors: list[str]
) -> tuple[Condition, Check] | None:
    where = f"条件{index}"
    kind = raw.get("type")
    if kind not in TYPES:
        errors.append(f"{where}：类型“{kind}”不可用，应为 {'、'.join(TYPES)} 之一")
        return None
    cid = str(raw.get("id", index))
    title = _need(raw, "title", where, errors)
    spec = Condition(
        cid,
        str(title),
        Citation(doc, str(raw.get("article", "")), str(raw.get("text", title))),
    )
    if kind == "qualification":
        bad = [v for v in raw.get("levels") or () if v not in LEVELS]
        if not raw.get("kinds") or bad:
            errors.append(
                f"{where}：须列出资质类型（kinds），级别只能是 {'、'.join(LEVELS)}"
            )
        return spec, _qualification_check(spec, raw)
    limit = _threshold(raw, where, errors)
    if kind == "figure":
        _field(raw, "field", where, errors)
    elif kind == "ratio":
        _field(raw, "numerator", where, errors)
        _field(raw, "denominator", where, errors)
    elif raw.get("class", "any") not in ("I", "II", "any"):
        errors.append(f"{where}：知识产权类别应为 I、II 或 any")
    if limit is None or errors:
        return None
    build = {"figure": _figure_check, "ratio": _ratio_check, "ip_count": _ip_check}[
        kind
    ]
    return spec, build(spec, raw, limit)


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
        _condition(c, i, str(raw.get("document")), errors)
        for i, c in enumerate(conds, 1)
    ]
    if errors:
        raise ComposeError("；".join(errors))
    pairs = [b for b in built if b is not None]
    evaluate = _evaluator(raw, key, [c for _, c in pairs])
    version = ProgrammeVersion(
        str(raw["version"]),
        str(raw["document"]),
        str(raw.get("title", raw["name"])),
        start,
        tuple(s for s, _ in pairs),
        evaluate,
        "总部组合定义",
    )
    return key, str(raw["name"]), version


def _evaluator(
    raw: Mapping[str, Any], key: str, checks: list[Check]
) -> Callable[[EnterpriseFacts, Ctx], ProgrammeResult]:
    name, version, doc = str(raw["name"]), str(raw["version"]), str(raw["document"])
    confirmed = raw.get("status") == "confirmed"
    combine = all_of if raw.get("require", "all") == "all" else any_of

    def evaluate(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
        conds = tuple(check(facts, ctx) for check in checks)
        status = combine(c.status for c in conds)
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
