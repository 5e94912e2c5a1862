"""Talent: monthly trainee figures filed by the unit, corrections, 海河英才."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.accounts.models import Role
from keqi.accounts.services import user_create
from keqi.activities.models import TalentCategory
from keqi.activities.services import ActivityAction
from keqi.activities.talent import (
    introduction_totals,
    introductions_for,
    talent_introduction_save,
    trainee_prefill,
    trainee_report_file,
    trainee_table,
    trainee_total,
)
from keqi.activities.tests.helpers import client_for, unit
from keqi.core.models import AuditEvent
from keqi.core.testing import PASSWORD, make_enterprise

pytestmark = pytest.mark.django_db
JULY, AUGUST = dt.date(2019, 7, 1), dt.date(2019, 8, 1)


@pytest.fixture
def rsj(db):  # type: ignore[no-untyped-def]
    return user_create(
        username="rsj",
        password=PASSWORD,
        unit=unit("rsj"),
        role=Role.MEMBER,
        full_name="区人社局培训科",
    )


def test_the_form_is_prefilled_with_last_months_cumulative(rsj) -> None:  # type: ignore[no-untyped-def]
    trainee_report_file(unit=rsj.unit, month=JULY, cumulative=4200, actor=rsj)
    assert trainee_prefill(rsj.unit, AUGUST) == 4200
    assert trainee_prefill(rsj.unit, dt.date(2020, 1, 1)) is None  # a new year
    page = client_for(rsj).get("/activities/trainees/file/?month=2019-08")
    assert 'value="4200"' in page.content.decode()


def test_a_correction_needs_a_reason_and_keeps_old_and_new(rsj) -> None:  # type: ignore[no-untyped-def]
    row = trainee_report_file(unit=rsj.unit, month=JULY, cumulative=4200, actor=rsj)
    with pytest.raises(ValidationError):
        trainee_report_file(unit=rsj.unit, month=JULY, cumulative=4250, actor=rsj)
    trainee_report_file(
        unit=rsj.unit, month=JULY, cumulative=4250, actor=rsj, reason="漏报一期"
    )
    event = AuditEvent.objects.get(action=ActivityAction.TRAINEES_CORRECT)
    assert event.target_id == str(row.pk)
    assert event.changes == {"cumulative": [4200, 4250]} and event.reason == "漏报一期"


def test_a_cumulative_never_goes_down(rsj) -> None:  # type: ignore[no-untyped-def]
    trainee_report_file(unit=rsj.unit, month=JULY, cumulative=4200, actor=rsj)
    with pytest.raises(ValidationError) as info:
        trainee_report_file(unit=rsj.unit, month=AUGUST, cumulative=4100, actor=rsj)
    assert "少于2019年07月已报的累计4200人" in info.value.messages[0]


def test_a_unit_files_only_its_own_figures(rsj, member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        trainee_report_file(unit=rsj.unit, month=JULY, cumulative=10, actor=member)


def test_the_table_shows_each_months_own_number_and_the_total(rsj, hq) -> None:  # type: ignore[no-untyped-def]
    trainee_report_file(unit=rsj.unit, month=JULY, cumulative=4200, actor=rsj)
    trainee_report_file(unit=rsj.unit, month=AUGUST, cumulative=5000, actor=rsj)
    [line] = trainee_table(2019, dt.date(2019, 9, 30))
    assert line.cumulative[6:8] == [4200, 5000] and line.monthly[6:8] == [4200, 800]
    assert trainee_total(2019, dt.date(2019, 9, 30)) == 5000
    page = client_for(hq).get("/activities/trainees/?year=2019&as_of=2019-09-30")
    assert "累计培训 <strong>5000</strong> 人" in page.content.decode()


def test_introductions_count_people_by_area_and_enterprise_within_scope(
    town_a,
) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = make_enterprise("dakoutun"), make_enterprise("koudong")
    for firm, people in ((ours, 3), (ours, 2), (theirs, 4)):
        talent_introduction_save(
            values={
                "enterprise": firm,
                "introduced_on": dt.date(2019, 6, 1),
                "people": people,
                "category": TalentCategory.INDUSTRY,
                "unit": unit("rcb"),
            },
            actor=None,
        )
    totals = introduction_totals(introductions_for(town_a, 2019))
    assert totals.people == 5
    assert totals.by_enterprise == [(ours, 5)]


def test_another_units_introduction_is_a_404_on_edit(member, hq) -> None:  # type: ignore[no-untyped-def]
    row = talent_introduction_save(
        values={
            "enterprise": make_enterprise(),
            "introduced_on": dt.date(2019, 6, 1),
            "people": 1,
            "category": TalentCategory.HIGH_LEVEL,
            "unit": unit("rcb"),
        },
        actor=hq,
    )
    assert (
        client_for(member).get(f"/activities/haihe/{row.pk}/edit/").status_code == 404
    )
    assert client_for(hq).get(f"/activities/haihe/{row.pk}/edit/").status_code == 200
