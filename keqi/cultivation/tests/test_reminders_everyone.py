"""A 全部企业 reminder stays a query: counted, paged and downloaded in full,
scoped to the user's town, without reading every enterprise into the page."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from keqi.accounts.models import District
from keqi.core.testing import make_enterprise
from keqi.cultivation import paging
from keqi.cultivation.models import Audience, DueRule, ReminderDone, ReminderType
from keqi.cultivation.reminders import reminder_calendar
from keqi.cultivation.tests.helpers import D
from keqi.cultivation.tests.test_library_views import client_for

pytestmark = pytest.mark.django_db
PAGE = "/cultivation/reminders/?on=2019-06-20&list=upcoming"


@pytest.fixture
def census(db):  # type: ignore[no-untyped-def]
    """A survey every enterprise files by 30 June; five in 大口屯镇, two in 口东镇."""
    make_enterprise("dakoutun", name="本镇企业0")
    rt = ReminderType.objects.create(
        district=District.objects.get(code="baodi"),
        code="census",
        name="企业基本情况普查",
        audience=Audience.ALL,
        due_rule=DueRule.FIXED,
        opens_month=6,
        opens_day=1,
        due_month=6,
        due_day=30,
    )
    for n in range(1, 5):
        make_enterprise("dakoutun", name=f"本镇企业{n}")
    for n in range(2):
        make_enterprise("koudong", name=f"他镇企业{n}")
    return rt


def names(items) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.enterprise.name for i in items if i.reminder_type.code == "census"]


def test_every_enterprise_is_due_and_a_done_mark_moves_one(census, hq) -> None:
    firm = ReminderDone.objects.create(
        reminder_type=census,
        enterprise=make_enterprise("dakoutun", name="已报企业"),
        year=2019,
        done_on=D(2019, 6, 10),
    ).enterprise
    cal = reminder_calendar(hq, today=D(2019, 6, 20))
    assert len(names(cal.upcoming)) == 7 and names(cal.done) == [firm.name]
    assert names(cal.upcoming)[:2] == ["他镇企业0", "他镇企业1"]  # by name


def test_paged_with_totals_equal_to_the_download_and_filters_kept(
    census, hq, monkeypatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    client = client_for(hq)
    page = client.get(PAGE).content.decode()
    total = len(names(reminder_calendar(hq, today=D(2019, 6, 20)).upcoming))
    assert f"即将到期：{total} 项" in page and "第 1 / " in page
    assert "list=upcoming" in page and "page=2" in page
    second = client.get(PAGE + "&page=2").content.decode()
    assert "本镇企业1" in second and "他镇企业0" not in second
    sheet = load_workbook(BytesIO(client.get(PAGE + "&format=xlsx").content)).active
    rows = [
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == census.name
    ]
    assert len([r for r in rows if r[0] == "即将到期"]) == total == 7


def test_town_user_sees_only_its_town(census, town_a) -> None:
    page = client_for(town_a).get(PAGE).content.decode()
    assert "本镇企业0" in page and "他镇企业" not in page
    assert "即将到期：5 项" in page
