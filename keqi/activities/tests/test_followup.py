"""The "attended but did not apply" list (参加培训后尚未入库)."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.activities.selectors import followup_list
from keqi.activities.tests.helpers import attend, client_for, training
from keqi.core.testing import make_enterprise
from keqi.registry.services import qualification_upsert

pytestmark = pytest.mark.django_db
APRIL = dt.date(2019, 4, 18)
SEPT_30 = dt.date(2019, 9, 30)


def _register(enterprise, on: dt.date) -> None:  # type: ignore[no-untyped-def]
    qualification_upsert(
        enterprise=enterprise,
        kind="科技型中小企业",
        values={"granted_on": on, "number": f"2019120224A{enterprise.pk:07d}"},
        actor=None,
    )


def test_attendees_without_a_registration_since_are_listed(hq) -> None:  # type: ignore[no-untyped-def]
    course = training(APRIL)
    stayed, applied, late = (make_enterprise() for _ in range(3))
    for firm in (stayed, applied, late):
        attend(course, firm)
    _register(applied, dt.date(2019, 6, 3))
    _register(late, dt.date(2019, 10, 8))  # after the day asked about
    rows = followup_list(hq, 2019, SEPT_30)
    assert {r.enterprise for r in rows} == {stayed, late}
    assert rows[0].trainings == [course]
    assert {r.enterprise for r in followup_list(hq, 2019, dt.date(2019, 10, 31))} == {
        stayed
    }


def test_an_expired_registration_from_before_the_training_keeps_it_listed(hq) -> None:  # type: ignore[no-untyped-def]
    course = training(APRIL)
    lapsed = make_enterprise()
    attend(course, lapsed)
    qualification_upsert(
        enterprise=lapsed,
        kind="科技型中小企业",
        values={"granted_on": dt.date(2018, 5, 1), "number": "2018120224A0000001"},
        actor=None,
    )
    [row] = followup_list(hq, 2019, SEPT_30)
    assert row.last_held is not None and row.last_held.granted_on.year == 2018


def test_invited_but_absent_and_other_trainings_do_not_count(hq) -> None:  # type: ignore[no-untyped-def]
    course = training(APRIL)
    other = training(APRIL, tech_sme=False, title="知识产权培训")
    from keqi.activities.services import AttendanceValues, attendance_set

    attendance_set(
        activity=course,
        enterprise=make_enterprise(),
        values=AttendanceValues(invited=True, attended=False),
        actor=None,
    )
    attend(other, make_enterprise())
    assert followup_list(hq, 2019, SEPT_30) == []


def test_a_town_sees_only_its_own_enterprises_to_follow_up(town_a) -> None:  # type: ignore[no-untyped-def]
    course = training(APRIL)
    ours, theirs = make_enterprise("dakoutun"), make_enterprise("koudong")
    attend(course, ours)
    attend(course, theirs)
    assert [r.enterprise for r in followup_list(town_a, 2019, SEPT_30)] == [ours]
    page = client_for(town_a).get("/activities/followup/?year=2019&as_of=2019-09-30")
    text = page.content.decode()
    assert ours.name in text and theirs.name not in text
    export = client_for(town_a).get(
        "/activities/followup/?year=2019&as_of=2019-09-30&format=xlsx"
    )
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
