"""Shared assertion: batch codes equal scalar results, row by row."""

from __future__ import annotations

from datetime import date

from keqi.rules.batch import OUTCOME_CODE, ROUTE_CODE, TRI_CODE
from keqi.rules.batch_registry import BATCH_PROGRAMMES
from keqi.rules.evaluate import evaluate_programme, programme_table
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import ParamSet, default_params


def assert_batch_equals_scalar(
    key: str, rows: list[EnterpriseFacts], as_of: date, params: ParamSet | None = None
) -> None:
    """Every outcome, route, score range and condition status agrees."""
    params = params or default_params()
    spec = BATCH_PROGRAMMES[key]
    batch = spec.evaluate(spec.build(rows, as_of, params), as_of, params)
    programme = programme_table()[key]
    for i, facts in enumerate(rows):
        res = evaluate_programme(facts, programme, as_of=as_of, params=params)
        assert res is not None
        where = (key, i, facts)
        for cond in res.conditions:
            if cond.id in batch.statuses:
                assert batch.statuses[cond.id][i] == TRI_CODE[cond.status], (
                    cond.id,
                    where,
                )
        assert batch.outcome[i] == OUTCOME_CODE[res.outcome], where
        assert batch.route[i] == ROUTE_CODE[res.route], where
        assert res.score_low is None or (batch.score_low[i], batch.score_high[i]) == (
            res.score_low,
            res.score_high,
        ), where
        assert set(res.flags) <= set(batch.flags), where
