"""A verdict stored as codes, read back in full: its text produced on demand.

A run stores, for every programme with a columnar path, the columnar engine's
codes (outcome, route, score range, one status per condition) and the facts the
engine saw.  The verdict's full text (explanation, conditions with their values
and citations, score items, gaps) is a pure function of those facts, the rules
version and the run's parameters, so it is produced here when a verdict is read:
the per-enterprise engine evaluates the stored facts with the setup rebuilt from
the run's snapshot (never today's parameters).  The text is then checked against
the stored codes (:func:`codes_match`), so a stored verdict can never silently
read differently from what the run decided.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from keqi.criteria.engine import EngineSetup, engine_setup_from_snapshot
from keqi.evaluations.models import (
    EvaluatedEnterprise,
    EvaluationRun,
    Outcome,
    StoredVerdict,
)
from keqi.rules import (
    RULES_VERSION,
    ProgrammeResult,
    evaluate_programme,
    programme_table,
)
from keqi.rules.batch import ROUTE_CODE, TRI_CODE
from keqi.rules.stored import facts_from_json, verdict_json

#: Status digit → the condition status word of the verdict text.
STATUS_WORDS = {"0": "not_met", "1": "unknown", "2": "met"}


@lru_cache(maxsize=8)
def _setup(snapshot: str) -> EngineSetup:
    return engine_setup_from_snapshot(json.loads(snapshot))


def run_setup(run: EvaluationRun) -> EngineSetup:
    """The engine setup the run used, rebuilt from its snapshot (cached by the
    snapshot's text, so a page of verdicts of one run builds it once)."""
    return _setup(json.dumps(run.setup, sort_keys=True, ensure_ascii=False))


def reason_unavailable(verdict: StoredVerdict) -> str:
    """Why the verdict cannot be evaluated again ('' when it can)."""
    run = verdict.run
    if run.rules_version != RULES_VERSION:
        return (
            f"该结论按规则版本 {run.rules_version} 得出，当前程序为 {RULES_VERSION}，"
            "无法按原规则重算"
        )
    if verdict.programme not in programme_table(run_setup(run).extra):
        return f"当前规则中没有项目 {verdict.programme}，无法重算"
    return ""


def verdict_evaluate(verdict: StoredVerdict) -> ProgrammeResult | None:
    """The verdict evaluated again from its stored facts with the run's rules and
    parameters; ``None`` when :func:`reason_unavailable` says why not.  Kept on
    the instance, so a page reads each verdict once."""
    if "_again" in verdict.__dict__:
        found: ProgrammeResult | None = verdict.__dict__["_again"]
        return found
    result = None
    if not reason_unavailable(verdict):
        run = verdict.run
        setup = run_setup(run)
        result = evaluate_programme(
            facts_from_json(verdict.entry.facts),
            programme_table(setup.extra)[verdict.programme],
            as_of=run.as_of,
            params=setup.params,
            version=verdict.version,
        )
    verdict.__dict__["_again"] = result
    return result


def result_codes(result: ProgrammeResult, ids: list[str]) -> str:
    """The status digits of ``ids`` in ``result`` (as a run stores them)."""
    by_id = {c.id: c.status for c in result.conditions}
    return "".join(str(TRI_CODE[by_id[cid]]) if cid in by_id else "-" for cid in ids)


def codes_match(verdict: StoredVerdict, result: ProgrammeResult) -> bool:
    """The stored codes say what ``result`` says: outcome, route, score range,
    programme name and version, every stored condition status and the flags."""
    ids = list(verdict.run.conditions.get(verdict.programme, []))
    scores = (
        (result.score_low, result.score_high)
        if result.score_low is not None
        else (None, None)
    )
    return (
        result.outcome.value == verdict.outcome
        and ROUTE_CODE[result.route] == verdict.route
        and scores == (verdict.score_low, verdict.score_high)
        and result.name[:60] == verdict.programme_name
        and result.version == verdict.version
        and result_codes(result, ids) == verdict.codes
        and (verdict.flags is None or list(result.flags) == list(verdict.flags))
    )


def verdict_text(verdict: StoredVerdict) -> str:
    """The full JSON text of a verdict stored as codes."""
    result = verdict_evaluate(verdict)
    if result is not None:
        return verdict_json(result)
    return json.dumps(_codes_only(verdict), ensure_ascii=False, separators=(",", ":"))


def verdict_flags(verdict: StoredVerdict) -> list[str]:
    """The unconfirmed parameters a verdict stored as codes used."""
    result = verdict_evaluate(verdict)
    return [] if result is None else list(result.flags)


def _codes_only(verdict: StoredVerdict) -> dict[str, Any]:
    """What the codes alone say, when the text cannot be produced any more (the
    rules program has changed since the run)."""
    ids = list(verdict.run.conditions.get(verdict.programme, []))
    routes = {v: k for k, v in ROUTE_CODE.items()}
    low, high = verdict.score_low, verdict.score_high
    return {
        "outcome": verdict.outcome,
        "outcome_label": Outcome(verdict.outcome).label,
        "route": routes.get(verdict.route or 0),
        "score": None if low is None or low != high else str(low),
        "score_range": None if low is None else [str(low), str(high)],
        "version": verdict.version,
        "conditions": [
            {"id": cid, "status": STATUS_WORDS.get(code, "unknown")}
            for cid, code in zip(ids, verdict.codes, strict=False)
            if code in STATUS_WORDS
        ],
        "explanation": reason_unavailable(verdict),
    }


def verdicts_prepare(
    run: EvaluationRun, verdicts: Iterable[StoredVerdict]
) -> list[StoredVerdict]:
    """A page of one run's verdicts ready to read: the run and, for those stored
    as codes, the facts they were evaluated on, in one query (not one per row)."""
    rows = list(verdicts)
    for row in rows:
        row.run = run
    wanted = {row.enterprise_id for row in rows if row.stored_as_codes}
    if wanted:
        entries = EvaluatedEnterprise.objects.filter(
            run=run, enterprise_id__in=wanted
        ).select_related("facts_text")
        by_enterprise = {e.enterprise_id: e for e in entries}
        for row in rows:
            if row.enterprise_id in by_enterprise:
                row.__dict__["_entry"] = by_enterprise[row.enterprise_id]
    return rows
