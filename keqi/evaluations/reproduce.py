"""Re-evaluating a stored verdict from what was stored, and showing what it used.

Reproduction reads nothing from the registry: the facts come from the verdict's
stored input text and the engine setup from the run's snapshot.  The new verdict
text must equal the stored one byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from keqi.criteria.engine import engine_setup_from_snapshot
from keqi.criteria.values import display_of
from keqi.evaluations.models import StoredVerdict
from keqi.rules import (
    RULES_VERSION,
    EnterpriseFacts,
    ParamSet,
    ProgrammeResult,
    evaluate_programme,
    programme_table,
)
from keqi.rules.facts import FIELD_LABELS, FIELD_UNITS, YearFigures
from keqi.rules.params import STATUS_LABELS, ParamError
from keqi.rules.stored import facts_from_json, verdict_json


@dataclass(frozen=True)
class ParamUsed:
    """One parameter a verdict's conditions used, as in force on the run's date."""

    id: str
    title: str
    value: str
    status: str
    overridden: bool
    citation: str


@dataclass(frozen=True)
class Reproduction:
    """The stored verdict re-evaluated: the new text and whether it matches."""

    facts: EnterpriseFacts
    result: ProgrammeResult | None
    text: str
    matches: bool
    problem: str = ""
    params: list[ParamUsed] = field(default_factory=list)


def verdict_reproduce(verdict: StoredVerdict) -> Reproduction:
    """Rebuild facts and setup from the stored snapshots and evaluate again."""
    run = verdict.run
    facts = facts_from_json(verdict.entry.facts)
    if run.rules_version != RULES_VERSION:
        problem = (
            f"该结论按规则版本 {run.rules_version} 得出，当前程序为 {RULES_VERSION}，"
            "无法按原规则重算"
        )
        return Reproduction(facts, None, "", False, problem)
    setup = engine_setup_from_snapshot(run.setup)
    programme = programme_table(setup.extra).get(verdict.programme)
    if programme is None:
        problem = f"当前规则中没有项目 {verdict.programme}，无法重算"
        return Reproduction(facts, None, "", False, problem)
    result = evaluate_programme(
        facts,
        programme,
        as_of=run.as_of,
        params=setup.params,
        version=verdict.version,
    )
    text = "" if result is None else verdict_json(result)
    used = params_used(result, setup.params, run.as_of) if result else []
    return Reproduction(facts, result, text, text == verdict.result, "", used)


def params_used(
    result: ProgrammeResult, params: ParamSet, as_of: Any
) -> list[ParamUsed]:
    """Every parameter the verdict's conditions name, in order of first use."""
    ids = dict.fromkeys(pid for c in result.conditions for pid in c.params)
    ids |= dict.fromkeys(result.flags)
    rows = []
    for pid in ids:
        if pid not in params:
            continue
        param = params.parameter(pid)
        try:
            raw = param.version_for(as_of).raw
        except ParamError:
            continue
        rows.append(
            ParamUsed(
                pid,
                param.title,
                display_of(param.type, raw, _title_in(params)).replace("\n", "；"),
                STATUS_LABELS.get(param.status, param.status),
                param.overridden,
                param.citation.short(),
            )
        )
    return rows


def _title_in(params: ParamSet) -> Any:
    """A referenced parameter's title, for values that say 同“…”."""
    return lambda pid: params.parameter(pid).title if pid in params else None


@dataclass(frozen=True)
class FigureRow:
    """One figure across the stored years (blank = unknown)."""

    label: str
    unit: str
    values: list[str]


def figure_table(facts: EnterpriseFacts) -> tuple[list[int], list[FigureRow]]:
    """The stored yearly figures: years ascending, rows with at least one value."""
    years = sorted(facts.years)
    rows = []
    for name in YearFigures.__dataclass_fields__:
        values = [facts.figure(y, name) for y in years]
        if any(v is not None for v in values):
            rows.append(
                FigureRow(
                    FIELD_LABELS.get(name, name),
                    FIELD_UNITS.get(name, ""),
                    [_plain_number(v) for v in values],
                )
            )
    return years, rows


def _plain_number(value: int | Decimal | None) -> str:
    """12.500000 as 12.5 (the same amount; the registry keeps six places)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def stored_result(verdict: StoredVerdict) -> dict[str, Any]:
    """The stored verdict text as a dict (for the condition table)."""
    parsed: dict[str, Any] = json.loads(verdict.result)
    return parsed
