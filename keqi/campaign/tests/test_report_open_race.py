"""A unit's monthly report opened twice at the same moment is one report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from keqi.accounts.models import Unit
from keqi.campaign.models import ProgressReport
from keqi.campaign.services import progress_report_open
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.testing import at_once, persona

JULY = dt.date(2019, 7, 1)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite admits one writer at a time, so the race needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_opening_a_report_twice_at_once_makes_one_report() -> None:
    hq = persona("hq")
    plan, unit = baodi_plan(), Unit.objects.get(code="jrj")

    def open_it() -> int:
        return progress_report_open(plan=plan, unit=unit, month=JULY, actor=hq).pk

    results = at_once([open_it] * 8)
    assert ProgressReport.objects.filter(plan=plan, unit=unit).count() == 1
    assert set(results) == {ProgressReport.objects.get().pk}
