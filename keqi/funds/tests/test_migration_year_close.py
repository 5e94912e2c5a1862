"""Migration 0010 gives every existing year close its district: the only one on
a one-district install; on an install that already had several districts (where
a close froze the year for all of them) one close per district, each keeping its
own areas' figures, so no district's closed year reopens. The database guards
come back afterwards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keqi.accounts.tests.test_districts import load_shifan
from keqi.core.testing import persona
from keqi.core.tests.test_db_guards import missing_triggers
from keqi.funds.models import YearClose

BEFORE = [("funds", "0009_transfer_income_district")]


def _figures(total: str) -> dict[str, str]:
    return {"total": total, "balance": "0.00", "lines": "1"}


def _close_before_and_migrate() -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("funds")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("funds", "YearClose")
    areas = {"dakoutun": _figures("100.00"), "sf-hexi": _figures("50.25")}
    old.objects.create(year=2018, snapshot={"areas": areas, "total": "150.25"})
    MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_a_one_district_installs_closes_go_to_its_district() -> None:
    persona("hq")
    _close_before_and_migrate()
    close = YearClose.objects.get()
    assert (close.district.code, close.year) == ("baodi", 2018)
    assert close.snapshot["total"] == "150.25"  # kept as it was
    assert missing_triggers() == {}


@pytest.mark.django_db(transaction=True)
def test_a_close_on_several_districts_becomes_one_per_district() -> None:
    load_shifan()
    _close_before_and_migrate()
    closes = {c.district.code: c for c in YearClose.objects.filter(year=2018)}
    assert set(closes) == {"baodi", "shifan"}
    assert closes["baodi"].snapshot == {
        "areas": {"dakoutun": _figures("100.00")},
        "total": "100.00",
    }
    assert closes["shifan"].snapshot == {
        "areas": {"sf-hexi": _figures("50.25")},
        "total": "50.25",
    }
    assert missing_triggers() == {}
