"""Migration 0004 gives the ladder and the reminder calendar their district:
every existing district keeps the settings it read before (the first the rows,
the others copies), and each enterprise's marks of done move to its own
district's reminder types."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keqi.accounts.tests.test_districts import load_shifan
from keqi.core.testing import make_enterprise, persona
from keqi.cultivation.models import ReminderDate, ReminderDone, ReminderType, TierRung
from keqi.cultivation.selectors import ladder_load

BEFORE = [("cultivation", "0003_reserve_table")]
EVALUATION = "tech_sme_evaluation"


def _settings_before_and_migrate(marked: dict[str, int]) -> None:
    """Today's one ladder (雏鹰 below 科小, no mark), a 2020 date HQ set, and a
    mark of done per enterprise given; then the migration."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("cultivation")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    rung = apps.get_model("cultivation", "TierRung")
    rung.objects.all().delete()
    rung.objects.create(kind="雏鹰企业", position=1, role="tier")
    rung.objects.create(kind="科技型中小企业", position=2, role="tier")
    kind = apps.get_model("cultivation", "ReminderType").objects.get(code=EVALUATION)
    apps.get_model("cultivation", "ReminderDate").objects.create(
        reminder_type=kind, year=2020, due_on=dt.date(2020, 9, 15), note="HQ 设定"
    )
    done = apps.get_model("cultivation", "ReminderDone")
    for pk in marked.values():
        done.objects.create(
            reminder_type=kind, enterprise_id=pk, year=2020, done_on=dt.date(2020, 9, 1)
        )
    MigrationExecutor(connection).migrate(latest)


def _kept(code: str) -> dict[str, Any]:
    evaluation = ReminderType.objects.get(code=EVALUATION, district__code=code)
    dates = ReminderDate.objects.filter(reminder_type=evaluation)
    return {
        "ladder": ladder_load(evaluation.district),
        "types": ReminderType.objects.filter(district__code=code).count(),
        "2020": dates.get(year=2020).due_on,
    }


TODAY = {
    "ladder": (("雏鹰企业", "科技型中小企业"), None),
    "types": 7,
    "2020": dt.date(2020, 9, 15),
}


@pytest.mark.django_db(transaction=True)
def test_a_one_district_install_keeps_its_settings() -> None:
    persona("hq")
    firm = make_enterprise("dakoutun")
    _settings_before_and_migrate({"baodi": firm.pk})
    assert _kept("baodi") == TODAY
    assert ReminderDone.objects.get().reminder_type.district.code == "baodi"


@pytest.mark.django_db(transaction=True)
def test_every_existing_district_starts_with_todays_settings() -> None:
    load_shifan()
    firms = {
        "baodi": make_enterprise("dakoutun").pk,
        "shifan": make_enterprise("sf-hexi").pk,
    }
    _settings_before_and_migrate(firms)
    assert _kept("baodi") == TODAY
    assert _kept("shifan") == TODAY
    assert TierRung.objects.count() == 4
    for code, pk in firms.items():
        done = ReminderDone.objects.get(enterprise_id=pk)
        assert (done.reminder_type.code, done.reminder_type.district.code) == (
            EVALUATION,
            code,
        )
