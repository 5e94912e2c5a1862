"""The columnar 科技型中小企业 path gives exactly the scalar verdicts."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.rules.batch import OUTCOME_CODE, ROUTE_CODE, TRI_CODE
from keqi.rules.evaluate import evaluate_programme
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import default_params
from keqi.rules.programmes import tech_sme, tech_sme_batch
from keqi.rules.tests.strategies import enterprise

AS_OF = date(2019, 6, 30)


def assert_same(rows: list[EnterpriseFacts], as_of: date) -> None:
    params = default_params()
    cols = tech_sme_batch.build_columns(rows, as_of, params)
    batch = tech_sme_batch.evaluate_columns(cols, as_of, params)
    for i, facts in enumerate(rows):
        res = evaluate_programme(facts, tech_sme.PROGRAMME, as_of=as_of, params=params)
        assert res is not None
        assert batch.outcome[i] == OUTCOME_CODE[res.outcome], (i, facts)
        assert batch.route[i] == ROUTE_CODE[res.route]
        assert (batch.score_low[i], batch.score_high[i]) == (
            res.score_low,
            res.score_high,
        )
        for cond in res.conditions:
            assert batch.statuses[cond.id][i] == TRI_CODE[cond.status], (cond.id, facts)
        assert batch.flags == res.flags


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(enterprise(AS_OF), min_size=1, max_size=40))
def test_batch_equals_scalar_on_generated_enterprises(
    rows: list[EnterpriseFacts],
) -> None:
    assert_same(rows, AS_OF)


def test_batch_of_nothing_is_empty() -> None:
    cols = tech_sme_batch.build_columns([], AS_OF, default_params())
    result = tech_sme_batch.evaluate_columns(cols, AS_OF, default_params())
    assert result.outcome.shape == (0,)
    assert np.all(result.score_low == result.score_high)
