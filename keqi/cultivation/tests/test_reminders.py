from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.cultivation.models import ReminderType
from keqi.cultivation.reminders import Calendar, reminder_calendar
from keqi.cultivation.services import (
    CultivationAction,
    reminder_complete,
    reminder_date_set,
    reminder_reopen,
)
from keqi.cultivation.tests.helpers import D, grant
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db


def rt(code: str) -> ReminderType:
    return ReminderType.objects.get(code=code)


def of(cal_list, code: str) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return {
        (i.enterprise.name, i.year) for i in cal_list if i.reminder_type.code == code
    }


def cal(user, day, **kw) -> Calendar:  # type: ignore[no-untyped-def]
    return reminder_calendar(user, today=day, **kw)


def test_high_tech_expiry_is_upcoming_then_overdue_then_done_on_renewal(hq) -> None:
    e = make_enterprise("koudong", name="高企甲")
    grant(e, K.HIGH_TECH, D(2016, 11, 1), until=D(2019, 10, 31))
    assert of(cal(hq, D(2019, 10, 15)).upcoming, "high_tech_expiry") == {
        ("高企甲", 2019)
    }
    assert of(cal(hq, D(2019, 9, 30)).upcoming, "high_tech_expiry") == set()
    assert of(cal(hq, D(2019, 11, 1)).overdue, "high_tech_expiry") == {("高企甲", 2019)}
    grant(e, K.HIGH_TECH, D(2019, 11, 28))
    done = cal(hq, D(2019, 12, 1)).done
    assert of(done, "high_tech_expiry") == {("高企甲", 2019)}
    assert "2019-11-28 重新取得" in next(
        i.done_by_registry for i in done if i.reminder_type.code == "high_tech_expiry"
    )


def test_reapplication_is_open_all_through_the_expiry_year(hq) -> None:
    e = make_enterprise("koudong", name="高企乙")
    grant(e, K.HIGH_TECH, D(2016, 3, 1), until=D(2019, 2, 28))
    c = cal(hq, D(2019, 6, 1))
    assert of(c.open_now, "high_tech_reapply") == {("高企乙", 2019)}
    item = next(i for i in c.open_now if i.reminder_type.code == "high_tech_reapply")
    assert (item.opens_on, item.due_on) == (D(2019, 1, 1), D(2019, 12, 31))


def test_tech_sme_evaluation_uses_the_2019_deadline_for_last_years_holders(hq) -> None:
    grant(make_enterprise("koudong", name="科小甲"), K.TECH_SME, D(2018, 5, 1))
    grant(make_enterprise("koudong", name="新科小"), K.TECH_SME, D(2019, 5, 1))
    c = cal(hq, D(2019, 10, 15))
    assert of(c.upcoming, "tech_sme_evaluation") == {("科小甲", 2019)}
    item = next(i for i in c.upcoming if i.reminder_type.code == "tech_sme_evaluation")
    assert item.due_on == D(2019, 10, 31)
    assert of(cal(hq, D(2019, 11, 1)).overdue, "tech_sme_evaluation") == {
        ("科小甲", 2019)
    }


def test_tech_sme_evaluation_is_done_once_this_years_number_is_in(hq) -> None:
    e = make_enterprise("koudong", name="科小乙")
    grant(e, K.TECH_SME, D(2018, 5, 1))
    grant(e, K.TECH_SME, D(2019, 7, 1), number="201912022400000123")
    assert of(cal(hq, D(2019, 10, 15)).done, "tech_sme_evaluation") == {
        ("科小乙", 2019)
    }


def test_annual_report_concerns_valid_high_tech_by_end_of_may(hq) -> None:
    grant(make_enterprise("koudong", name="有效高企"), K.HIGH_TECH, D(2018, 12, 1))
    grant(
        make_enterprise("koudong", name="已过期高企"),
        K.HIGH_TECH,
        D(2016, 10, 1),
        until=D(2019, 9, 30),
    )
    c = cal(hq, D(2020, 5, 10))
    assert of(c.upcoming, "high_tech_annual_report") == {("有效高企", 2020)}


