"""Batch ≡ scalar for the reserve-list order: blocking conditions and shortfall."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.rules.batch import closeness_codes
from keqi.rules.batch_registry import BATCH_PROGRAMMES
from keqi.rules.closeness import blocking, route_ids, shortfall
from keqi.rules.evaluate import evaluate_programme, programme_table
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.params import default_params
from keqi.rules.tests.fastgen import many

DATES = [date(2019, 6, 30), date(2022, 3, 1), date(2026, 12, 31)]
KEYS = sorted(BATCH_PROGRAMMES)
MARKS = (None, 0, 60, 71, 100)


def assert_closeness_agrees(
    key: str, rows: list[EnterpriseFacts], day: date, mark: int | None
) -> None:
    params = default_params()
    spec = BATCH_PROGRAMMES[key]
    batch = spec.evaluate(spec.build(rows, day, params), day, params)
    programme = programme_table()[key]
    scalar = [evaluate_programme(f, programme, as_of=day, params=params) for f in rows]
    routes = route_ids(scalar[0]) if scalar[0] else ()
    blocked, short = closeness_codes(batch, routes, mark)
    for i, res in enumerate(scalar):
        assert res is not None
        assert route_ids(res) == routes
        assert blocked[i] == len(blocking(res)), (key, i, rows[i])
        gap = int(short.values[i]) if short.known[i] else None
        assert gap == shortfall(res, mark), (key, i, rows[i])


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("mark", (None, 60, 71))
def test_batch_closeness_equals_scalar_on_a_default_sample(
    key: str, mark: int | None
) -> None:
    for seed, day in enumerate(DATES):
        if programme_table()[key].version_for(day) is not None:
            assert_closeness_agrees(key, many(seed, 200, day), day, mark)


@pytest.mark.parametrize("key", KEYS)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    seed=st.integers(0, 2**31),
    day=st.sampled_from(DATES),
    mark=st.sampled_from(MARKS),
)
def test_batch_closeness_equals_scalar_on_random_samples(
    key: str, seed: int, day: date, mark: int | None
) -> None:
    if programme_table()[key].version_for(day) is None:
        day = DATES[-1]
    assert_closeness_agrees(key, many(seed, 200, day), day, mark)
