"""Plain pytest configuration for the engine tests (no Django).

Tests marked ``slow`` (the 100 000-enterprise equivalence runs, several minutes)
are skipped unless asked for with ``-m slow`` or ``KEQI_SLOW=1``, so that
``make test`` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long-running property tests")


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    wanted = "slow" in (config.getoption("-m") or "") or os.environ.get("KEQI_SLOW")
    if wanted:
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or KEQI_SLOW=1")
    for item in items:
        if "slow" in item.keywords and HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)