def test_torch_and_rd_statistics_fall_in_january_and_march(hq) -> None:
    grant(make_enterprise("koudong", name="高企丙"), K.HIGH_TECH, D(2018, 12, 1))
    make_enterprise("koudong", name="规上企业", above_scale=True)
    make_enterprise("koudong", name="规下企业", above_scale=False)
    jan = cal(hq, D(2020, 1, 10), ahead_days=25)
    assert of(jan.upcoming, "torch_quick") == {("高企丙", 2020)}
    mar = cal(hq, D(2020, 3, 5), ahead_days=30)
    assert of(mar.upcoming, "torch_annual") == {("高企丙", 2020)}
    assert of(mar.upcoming, "rd_statistics") == {("规上企业", 2020)}


def test_town_user_sees_only_their_areas_reminders(town_a) -> None:
    grant(make_enterprise("dakoutun", name="本镇"), K.HIGH_TECH, D(2018, 12, 1))
    grant(make_enterprise("koudong", name="他镇"), K.HIGH_TECH, D(2018, 12, 1))
    names = {i.enterprise.name for i in cal(town_a, D(2020, 5, 10)).upcoming}
    assert names == {"本镇"}


def test_marking_done_moves_the_item_and_is_audited(town_b) -> None:
    e = make_enterprise("koudong", name="高企丁")
    grant(e, K.HIGH_TECH, D(2018, 12, 1))
    reminder_complete(
        reminder_type=rt("high_tech_annual_report"),
        enterprise=e,
        year=2020,
        done_on=D(2020, 5, 20),
        actor=town_b,
        note="已在系统提交",
    )
    c = cal(town_b, D(2020, 5, 25))
    assert of(c.done, "high_tech_annual_report") == {("高企丁", 2020)}
    assert of(c.upcoming, "high_tech_annual_report") == set()
    event = AuditEvent.objects.get(action=CultivationAction.REMINDER_COMPLETE)
    assert (event.actor, event.subject) == (town_b, e.subject)
    assert event.changes["done_on"] == [None, "2020-05-20"]
    reminder_reopen(
        reminder_type=rt("high_tech_annual_report"),
        enterprise=e,
        year=2020,
        actor=town_b,
    )
    assert of(cal(town_b, D(2020, 5, 25)).upcoming, "high_tech_annual_report")
    assert AuditEvent.objects.filter(action=CultivationAction.REMINDER_REOPEN).exists()


def test_town_user_cannot_mark_another_towns_enterprise(town_a) -> None:
    e = make_enterprise("koudong")
    with pytest.raises(Http404):
        reminder_complete(
            reminder_type=rt("torch_quick"),
            enterprise=e,
            year=2020,
            done_on=D(2020, 1, 5),
            actor=town_a,
        )


def test_hq_sets_a_years_window_and_the_due_day_follows(hq) -> None:
    grant(make_enterprise("koudong", name="科小丙"), K.TECH_SME, D(2019, 5, 1))
    reminder_date_set(
        reminder_type=rt("tech_sme_evaluation"),
        year=2020,
        opens_on=D(2020, 3, 1),
        due_on=D(2020, 6, 30),
        actor=hq,
    )
    c = cal(hq, D(2020, 6, 15))
    item = next(i for i in c.upcoming if i.reminder_type.code == "tech_sme_evaluation")
    assert item.due_on == D(2020, 6, 30)
    with pytest.raises(ValidationError, match="开始日期不能晚于截止日期"):
        reminder_date_set(
            reminder_type=rt("torch_quick"),
            year=2020,
            opens_on=D(2020, 2, 1),
            due_on=D(2020, 1, 31),
            actor=hq,
        )


def test_only_hq_sets_reminder_dates(town_a) -> None:
    with pytest.raises(PermissionDenied):
        reminder_date_set(
            reminder_type=rt("torch_quick"),
            year=2020,
            opens_on=None,
            due_on=D(2020, 1, 31),
            actor=town_a,
        )
