"""The calendar's queries give exactly the items the per-enterprise rules give:
the same enterprises, years, due days, details, done marks and renewals, in the
same order, in every list, and each list's count is the number of its rows.

The data mixes what the rules tell apart: 科小 numbers valid for their grant
year only (and ones without an end date), 高新 certificates of three years (one
granted on 29 February, one without an end date), titles revoked before, on and
after their end, renewals, two certificates ending in the same year, titles
without a grant date, above-scale enterprises, done marks, a year whose dates HQ
moved onto the next year's due day, enterprises moved between towns, a second
district, and names that sort differently by bytes and by pinyin.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from keqi.accounts.models import Area, District
from keqi.accounts.tests.test_districts import load_shifan, person
from keqi.core.testing import make_enterprise
from keqi.cultivation.models import (
    Audience,
    DueRule,
    ReminderDate,
    ReminderDone,
    ReminderType,
)
from keqi.cultivation.reminders import reminder_calendar
from keqi.cultivation.tests.helpers import D, move
from keqi.cultivation.tests.reminders_by_enterprise import (
    LISTS,
    calendar_by_enterprise,
)
from keqi.registry.models import Enterprise, Qualification

pytestmark = pytest.mark.django_db

HIGH_TECH, TECH_SME, EAGLE = "高新技术企业", "科技型中小企业", "雏鹰企业"
NAMES = ["阿尔法科技", "Alpha科技", "zeta智能", "宝坻精工", "安达电子", "同名企业"]


def _q(e: Enterprise, kind: str, granted: Any, until: Any = None, revoked: Any = None):  # type: ignore[no-untyped-def]
    """A qualification stored as given (no end date derived), as imports of old
    registers leave some."""
    return Qualification.objects.create(
        enterprise=e,
        kind=kind,
        number=f"{kind[:2]}{Qualification.objects.count():05d}",
        granted_on=granted,
        valid_until=until,
        revoked_on=revoked,
    )


def _extra_types() -> None:
    """Reminders beside the seeded ones, one of each audience the seed lacks."""
    made = [
        ("holders_mixed", Audience.HOLDERS, [TECH_SME, EAGLE], True, (4, 1), (6, 30)),
        (
            "expiring_two",
            Audience.EXPIRING,
            [HIGH_TECH, TECH_SME],
            False,
            None,
            (11, 30),
        ),
        (
            "previous_mark",
            Audience.PREVIOUS_HOLDERS,
            [HIGH_TECH],
            True,
            (2, 1),
            (4, 15),
        ),
        ("everyone_census", Audience.ALL, [], False, (6, 1), (6, 30)),
    ]
    for district in District.objects.all():
        _extra_types_of(district, made)


def _extra_types_of(district: District, made: list[Any]) -> None:
    for n, (code, audience, kinds, above, opens, due) in enumerate(made):
        ReminderType.objects.create(
            district=district,
            code=code,
            name=code,
            audience=audience,
            kinds=kinds,
            include_above_scale=above,
            due_rule=DueRule.FIXED,
            opens_month=opens and opens[0],
            opens_day=opens and opens[1],
            due_month=due[0],
            due_day=due[1],
            sort=3 if code == "holders_mixed" else 10 + n,  # 3 ties with a seed type
        )
    ReminderType.objects.create(
        district=district,
        code="tech_sme_expiry",
        name="科小到期",
        audience=Audience.HOLDERS,
        kinds=[TECH_SME],
        due_rule=DueRule.VALID_UNTIL,
        sort=0,
    )


def _edges(areas: list[str]) -> None:
    """One enterprise per rule edge."""

    def firm(name: str, **kw: Any) -> Enterprise:
        return make_enterprise(areas[len(name) % len(areas)], name=name, **kw)

    e = firm("科小当年有效")
    _q(e, TECH_SME, D(2018, 5, 1), D(2018, 12, 31))
    _q(e, TECH_SME, D(2019, 7, 1), D(2019, 12, 31))
    e = firm("科小无截止日")
    _q(e, TECH_SME, D(2018, 3, 1))
    ReminderDone.objects.create(
        reminder_type=ReminderType.objects.get(
            code="tech_sme_evaluation", district=e.area.district
        ),
        enterprise=e,
        year=2019,
        done_on=D(2019, 9, 1),
    )
    _q(firm("科小年末取得"), TECH_SME, D(2018, 12, 31))
    _q(firm("科小撤销"), TECH_SME, D(2018, 2, 1), None, D(2018, 6, 1))
    _q(firm("科小无取得日"), TECH_SME, None, D(2018, 12, 31))
    e = firm("高企闰日")
    _q(e, HIGH_TECH, D(2016, 2, 29))
    _q(firm("高企无截止日"), HIGH_TECH, D(2017, 1, 2))
    e = firm("高企续期")
    _q(e, HIGH_TECH, D(2016, 11, 1), D(2019, 10, 31))
    _q(e, HIGH_TECH, D(2019, 11, 28), D(2022, 11, 27))
    _q(firm("高企先撤销"), HIGH_TECH, D(2016, 10, 1), D(2019, 10, 31), D(2019, 3, 1))
    e = firm("高企后撤销")
    _q(e, HIGH_TECH, D(2016, 10, 1), D(2019, 10, 31), D(2019, 12, 1))
    for code in ("high_tech_expiry", "high_tech_reapply"):
        ReminderDone.objects.create(
            reminder_type=ReminderType.objects.get(code=code, district=e.area.district),
            enterprise=e,
            year=2019,
            done_on=D(2019, 9, 1),
        )
    _q(
        firm("高企当日撤销"),
        HIGH_TECH,
        D(2016, 10, 1),
        D(2019, 10, 31),
        D(2019, 10, 31),
    )
    _q(firm("高企开窗撤销"), HIGH_TECH, D(2017, 10, 1), D(2020, 9, 30), D(2019, 1, 1))
    e = firm("高企两证同年到期")
    _q(e, HIGH_TECH, D(2016, 12, 1), D(2019, 11, 30))
    _q(e, TECH_SME, D(2019, 3, 1), D(2019, 12, 31))
    _q(e, HIGH_TECH, None, D(2019, 6, 30))
    _q(e, TECH_SME, D(2019, 5, 1))
    e = firm("同日两证")
    _q(e, TECH_SME, D(2019, 3, 1), D(2019, 12, 31))
    _q(e, HIGH_TECH, D(2019, 3, 1), D(2019, 12, 31))
    _q(e, HIGH_TECH, D(2019, 8, 1), D(2022, 7, 31))
    _q(firm("雏鹰长期"), EAGLE, D(2015, 6, 1))
    _q(firm("截止早于取得"), HIGH_TECH, D(2019, 5, 1), D(2017, 5, 1))
    _q(firm("久远过期"), HIGH_TECH, D(2010, 1, 1), D(2013, 1, 1))
    firm("规上无资质", above_scale=True)
    firm("规下无资质", above_scale=False)


def _random_firms(areas: list[str], rng: random.Random) -> list[Enterprise]:
    made = []
    for n in range(70):
        name = f"{rng.choice(NAMES)}{'' if n % 7 == 0 else n}"
        above = rng.choice([True, False, None, False])
        e = make_enterprise(rng.choice(areas), name=name, above_scale=above)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            kind = rng.choice([HIGH_TECH, HIGH_TECH, TECH_SME, TECH_SME, EAGLE])
            granted = None
            if rng.random() > 0.05:
                granted = D(2014, 1, 1) + dt.timedelta(days=rng.randrange(365 * 7))
            until = None
            roll = rng.random()
            if granted and roll < 0.7:
                years = 3 if kind == HIGH_TECH else 0
                until = (
                    D(granted.year, 12, 31)
                    if years == 0
                    else D(granted.year + 3, granted.month, min(granted.day, 28))
                )
            elif roll < 0.8:
                until = D(2017, 1, 1) + dt.timedelta(days=rng.randrange(365 * 4))
            revoked = None
            if granted and rng.random() < 0.15:
                revoked = granted + dt.timedelta(days=rng.randrange(1, 365 * 4))
            _q(e, kind, granted, until, revoked)
        made.append(e)
    return made


@pytest.fixture
def registry(db):  # type: ignore[no-untyped-def]
    load_shifan()
    _extra_types()
    rng = random.Random(20191030)
    areas = ["dakoutun", "koudong", "sf-hexi", "bdkfq"]
    areas = [a for a in areas if Area.objects.filter(code=a).exists()]
    _edges(areas)
    firms = _random_firms(areas, rng)
    baodi = [e for e in firms if e.area.code != "sf-hexi"]
    for e in rng.sample(baodi, 8):
        move(e, "koudong" if e.area.code == "dakoutun" else "dakoutun", D(2019, 4, 1))
    types = list(ReminderType.objects.all())
    everyone = list(Enterprise.objects.select_related("area"))
    for _ in range(60):
        firm = rng.choice(everyone)
        own = [t for t in types if t.district_id == firm.area.district_id]
        ReminderDone.objects.get_or_create(
            reminder_type=rng.choice(own),
            enterprise=firm,
            year=rng.choice([2018, 2019, 2020]),
            defaults={"done_on": D(2019, 6, 1)},
        )
    # 2019's 火炬统计快报 moved onto 2020's due day in Baodi only: two years in
    # one segment there, 示范区 keeps its own dates.
    ReminderDate.objects.create(
        reminder_type=ReminderType.objects.get(
            code="torch_quick", district__code="baodi"
        ),
        year=2019,
        opens_on=D(2019, 12, 1),
        due_on=D(2020, 1, 31),
    )
    return firms


def _lists(cal: Any) -> dict[str, list[Any]]:
    return {name: list(getattr(cal, name)) for name in LISTS}


def _differences(got: dict[str, list[Any]], want: dict[str, list[Any]]) -> list[Any]:
    """What differs, readably: per list, the first row out of place and the
    items only one side has."""

    def key(i: Any) -> tuple[Any, ...]:
        done = i.done.pk if i.done else None
        e = i.enterprise
        return (i.reminder_type.code, e.name, e.pk, i.year, i.due_on, i.detail, done)

    found = []
    for name in LISTS:
        a, b = [key(i) for i in got[name]], [key(i) for i in want[name]]
        if a != b:
            at = next(
                (n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None
            )
            found.append((name, at, set(a) - set(b), set(b) - set(a)))
    return found


DAYS = [
    (D(2019, 9, 30), 30),
    (D(2019, 10, 31), 30),
    (D(2020, 1, 10), 25),
    (D(2020, 3, 5), 30),
    (D(2020, 6, 15), 366),
    (D(2019, 3, 1), 60),
]


def test_queries_give_the_per_enterprise_items_in_order(registry) -> None:  # type: ignore[no-untyped-def]
    """For HQ, two towns, the city, the second district's HQ and a member unit."""
    for who in ("hq", "town_a", "town_b", "city", "sf_hq", "member"):
        user, seen = person(who), 0
        for today, ahead in DAYS:
            cal = reminder_calendar(user, today=today, ahead_days=ahead)
            got = _lists(cal)
            want = calendar_by_enterprise(user, today=today, ahead_days=ahead)
            assert got == want, (who, today, _differences(got, want))
            for name in LISTS:
                assert len(getattr(cal, name)) == len(got[name])
            seen += sum(map(len, got.values()))
        assert seen > 0, who


