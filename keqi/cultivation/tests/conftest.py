"""The cultivation pages' tests run the background worker's part at once."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _worker_at_once(immediate_tasks):  # type: ignore[no-untyped-def]
    from keqi.cultivation.columns import columns_cache_clear

    columns_cache_clear()
    yield
    columns_cache_clear()
