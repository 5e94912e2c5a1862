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
from keqi.rules.params import STATUS_LABELS, ParamError, ParamSet, default_params


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


def flagged_parameters(
    results: Iterable[EnterpriseResult], as_of: date, params: ParamSet | None = None
) -> list[dict[str, str]]:
    """Every unconfirmed parameter some verdict used, with title, status and source.

    A composed programme not marked confirmed flags itself as ``key@version``;
    it is listed as such.
    """
    ids = dict.fromkeys(
        flag for r in results for p in r.programmes.values() for flag in p.flags
    )
    return parameters_described(ids, as_of, params)


def parameters_described(
    ids: Iterable[str], as_of: date, params: ParamSet | None = None
) -> list[dict[str, str]]:
    """The flagged parameters ``ids`` (in that order) with title, status and source;
    for callers that collect the flags as results stream past."""
    params = params or default_params()
    out = []
    for pid in ids:
        try:
            param = params.parameter(pid)
        except ParamError:
            out.append(
                {
                    "id": pid,
                    "title": "总部组合定义的项目（未标为已确认）",
                    "status": "unconfirmed",
                    "status_label": STATUS_LABELS["unconfirmed"],
                    "citation": "",
                }
            )
            continue
        status = param.status_on(as_of)
        out.append(
            {
                "id": pid,
                "title": param.title,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "citation": param.citation.full(),
            }
        )
    return out


def report_to_dict(
    results: Iterable[EnterpriseResult], as_of: date, params: ParamSet | None = None
) -> dict[str, Any]:
    """The whole ``keqi evaluate --format json`` document.

    ``unconfirmed_parameters`` lists every flagged parameter the verdicts used
    (added to the contract; nothing renamed).
    """
    listed = list(results)
    return {
        "as_of": as_of.isoformat(),
        "rules_version": RULES_VERSION,
        "unconfirmed_parameters": flagged_parameters(listed, as_of, params),
        "results": [result_to_dict(r) for r in listed],
    }


def report_to_json(
    results: Iterable[EnterpriseResult], as_of: date, params: ParamSet | None = None
) -> str:
    """:func:`report_to_dict` as indented UTF-8 JSON text."""
    return json.dumps(
        report_to_dict(results, as_of, params), ensure_ascii=False, indent=2
    )


def report_header(
    results: Iterable[EnterpriseResult], as_of: date, params: ParamSet | None = None
) -> list[tuple[str, str]]:
    """Provenance lines for every output format: date, rules version, flags."""
    flagged = flagged_parameters(results, as_of, params)
    lines = [
        ("评价基准日", as_of.isoformat()),
        ("规则版本", RULES_VERSION),
        ("未核实或单一来源的参数", f"{len(flagged)} 项" if flagged else "无"),
    ]
    lines += [
        (
            f"  {f['id']}",
            f"{f['title']}（{f['status_label']}）"
            + (f"；依据：{f['citation']}" if f["citation"] else ""),
        )
        for f in flagged
    ]
    return lines


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