def test_the_data_reaches_every_rule(registry, hq) -> None:  # type: ignore[no-untyped-def]
    """The comparison above is only as good as its data: each audience, each kind
    of done and the merged segment occur."""
    seen: dict[str, set[str]] = {}
    for today, ahead in DAYS:
        lists = calendar_by_enterprise(person("city"), today=today, ahead_days=ahead)
        for name, items in lists.items():
            for i in items:
                kind = "mark" if i.done else "registry" if i.done_by_registry else name
                seen.setdefault(i.reminder_type.code, set()).add(kind)
                if i.detail == "规上企业":
                    seen.setdefault("above_scale", set()).add(kind)
    for code in ReminderType.objects.values_list("code", flat=True):
        assert code in seen, code
    for code in ("high_tech_expiry", "high_tech_reapply", "tech_sme_evaluation"):
        assert {"mark", "registry"} <= seen[code], (code, seen[code])
    assert "above_scale" in seen
    jan = calendar_by_enterprise(person("city"), today=D(2020, 1, 10), ahead_days=25)
    years = {i.year for i in jan["upcoming"] if i.reminder_type.code == "torch_quick"}
    assert years == {2019, 2020}


def test_an_area_picked_and_a_page_of_rows(registry, hq) -> None:  # type: ignore[no-untyped-def]
    koudong = Area.objects.get(code="koudong").pk
    today = D(2019, 9, 30)
    cal = reminder_calendar(hq, today=today, ahead_days=60, area_id=koudong)
    whole = calendar_by_enterprise(hq, today=today, ahead_days=60, area_id=koudong)
    assert _lists(cal) == whole
    for name in LISTS:
        rows = whole[name]
        assert getattr(cal, name)[3:9] == rows[3:9]
        assert all(i.enterprise.area.pk == koudong for i in rows)
