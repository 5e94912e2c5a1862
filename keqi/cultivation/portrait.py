"""Enterprise portrait (企业画像): tier, every programme's verdict, and what-if.

The what-if form changes a few figures of one data year in memory and shows how
the verdicts change; nothing is written to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keqi.core.numbers import parse_date, parse_decimal, parse_integer
from keqi.core.query import whole_number
from keqi.criteria.composable import composed_notices
from keqi.criteria.engine import engine_setup
from keqi.cultivation.selectors import enterprise_ladder
from keqi.cultivation.verdict_words import VerdictBrief, verdict_brief
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise, IPCategory, QualificationKind
from keqi.rules import (
    EnterpriseResult,
    IPItem,
    ParamSet,
    ProgrammeResult,
    QualificationFact,
    Tier,
    evaluate,
    evaluate_what_if,
    tier_of,
)
from keqi.rules.serialize import programme_to_dict

#: Figures the what-if form may change: field, Chinese label, whole number?
WHATIF_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("rd_expense", "研发费用（万元）", False),
    ("sales_revenue", "销售收入（万元）", False),
    ("staff_total", "职工总数（人）", True),
    ("tech_staff", "科技人员数（人）", True),
)


@dataclass(frozen=True)
class WhatIfInput:
    """The parsed what-if form: data year, changes for the engine, errors."""

    year: int
    values: dict[str, str] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Portrait:
    """Everything the portrait page shows about one enterprise on one day."""

    enterprise: Enterprise
    day: dt.date
    result: EnterpriseResult
    tier: Tier
    flags: Mapping[str, str]
    before: EnterpriseResult | None = None
    changed: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: Programmes HQ composes that have no verdict on the day, and why.
    notices: tuple[str, ...] = ()


#: Beyond the figures: new IP, a new qualification, no credit records.
IP_CATEGORIES = tuple(value for value, _ in IPCategory.choices)
QUALIFICATION_KINDS = tuple(value for value, _ in QualificationKind.choices)
MAX_NEW_IP = 100


def what_if_input(
    data: Mapping[str, str], default_year: int, day: dt.date | None = None
) -> WhatIfInput:
    """Read the what-if form; blank fields are left unchanged. Errors in Chinese.

    Besides one year's figures it may add IP (a category and a count, developed
    in-house for the main products and granted on the evaluation day), add a
    qualification (a kind and its grant date) and drop
    every credit record."""
    errors: list[str] = []
    raw_year = (data.get("year") or "").strip()
    year = default_year
    if raw_year:
        typed_year = whole_number(raw_year, digits=4)
        if typed_year is not None and 1990 <= typed_year <= 2100:
            year = typed_year
        else:
            errors.append(f"数据年度：“{raw_year}”不是有效的年份")
    values: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for name, label, whole in WHATIF_FIELDS:
        raw = (data.get(name) or "").strip()
        values[name] = raw
        try:
            number = parse_integer(raw) if whole else parse_decimal(raw)
        except ValueError as exc:
            errors.append(f"{label}：{exc}")
            continue
        if number is not None and number < 0:
            errors.append(f"{label}：不能为负数")
        elif number is not None:
            changes[f"{year}.{name}"] = number
    day = day or dt.date(default_year + 1, 12, 31)
    _ip_input(data, day, values, changes, errors)
    _qualification_input(data, day, values, changes, errors)
    if data.get("clear_credit"):
        values["clear_credit"] = "1"
        changes["remove_credit"] = "全部"
    return WhatIfInput(year, values, changes, errors)


def _ip_input(
    data: Mapping[str, str],
    day: dt.date,
    values: dict[str, str],
    changes: dict[str, Any],
    errors: list[str],
) -> None:
    category = (data.get("ip_category") or "").strip()
    raw = (data.get("ip_count") or "").strip()
    values.update(ip_category=category, ip_count=raw)
    if not raw:
        return
    try:
        count = parse_integer(raw)
    except ValueError as exc:
        errors.append(f"新增知识产权数量：{exc}")
        return
    if category not in IP_CATEGORIES:
        errors.append("新增知识产权：请选择类别")
    elif count is None or not 1 <= count <= MAX_NEW_IP:
        errors.append(f"新增知识产权数量：应为 1 至 {MAX_NEW_IP} 项")
    else:
        changes["add_ip"] = [
            IPItem(
                number=f"假设{category}{n}",
                category=category,
                granted_on=day,
                acquisition="自主研发",
                related_to_main=True,
            )
            for n in range(1, count + 1)
        ]


def _qualification_input(
    data: Mapping[str, str],
    day: dt.date,
    values: dict[str, str],
    changes: dict[str, Any],
    errors: list[str],
) -> None:
    kind = (data.get("qualification_kind") or "").strip()
    raw = (data.get("qualification_on") or "").strip()
    values.update(qualification_kind=kind, qualification_on=raw)
    if not kind:
        return
    if kind not in QUALIFICATION_KINDS:
        errors.append(f"新增资质荣誉：“{kind}”不是可选的类型")
        return
    try:
        granted = parse_date(raw) or day
    except ValueError as exc:
        errors.append(f"新增资质荣誉的取得日期：{exc}")
        return
    changes["add_qualifications"] = [QualificationFact(kind=kind, granted_on=granted)]


def flag_texts(
    result: EnterpriseResult, params: ParamSet, day: dt.date
) -> dict[str, str]:
    """Per programme, "使用了待核实参数：…" naming the unconfirmed parameters used."""
    out: dict[str, str] = {}
    for key, verdict in result.programmes.items():
        titles = [_param_title(params, pid) for pid in verdict.flags]
        if titles:
            out[key] = "使用了待核实参数：" + "、".join(dict.fromkeys(titles))
    return out


def _param_title(params: ParamSet, pid: str) -> str:
    if pid not in params:
        return pid
    return params.parameter(pid).title


def portrait_for(
    enterprise: Enterprise, day: dt.date, changes: Mapping[str, Any] | None = None
) -> Portrait:
    """The portrait as of `day` under the rules in force (HQ's edits and composed
    programmes included); with `changes`, the verdicts after them (unsaved)."""
    setup = engine_setup()
    params, extra = setup.params, setup.extra
    ladder = enterprise_ladder(enterprise)[0]
    facts = facts_for(enterprise)
    if changes:
        what = evaluate_what_if(facts, changes, as_of=day, params=params, extra=extra)
        result, before, changed = what.after, what.before, what.changed
    else:
        result = evaluate(facts, as_of=day, params=params, extra=extra, ladder=ladder)
        before, changed = None, {}
    tier = tier_of(facts, day, order=ladder, results=result.programmes)
    flags = flag_texts(result, params, day)
    notices = tuple(composed_notices(setup, day))
    return Portrait(enterprise, day, result, tier, flags, before, changed, notices)


def score_text(verdict: ProgrammeResult) -> str:
    """The score, or its range when some inputs are unknown; — when not scored."""
    if verdict.score_low is None:
        return "—"
    if verdict.score_low == verdict.score_high:
        return str(verdict.score_low)
    return f"{verdict.score_low}–{verdict.score_high}"


@dataclass(frozen=True)
class VerdictRow:
    """One programme's verdict as the page shows it."""

    verdict: ProgrammeResult
    score: str
    flag: str
    before: VerdictBrief | None
    changed: bool


def verdict_rows(portrait: Portrait) -> list[VerdictRow]:
    """Every programme's verdict, with the outcome before the what-if when asked."""
    rows = []
    for key, verdict in portrait.result.programmes.items():
        old = portrait.before.programmes.get(key) if portrait.before else None
        rows.append(
            VerdictRow(
                verdict,
                score_text(verdict),
                portrait.flags.get(key, ""),
                verdict_brief(programme_to_dict(old)) if old else None,
                key in portrait.changed,
            )
        )
    return rows
