"""JSON output of ``keqi evaluate`` (contract in the workbook format note).

Numbers are strings of exact decimals; a score with open judgements is
``null`` with ``score_range`` ``[low, high]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from keqi.rules.evaluate import RULES_VERSION
from keqi.rules.model import ConditionResult, EnterpriseResult, Gap, ProgrammeResult


def condition_to_dict(cond: ConditionResult) -> dict[str, Any]:
    """One condition: id, status, value, threshold, citation (and more)."""
    return {
        "id": cond.id,
        "title": cond.title,
        "status": cond.status.value,
        "value": cond.value,
        "threshold": cond.threshold,
        "citation": cond.citation.full(),
        "reason": cond.reason,
        "missing": list(cond.missing),
    }


def gap_to_dict(gap: Gap) -> dict[str, Any]:
    """One gap in the user's units."""
    return {
        "condition": gap.condition_id,
        "text": gap.text,
        "field": gap.field,
        "amount": gap.amount,
        "unit": gap.unit,
    }


def programme_to_dict(result: ProgrammeResult) -> dict[str, Any]:
    """One programme verdict."""
    score = None if result.score is None else str(result.score)
    span = None
    if result.score_low is not None and result.score_high is not None:
        span = [str(result.score_low), str(result.score_high)]
    return {
        "outcome": result.outcome.value,
        "route": result.route,
        "score": score,
        "score_range": span,
        "version": result.version,
        "document": result.document,
        "data_year": result.data_year,
        "conditions": [condition_to_dict(c) for c in result.conditions],
        "score_items": [
            {
                "id": i.id,
                "title": i.title,
                "low": str(i.low),
                "high": str(i.high),
                "band": i.band,
                "reason": i.reason,
                "citation": i.citation.full(),
            }
            for i in result.score_items
        ],
        "gaps": [gap_to_dict(g) for g in result.gaps],
        "missing": list(result.missing),
        "open_judgements": list(result.open_judgements),
        "flags": list(result.flags),
        "overridden": list(result.overridden),
        "explanation": result.explanation,
    }


def result_to_dict(result: EnterpriseResult) -> dict[str, Any]:
    """One enterprise with all its programme verdicts."""
    return {
        "uscc": result.uscc,
        "name": result.name,
        "tier": result.tier,
        "tier_gap": list(result.tier_gap),
        "programmes": {k: programme_to_dict(v) for k, v in result.programmes.items()},
    }


def report_to_dict(results: Iterable[EnterpriseResult], as_of: date) -> dict[str, Any]:
    """The whole ``keqi evaluate --format json`` document."""
    return {
        "as_of": as_of.isoformat(),
        "rules_version": RULES_VERSION,
        "results": [result_to_dict(r) for r in results],
    }


def report_to_json(results: Iterable[EnterpriseResult], as_of: date) -> str:
    """:func:`report_to_dict` as indented UTF-8 JSON text."""
    return json.dumps(report_to_dict(results, as_of), ensure_ascii=False, indent=2)


OUTCOME_LABELS = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定"}


def report_rows(results: Iterable[EnterpriseResult]) -> list[dict[str, str]]:
    """One flat row per enterprise and programme (for ``--format table|xlsx``)."""
    rows = []
    for result in results:
        for key, prog in result.programmes.items():
            score = (
                ""
                if prog.score_low is None
                else (
                    str(prog.score)
                    if prog.score is not None
                    else f"{prog.score_low}–{prog.score_high}"
                )
            )
            rows.append(
                {
                    "统一社会信用代码": result.uscc,
                    "企业名称": result.name,
                    "梯度层级": result.tier or "",
                    "项目": key,
                    "项目名称": prog.name,
                    "依据": prog.document,
                    "结论": OUTCOME_LABELS[prog.outcome.value],
                    "途径": {"score": "评分", "direct": "直通"}.get(
                        prog.route or "", ""
                    ),
                    "得分": score,
                    "差距": "；".join(g.text for g in prog.gaps),
                    "缺少数据": "、".join(prog.missing),
                    "待核参数": "、".join(prog.flags),
                }
            )
    return rows
