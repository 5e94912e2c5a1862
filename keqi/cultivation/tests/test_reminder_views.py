from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqi.accounts.models import Area
from keqi.core.testing import make_enterprise
from keqi.cultivation.models import ReminderDate, ReminderDone
from keqi.cultivation.tests.helpers import D, grant
from keqi.cultivation.tests.test_library_views import client_for
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
PAGE = "/cultivation/reminders/?on=2020-05-10"


@pytest.fixture
def firms(db):  # type: ignore[no-untyped-def]
    mine = make_enterprise("dakoutun", name="本镇高企")
    grant(mine, K.HIGH_TECH, D(2018, 12, 1))
    grant(make_enterprise("koudong", name="他镇高企"), K.HIGH_TECH, D(2018, 12, 1))
    return mine


def test_town_user_sees_only_their_towns_reminders(firms, town_a) -> None:
    page = client_for(town_a).get(PAGE).content.decode()
    assert "本镇高企" in page and "他镇高企" not in page
    assert "高企年度发展情况报表" in page


def test_town_user_gets_404_for_another_area_or_its_enterprise(firms, town_b) -> None:
    c = client_for(town_b)
    dakoutun = Area.objects.get(code="dakoutun").pk
    assert c.get(f"{PAGE}&area={dakoutun}").status_code == 404
    assert c.get(f"{PAGE}&enterprise={firms.pk}").status_code == 404


def test_marking_done_through_the_page(firms, town_a) -> None:
    response = client_for(town_a).post(
        "/cultivation/reminders/mark/",
        {
            "type": "high_tech_annual_report",
            "enterprise": firms.pk,
            "year": "2020",
            "done_on": "2020-05-08",
            "next": PAGE,
        },
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    done = ReminderDone.objects.get()
    assert (done.done_on, done.done_by) == (D(2020, 5, 8), town_a)


def test_another_town_cannot_mark_my_enterprise(firms, town_b) -> None:
    response = client_for(town_b).post(
        "/cultivation/reminders/mark/",
        {"type": "high_tech_annual_report", "enterprise": firms.pk, "year": "2020"},
    )
    assert response.status_code == 404
    assert not ReminderDone.objects.exists()


def test_a_leader_reads_but_cannot_mark(firms, leader) -> None:
    c = client_for(leader)
    assert "本镇高企" in c.get(PAGE).content.decode()
    response = c.post(
        "/cultivation/reminders/mark/",
        {"type": "high_tech_annual_report", "enterprise": firms.pk, "year": "2020"},
    )
    assert response.status_code == 403
    assert not ReminderDone.objects.exists()


def test_hq_sets_a_years_dates_and_a_bad_date_changes_nothing(hq) -> None:
    c = client_for(hq)
    url = "/cultivation/reminders/settings/"
    bad = c.post(url, {"type": "torch_quick", "year": "2020", "due_on": "2020-02-30"})
    assert "不是有效日期" in bad.content.decode()
    assert not ReminderDate.objects.filter(year=2020).exists()
    ok = c.post(url, {"type": "torch_quick", "year": "2020", "due_on": "2020-02-15"})
    assert ok.status_code == 302
    assert ReminderDate.objects.get(year=2020).due_on == D(2020, 2, 15)


def test_town_user_cannot_set_dates(town_a) -> None:
    url = "/cultivation/reminders/settings/"
    response = client_for(town_a).post(
        url, {"type": "torch_quick", "year": "2020", "due_on": "2020-02-15"}
    )
    assert response.status_code == 403


def test_reminder_page_query_count_does_not_grow_with_rows(hq) -> None:
    c = client_for(hq)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(PAGE).status_code == 200
        return len(ctx.captured_queries)

    grant(make_enterprise("koudong"), K.HIGH_TECH, D(2018, 12, 1))
    few = queries()
    for _ in range(5):
        grant(make_enterprise("dakoutun"), K.HIGH_TECH, D(2018, 12, 1))
    # One count per reminder and year shown, the certificates ending in the
    # window, and the rows of the list shown: none per enterprise.
    assert queries() == few <= 32


def test_a_far_future_viewing_date_is_refused_in_chinese_not_a_server_error(
    hq,
) -> None:
    response = client_for(hq).get("/cultivation/reminders/?on=9999-12-31&ahead=30")
    assert response.status_code == 200
    assert "查看日期：“9999-12-31”超出可接受的年份（1900–2100年）" in (
        response.content.decode()
    )
