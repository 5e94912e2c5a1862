"""Re-evaluating a stored verdict from what was stored, and showing what it used.

Reproduction reads nothing from the registry: the facts come from the verdict's
stored input text and the engine setup from the run's snapshot.  The new verdict
text must equal the stored one byte for byte, or, for a verdict stored as codes,
say what the codes say.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from keqi.criteria.values import display_of
from keqi.evaluations.models import StoredVerdict
from keqi.evaluations.texts import (
    codes_match,
    reason_unavailable,
    run_setup,
    verdict_evaluate,
)
from keqi.rules import EnterpriseFacts, ParamSet, ProgrammeResult
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
    #: The verdict was stored as codes; ``text`` is its text.
    compact: bool = False


def verdict_reproduce(verdict: StoredVerdict) -> Reproduction:
    """Rebuild facts and setup from the stored snapshots and evaluate again.

    A verdict stored with its text matches when the new text is the same byte
    for byte; one stored as the columnar engine's codes when the new verdict
    says what the codes say (outcome, route, score, every condition status,
    programme version and flags) -- its text is this re-evaluation."""
    run = verdict.run
    facts = facts_from_json(verdict.entry.facts)
    problem = reason_unavailable(verdict)
    if problem:
        return Reproduction(
            facts, None, "", False, problem, compact=verdict.stored_as_codes
        )
    result = verdict_evaluate(verdict)
    text = "" if result is None else verdict_json(result)
    used = params_used(result, run_setup(run).params, run.as_of) if result else []
    if verdict.stored_as_codes:
        matches = result is not None and codes_match(verdict, result)
    else:
        matches = text == verdict.result
    return Reproduction(facts, result, text, matches, "", used, verdict.stored_as_codes)


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


def stored_result(
    verdict: StoredVerdict, again: Reproduction | None = None
) -> dict[str, Any]:
    """The stored verdict text as a dict (for the condition table); for one
    stored as codes, the text ``again`` produced (when given)."""
    text = again.text if again and again.compact and again.text else verdict.result
    parsed: dict[str, Any] = json.loads(text)
    return parsed
