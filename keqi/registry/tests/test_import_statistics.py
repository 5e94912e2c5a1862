"""A large workbook import refreshes PostgreSQL's table statistics, so the pages'
queries are planned for the registry's real size at once (not for the empty
tables the statistics still describe until autovacuum runs)."""

from __future__ import annotations

import pytest
from django.db import connection

from keqi.core.testing import load_baodi
from keqi.registry.tests.workbook_helpers import GOOD_XLSX
from keqi.registry.workbook import import_workbook

pytestmark = pytest.mark.django_db


def _statements_of(run):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        result = run()
    return result, [s for s in seen if s.startswith("ANALYZE")]


def test_an_import_over_the_limit_analyses_what_it_wrote_on_postgresql(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    load_baodi()
    settings.KEQI_ANALYZE_AFTER_ROWS = 3  # the fixture's three enterprises and more
    result, analysed = _statements_of(lambda: import_workbook(GOOD_XLSX, actor=None))
    assert result.applied, result.errors
    if connection.vendor == "postgresql":
        tables = " ".join(analysed)
        for table in (
            "registry_enterprise",
            "registry_annualfigures",
            "core_auditevent",
        ):
            assert table in tables
    else:
        assert analysed == []  # SQLite keeps no such statistics


def test_a_small_import_leaves_the_statistics_to_autovacuum(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    load_baodi()
    settings.KEQI_ANALYZE_AFTER_ROWS = 10_000
    result, analysed = _statements_of(lambda: import_workbook(GOOD_XLSX, actor=None))
    assert result.applied, result.errors
    assert analysed == []
