"""Suite-wide fixtures: personas and database access."""

from __future__ import annotations

import os

os.environ.setdefault("KEQI_TESTING", "1")

import pytest  # noqa: E402


@pytest.fixture
def hq(db):  # type: ignore[no-untyped-def]
    from keqi.core.testing import persona

    return persona("hq")


@pytest.fixture
def town_a(db):  # type: ignore[no-untyped-def]
    from keqi.core.testing import persona

    return persona("town_a")


@pytest.fixture
def town_b(db):  # type: ignore[no-untyped-def]
    from keqi.core.testing import persona

    return persona("town_b")


@pytest.fixture
def member(db):  # type: ignore[no-untyped-def]
    from keqi.core.testing import persona

    return persona("member")


@pytest.fixture
def leader(db):  # type: ignore[no-untyped-def]
    from keqi.core.testing import persona

    return persona("leader")
