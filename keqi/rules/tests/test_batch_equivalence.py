"""Batch ≡ scalar on large fast-generated samples and at every threshold value."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.rules.batch_registry import BATCH_PROGRAMMES
from keqi.rules.evaluate import programme_table
from keqi.rules.tests.batch_check import assert_batch_equals_scalar
from keqi.rules.tests.fastgen import EDGES, many

DATES = [date(2019, 6, 30), date(2022, 3, 1), date(2026, 12, 31)]
KEYS = sorted(BATCH_PROGRAMMES)


@pytest.mark.parametrize("key", KEYS)
def test_batch_equals_scalar_on_a_default_sample(key: str) -> None:
    for seed, as_of in enumerate(DATES):
        if programme_table()[key].version_for(as_of) is not None:
            assert_batch_equals_scalar(key, many(seed, 1000, as_of), as_of)


def test_the_generator_covers_threshold_values() -> None:
    assert len(EDGES) > 40


@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=False,
)
@given(seed=st.integers(0, 2**31), day=st.sampled_from(DATES))
def test_batch_equals_scalar_on_100000_enterprises(
    key: str, seed: int, day: date
) -> None:
    if programme_table()[key].version_for(day) is None:
        day = DATES[-1]
    assert_batch_equals_scalar(key, many(seed, 2000, day), day)
