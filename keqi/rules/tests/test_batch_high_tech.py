"""The columnar 高企 path gives exactly the scalar verdicts."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.rules.facts import EnterpriseFacts
from keqi.rules.tests.batch_check import assert_batch_equals_scalar
from keqi.rules.tests.strategies import enterprise

AS_OF = date(2019, 6, 30)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(enterprise(AS_OF), min_size=1, max_size=40))
def test_high_tech_batch_equals_scalar(rows: list[EnterpriseFacts]) -> None:
    assert_batch_equals_scalar("high_tech", rows, AS_OF)
