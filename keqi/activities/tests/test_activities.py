"""Activities: recording, editing rights, attendance rules, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from keqi.activities.models import ActivityKind
from keqi.activities.selectors import (
    ActivityFilter,
    activity_get_editable,
    activity_get_for,
    activity_list_for,
    attendances_for,
)
from keqi.activities.services import (
    ActivityAction,
    AttendanceValues,
    activity_create,
    activity_update,
    attendance_set,
)
from keqi.activities.tests.helpers import attend, training, unit
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise

pytestmark = pytest.mark.django_db
APRIL = dt.date(2019, 4, 18)


def test_recording_an_activity_is_audited_with_its_values(hq) -> None:  # type: ignore[no-untyped-def]
    activity = training(APRIL, actor=hq)
    event = AuditEvent.objects.get(action=ActivityAction.CREATE)
    assert event.actor == hq and event.target_id == str(activity.pk)
    assert event.changes["held_on"] == [None, "2019-04-18"]
    assert activity.code == "HD2019-001"


def test_a_member_unit_records_activities_as_its_own_organiser(member) -> None:  # type: ignore[no-untyped-def]
    activity = activity_create(
        values={
            "kind": ActivityKind.FORUM,
            "title": "无人机产业论坛",
            "held_on": APRIL,
        },
        actor=member,
    )
    assert activity.organiser == member.unit
    with pytest.raises(PermissionDenied):
        activity_create(
            values={
                "kind": ActivityKind.FORUM,
                "title": "冒名论坛",
                "held_on": APRIL,
                "organiser": unit("kx"),
            },
            actor=member,
        )


def test_leaders_only_read(leader) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        activity_create(
            values={"kind": ActivityKind.FORUM, "title": "论坛", "held_on": APRIL},
            actor=leader,
        )


def test_only_a_training_counts_as_a_tech_sme_registration_training(hq) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        training(APRIL, kind=ActivityKind.FORUM, actor=hq)
    assert "只有“培训”类活动" in info.value.messages[0]


def test_another_units_activity_is_a_404_on_edit(member, hq) -> None:  # type: ignore[no-untyped-def]
    theirs = training(APRIL, organiser="kx", actor=hq)
    assert activity_get_for(member, theirs.pk) == theirs  # member units read all
    with pytest.raises(Http404):
        activity_get_editable(member, theirs.pk)
    with pytest.raises(PermissionDenied):
        activity_update(activity=theirs, values={"title": "改"}, actor=member)


def test_a_change_records_old_and_new_values(hq) -> None:  # type: ignore[no-untyped-def]
    activity = training(APRIL, actor=hq)
    changes = activity_update(
        activity=activity,
        values={"people_total": 80, "venue": "区科技局会议室"},
        actor=hq,
    )
    assert changes == {"people_total": [None, 80], "venue": ["", "区科技局会议室"]}
    assert AuditEvent.objects.filter(action=ActivityAction.UPDATE).count() == 1
    assert (
        activity_update(activity=activity, values={"venue": "区科技局会议室"}, actor=hq)
        == {}
    )


def test_attendance_needs_people_when_attended_and_none_when_not(hq) -> None:  # type: ignore[no-untyped-def]
    activity = training(APRIL, actor=hq)
    firm = make_enterprise()
    with pytest.raises(ValidationError):
        attendance_set(
            activity=activity,
            enterprise=firm,
            values=AttendanceValues(invited=True, attended=False, people=3),
            actor=hq,
        )
    with pytest.raises(ValidationError):
        attendance_set(
            activity=activity,
            enterprise=firm,
            values=AttendanceValues(invited=True, attended=True, people=0),
            actor=hq,
        )


def test_enterprise_people_may_not_exceed_the_activitys_total(hq) -> None:  # type: ignore[no-untyped-def]
    activity = training(APRIL, actor=hq, people_total=3)
    attend(activity, make_enterprise(), people=2, actor=hq)
    with pytest.raises(ValidationError) as info:
        attend(activity, make_enterprise(), people=2, actor=hq)
    assert "超过参加总人数3人" in info.value.messages[0]
    assert activity.attendances.count() == 1


def test_a_town_sees_only_activities_involving_its_enterprises(
    hq, town_a, town_b
) -> None:  # type: ignore[no-untyped-def]
    ours = training(APRIL, actor=hq)
    theirs = training(dt.date(2019, 5, 9), actor=hq)
    attend(ours, make_enterprise("dakoutun"), actor=hq)
    other = make_enterprise("koudong")
    attend(ours, other, actor=hq)
    attend(theirs, make_enterprise("koudong"), actor=hq)
    seen = list(activity_list_for(town_a, ActivityFilter(year=2019)))
    assert seen == [ours]
    with pytest.raises(Http404):
        activity_get_for(town_a, theirs.pk)
    names = [r.enterprise.name for r in attendances_for(town_a, ours)]
    assert other.name not in names and len(names) == 1
    assert len(list(activity_list_for(town_b, ActivityFilter(year=2019)))) == 2


def test_a_town_lists_only_its_own_enterprises_as_participants(town_a) -> None:  # type: ignore[no-untyped-def]
    own = activity_create(
        values={"kind": ActivityKind.TRAINING, "title": "镇政策宣讲", "held_on": APRIL},
        actor=town_a,
    )
    attend(own, make_enterprise("dakoutun"), actor=town_a)
    with pytest.raises(PermissionDenied):
        attend(own, make_enterprise("koudong"), actor=town_a)
    assert own.organiser == town_a.unit
