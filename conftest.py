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


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_lifts_append_only_triggers():  # type: ignore[no-untyped-def]
    """Let transactional tests empty the SQLite test database.

    Django empties it with DELETE FROM, which the append-only triggers refuse
    (keqi/core/db_guards.py); PostgreSQL uses TRUNCATE, which they leave alone.
    Here the flush drops the flushed tables' triggers, deletes, and re-creates
    them, all in the flush's own transaction, so every test still runs guarded.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self, style, tables, **kwargs):  # type: ignore[no-untyped-def]
        from keqi.core.db_guards import lift_sqlite_triggers

        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        return lift_sqlite_triggers(self.connection, list(tables), list(statements))

    operations.sql_flush = sql_flush  # type: ignore[method-assign]
    yield
    operations.sql_flush = original  # type: ignore[method-assign]


@pytest.fixture
def immediate_tasks(settings):  # type: ignore[no-untyped-def]
    """Background tasks run at once, in the test's own transaction (the worker's
    part of a page: e.g. the reserve lists' stored table)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def _reserve_tables_forgotten():  # type: ignore[no-untyped-def]
    """Each test starts without the reserve tables an earlier test read: the
    process keeps them by id, and a rolled-back test's ids are given out again."""
    from keqi.cultivation.columns import columns_cache_clear

    columns_cache_clear()
    yield
    columns_cache_clear()
