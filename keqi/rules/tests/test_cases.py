"""YAML cases per programme, each naming its document and article."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from keqi.rules.batch_registry import BATCH_PROGRAMMES
from keqi.rules.evaluate import evaluate_programme, programme_table
from keqi.rules.facts import (
    AMOUNT_FIELDS,
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)
from keqi.rules.model import ProgrammeResult
from keqi.rules.tests.batch_check import assert_batch_equals_scalar
from keqi.rules.whatif import apply_changes

CASES = Path(__file__).parent / "cases"


def _year(raw: dict[str, Any]) -> YearFigures:
    values = {
        k: (Decimal(str(v)) if k in AMOUNT_FIELDS and v is not None else v)
        for k, v in raw.items()
    }
    return YearFigures(**values)


def _ip(rows: list[dict[str, Any]]) -> tuple[IPItem, ...]:
    return tuple(IPItem(**row) for row in rows)


def _quals(rows: list[dict[str, Any]]) -> tuple[QualificationFact, ...]:
    return tuple(QualificationFact(**row) for row in rows)


def build(base: dict[str, Any], case: dict[str, Any]) -> EnterpriseFacts:
    """Facts of one case: the file's base plus the case's changes."""
    fields = {
        k: v for k, v in base.items() if k not in ("years", "ip", "qualifications")
    }
    facts = EnterpriseFacts(
        uscc="91120224MA05CASE00",
        name=case["name"],
        **fields,
        years={int(y): _year(v) for y, v in base.get("years", {}).items()},
        ip=_ip(base.get("ip", [])),
        qualifications=_quals(base.get("qualifications", [])),
    )
    ip = _ip(case.get("ip", []))
    facts = dataclasses.replace(
        facts,
        ip=ip if case.get("replace_ip") else facts.ip + ip,
        qualifications=facts.qualifications + _quals(case.get("qualifications", [])),
        credit_records=tuple(CreditFact(**c) for c in case.get("credit", [])),
    )
    experts = {**facts.expert_points, **case.get("experts", {})}
    facts = dataclasses.replace(
        facts, expert_points={k: v for k, v in experts.items() if v is not None}
    )
    return apply_changes(facts, case.get("set", {}))


def load() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(
                pytest.param(data, case, id=f"{data['programme']}-{case['name']}")
            )
    return out


def check(result: ProgrammeResult, expect: dict[str, Any]) -> None:
    """Compare a result with a case's ``expect`` block."""
    if "outcome" in expect:
        assert result.outcome.value == expect["outcome"], result.explanation
    if "route" in expect:
        assert result.route == expect["route"]
    if "score" in expect:
        assert result.score == expect["score"], result.explanation
    if "score_range" in expect:
        assert [result.score_low, result.score_high] == expect["score_range"]
    for cid, status in expect.get("conditions", {}).items():
        assert result.condition(cid).status.value == status, result.condition(cid)
    assert set(expect.get("missing", [])) <= set(result.missing), result.missing
    assert set(expect.get("open", [])) <= set(result.open_judgements), (
        result.open_judgements
    )
    if "gap_contains" in expect:
        assert any(expect["gap_contains"] in g.text for g in result.gaps), result.gaps
    if "flags" in expect:
        assert list(result.flags) == expect["flags"]
    assert set(expect.get("flags_include", [])) <= set(result.flags)


@pytest.mark.parametrize(("data", "case"), load())
def test_case(data: dict[str, Any], case: dict[str, Any]) -> None:
    assert data["document"] and case["article"], "every case names document and article"
    facts = build(data.get("base", {}), case)
    as_of = (
        case["as_of"]
        if isinstance(case["as_of"], date)
        else date.fromisoformat(case["as_of"])
    )
    programme = programme_table()[data["programme"]]
    result = evaluate_programme(
        facts, programme, as_of=as_of, version=case.get("version")
    )
    assert result is not None
    assert data["document"] in result.document or result.document in data["document"]
    check(result, case["expect"])
    if data["programme"] in BATCH_PROGRAMMES and "version" not in case:
        assert_batch_equals_scalar(data["programme"], [facts], as_of)
