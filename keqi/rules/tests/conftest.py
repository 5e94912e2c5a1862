"""Plain pytest configuration for the engine tests (no Django)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long-running property tests")
