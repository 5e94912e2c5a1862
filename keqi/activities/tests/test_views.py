"""Activities pages end to end: who sees and changes what, exports, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqi.activities.models import Activity, ActivityKind
from keqi.activities.tests.helpers import attend, client_for, training, unit
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise

pytestmark = pytest.mark.django_db
APRIL = dt.date(2019, 4, 18)


def test_the_overview_counts_trainings_toward_the_plans_three(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    training(APRIL)
    page = client_for(hq).get("/activities/?year=2019&as_of=2019-09-30")
    text = page.content.decode()
    assert "1次</a>" in text and "3次以上" in text
    assert "活动与平台" in text  # the main navigation entry


def test_a_member_unit_records_an_activity_through_the_form(member) -> None:  # type: ignore[no-untyped-def]
    client = client_for(member)
    response = client.post(
        "/activities/new/",
        {
            "kind": ActivityKind.FORUM,
            "title": "石墨烯产业论坛",
            "held_on": "2019/9/6",
            "people_total": "80",
        },
    )
    activity = Activity.objects.get(title="石墨烯产业论坛")
    assert response.status_code == 302
    assert activity.organiser == member.unit and activity.held_on == dt.date(2019, 9, 6)


def test_a_bad_date_is_a_chinese_error_and_nothing_is_saved(hq) -> None:  # type: ignore[no-untyped-def]
    page = client_for(hq).post(
        "/activities/new/",
        {"kind": ActivityKind.TRAINING, "title": "培训", "held_on": "2019-02-30"},
    )
    assert page.status_code == 200 and "请更正" in page.content.decode()
    assert not Activity.objects.exists()


def test_another_units_activity_is_a_404_on_edit_through_the_pages(member) -> None:  # type: ignore[no-untyped-def]
    theirs = training(APRIL, organiser="kx")
    client = client_for(member)
    assert client.get(f"/activities/{theirs.pk}/").status_code == 200
    assert client.get(f"/activities/{theirs.pk}/edit/").status_code == 404
    response = client.post(
        f"/activities/{theirs.pk}/edit/",
        {"kind": ActivityKind.TRAINING, "title": "篡改", "held_on": "2019-04-18"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title != "篡改"


def test_a_town_gets_404_on_an_activity_without_its_enterprises(town_a) -> None:  # type: ignore[no-untyped-def]
    theirs = training(APRIL)
    attend(theirs, make_enterprise("koudong"))
    assert client_for(town_a).get(f"/activities/{theirs.pk}/").status_code == 404


def test_the_organiser_adds_and_removes_an_enterprise_with_history(hq) -> None:  # type: ignore[no-untyped-def]
    activity = training(APRIL, actor=hq)
    firm = make_enterprise()
    client = client_for(hq)
    client.post(
        f"/activities/{activity.pk}/attendance/",
        {"enterprise": firm.uscc, "invited": "on", "attended": "on", "people": "2"},
    )
    row = activity.attendances.get()
    assert row.people == 2
    client.post(f"/activities/{activity.pk}/attendance/{row.pk}/remove/")
    assert not activity.attendances.exists()
    removed = AuditEvent.objects.get(action="attendance.remove")
    assert removed.changes["people"] == [2, None]


def test_leaders_read_but_cannot_open_the_forms(leader) -> None:  # type: ignore[no-untyped-def]
    training(APRIL)
    client = client_for(leader)
    assert client.get("/activities/list/").status_code == 200
    for url in (
        "/activities/new/",
        "/activities/trainees/file/",
        "/activities/import/",
    ):
        assert client.get(url).status_code == 403


def test_the_list_filters_and_exports_with_the_same_filters(hq) -> None:  # type: ignore[no-untyped-def]
    training(APRIL)
    training(APRIL, tech_sme=False, title="知识产权培训")
    client = client_for(hq)
    text = client.get("/activities/list/?year=2019&tech_sme=1").content.decode()
    assert "共 <strong>1</strong> 项活动" in text
    assert "?year=2019&amp;tech_sme=1&amp;format=xlsx" in text


def test_list_pages_do_not_grow_queries_with_rows(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    client = client_for(hq)
    pages = ["/activities/", "/activities/list/", "/activities/followup/"]
    pages += ["/activities/platforms/", "/activities/trainees/", "/activities/haihe/"]

    def counts() -> list[int]:
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    course = training(APRIL)
    attend(course, make_enterprise())
    one = counts()
    for day in (5, 6, 7):
        more = training(dt.date(2019, 5, day))
        for _ in range(3):
            attend(more, make_enterprise())
    assert counts() == one
    assert max(one) <= 30


def test_every_unit_shows_in_the_organiser_filter_once(hq) -> None:  # type: ignore[no-untyped-def]
    training(APRIL, organiser="kx")
    training(APRIL, organiser="kx")
    text = client_for(hq).get("/activities/list/").content.decode()
    assert text.count(f'">{unit("kx")}</option>') == 1


def test_every_list_downloads_as_excel_with_its_filters(hq) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    import openpyxl  # type: ignore[import-untyped]

    training(APRIL)
    client = client_for(hq)
    for url in (
        "/activities/list/?year=2019",
        "/activities/followup/?year=2019",
        "/activities/platforms/?year=2019",
        "/activities/trainees/?year=2019",
        "/activities/haihe/?year=2019",
    ):
        response = client.get(url + "&format=xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxml"), url
        book = openpyxl.load_workbook(BytesIO(response.content))
        about = book["说明"]
        pairs = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
        assert pairs.get("年度") in ("2019", "2019年新增"), url
        assert "数据版本" in pairs, url
