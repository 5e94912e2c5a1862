"""Each district its own tier ladder and reminder calendar (issue 17).

Baodi and 示范区 start with the defaults (示范区's file moves its 科小 evaluation
dates); Baodi HQ's edits change Baodi's settings only, 示范区 HQ's only
示范区's; town staff, leaders, auditors and the city edit none. Every reader
takes the enterprise's district: the reminder calendar, the tiers page, the
portrait, the dashboard, the downloads and the API's verdicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from keqi.accounts.models import District
from keqi.accounts.services import (
    DistrictConfigError,
    district_config_load,
    district_init,
)
from keqi.accounts.tests.test_districts import client_for, load_shifan, person
from keqi.api.tests.helpers import Api, token_for
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.cultivation.models import ReminderDate, ReminderDone, ReminderType, TierRung
from keqi.cultivation.portrait import portrait_for
from keqi.cultivation.reminders import reminder_calendar
from keqi.cultivation.selectors import ladder_load, tier_rows_for
from keqi.cultivation.services import (
    CultivationAction,
    reminder_complete,
    reminder_date_set,
    tier_ladder_set,
)
from keqi.cultivation.tests.helpers import D, grant
from keqi.dashboard.selectors import tier_figures
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K
from keqi.rules.ladder import DEFAULT_ORDER

pytestmark = pytest.mark.django_db

SME, CHUYING = "科技型中小企业", "雏鹰企业"
EVALUATION = "tech_sme_evaluation"
SHIFAN_2019, BAODI_2019 = (
    "2019年：2019-03-01 至 2019-09-30",
    "2019年：2019-01-01 至 2019-10-31",
)


def district(code: str) -> District:
    return District.objects.get(code=code)


def evaluation(code: str) -> ReminderType:
    return ReminderType.objects.get(code=EVALUATION, district__code=code)


def due_2019(code: str) -> dt.date:
    return ReminderDate.objects.get(reminder_type=evaluation(code), year=2019).due_on


@pytest.fixture
def world(db: Any) -> dict[str, Enterprise]:
    """Both districts; in each an enterprise that held 科小 in 2018 (its 2019
    evaluation is due) and holds 科小 and 雏鹰 on 2019-06-30."""
    load_shifan()
    made = {
        "baodi": make_enterprise("dakoutun", name="宝坻培育企业"),
        "shifan": make_enterprise("sf-hexi", name="示范培育企业"),
    }
    for firm in made.values():
        grant(firm, K.TECH_SME, D(2018, 3, 1), D(2018, 12, 31))
        grant(firm, K.TECH_SME, D(2019, 1, 10), D(2019, 12, 31), number="x")
        grant(firm, K.CHUYING, D(2019, 5, 1), D(2022, 4, 30))
    return made


# --- what each district starts with ---------------------------------------------


def test_each_loaded_district_gets_the_defaults_and_its_files_dates(world) -> None:
    for code in ("baodi", "shifan"):
        assert ladder_load(district(code)) == (DEFAULT_ORDER, "高新技术企业")
        assert ReminderType.objects.filter(district__code=code).count() == 7
    assert due_2019("baodi") == D(2019, 10, 31)  # the default
    assert due_2019("shifan") == D(2019, 9, 30)  # shifan.yaml's own


def test_loading_a_district_file_again_keeps_hqs_edits(world) -> None:
    tier_ladder_set(
        district=district("shifan"), tiers=[CHUYING], mark=None, actor=person("sf_hq")
    )
    district_init(config=district_config_load("shifan"))
    assert ladder_load(district("shifan")) == ((CHUYING,), None)
    assert ReminderType.objects.filter(district__code="shifan").count() == 7


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"reminder_dates": [{"type": "nope", "year": 2019, "due_on": "2019-9-1"}]}, "第1项"),
        ({"reminder_dates": [{"type": EVALUATION, "year": 2019, "due_on": "9月"}]}, "不是日期"),
        ({"ladder": [SME, "不存在"]}, "不是资质类型"),
    ],
)  # fmt: skip
def test_a_bad_cultivation_section_is_refused_and_nothing_is_made(
    db: Any, section: dict[str, Any], message: str
) -> None:
    config = district_config_load("shifan") | {"cultivation": section}
    with pytest.raises(DistrictConfigError, match=message):
        district_init(config=config)
    assert not District.objects.filter(code="shifan").exists()
    assert not TierRung.objects.exists()


# --- who edits what ------------------------------------------------------------


def test_baodi_hqs_date_leaves_shifans_calendar_alone(world) -> None:
    page = client_for(person("hq")).post(
        "/cultivation/reminders/settings/",
        {"type": EVALUATION, "year": "2019", "due_on": "2019-11-15"},
    )
    assert page.status_code == 302
    assert due_2019("baodi") == D(2019, 11, 15)
    assert due_2019("shifan") == D(2019, 9, 30)
    event = AuditEvent.objects.get(action=CultivationAction.REMINDER_DATE_SET)
    assert event.changes["district"] == [None, "天津市宝坻区"]


def test_shifan_hqs_date_and_ladder_are_shifans_only(world) -> None:
    sf = client_for(person("sf_hq"))
    sf.post(
        "/cultivation/reminders/settings/",
        {"type": EVALUATION, "year": "2019", "due_on": "2019-08-31"},
    )
    sf.post("/cultivation/tiers/ladder/", {"tiers": "雏鹰企业\n科技型中小企业"})
    assert (due_2019("baodi"), due_2019("shifan")) == (D(2019, 10, 31), D(2019, 8, 31))
    assert ladder_load(district("shifan")) == ((CHUYING, SME), None)
    assert ladder_load(district("baodi")) == (DEFAULT_ORDER, "高新技术企业")


def test_an_hq_may_not_change_another_districts_settings(world) -> None:
    with pytest.raises(PermissionDenied, match="只能修改本区"):
        reminder_date_set(
            reminder_type=evaluation("shifan"),
            year=2020,
            opens_on=None,
            due_on=D(2020, 9, 1),
            actor=person("hq"),
        )
    with pytest.raises(PermissionDenied, match="只能修改本区"):
        tier_ladder_set(
            district=district("baodi"), tiers=[SME], mark=None, actor=person("sf_hq")
        )
    assert not ReminderDate.objects.filter(year=2020).exists()
    assert ladder_load(district("baodi")) == (DEFAULT_ORDER, "高新技术企业")


@pytest.mark.parametrize("who", ["town_a", "sf_town", "leader", "auditor", "city"])
def test_others_edit_no_districts_settings(world, who: str) -> None:
    c = client_for(person(who))
    for query in ("", "?district=shifan"):
        assert c.get(f"/cultivation/tiers/ladder/{query}").status_code == 403
        posted = c.post(
            f"/cultivation/reminders/settings/{query}",
            {"type": EVALUATION, "year": "2019", "due_on": "2019-12-01"},
        )
        assert posted.status_code in (403, 404)
    assert (due_2019("baodi"), due_2019("shifan")) == (D(2019, 10, 31), D(2019, 9, 30))


def test_the_city_reads_one_districts_settings_or_every_districts(world) -> None:
    city = client_for(person("city"))
    shifan = city.get("/cultivation/reminders/settings/?district=shifan").content
    text = shifan.decode()
    assert SHIFAN_2019 in text and BAODI_2019 not in text
    assert 'name="type"' not in text  # no form to change them
    every = city.get("/cultivation/reminders/settings/").content.decode()
    assert SHIFAN_2019 in every and BAODI_2019 in every and "<th>区</th>" in every


def test_a_mark_of_done_goes_on_the_enterprises_own_districts_reminder(world) -> None:
    firm = world["shifan"]
    client_for(person("sf_hq")).post(
        "/cultivation/reminders/mark/",
        {"type": EVALUATION, "enterprise": firm.pk, "year": "2019"},
    )
    done = ReminderDone.objects.get(enterprise=firm)
    assert done.reminder_type == evaluation("shifan")
    with pytest.raises(ValidationError, match="另一个区"):
        reminder_complete(
            reminder_type=evaluation("baodi"),
            enterprise=firm,
            year=2020,
            done_on=D(2020, 1, 1),
            actor=None,
        )


# --- readers --------------------------------------------------------------------


def _due_days(user: Any, **kw: Any) -> dict[str, set[dt.date]]:
    cal = reminder_calendar(user, today=D(2019, 9, 15), ahead_days=60, **kw)
    found: dict[str, set[dt.date]] = {}
    for name in ("overdue", "upcoming", "open_now", "done"):
        for item in getattr(cal, name):
            if item.reminder_type.code == EVALUATION and item.year == 2019:
                found.setdefault(item.enterprise.name, set()).add(item.due_on)
    return found


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("hq", {"宝坻培育企业": {D(2019, 10, 31)}}),
        ("town_a", {"宝坻培育企业": {D(2019, 10, 31)}}),
        ("sf_hq", {"示范培育企业": {D(2019, 9, 30)}}),
        ("sf_town", {"示范培育企业": {D(2019, 9, 30)}}),
        ("leader", {"宝坻培育企业": {D(2019, 10, 31)}}),
        ("auditor", {"宝坻培育企业": {D(2019, 10, 31)}}),
        (
            "city",
            {"宝坻培育企业": {D(2019, 10, 31)}, "示范培育企业": {D(2019, 9, 30)}},
        ),
    ],
)
def test_each_districts_reminders_use_its_own_dates(world, who: str, seen) -> None:  # type: ignore[no-untyped-def]
    assert _due_days(person(who)) == seen


def test_the_city_narrows_the_calendar_to_one_district(world) -> None:
    city = person("city")
    assert _due_days(city, district=district("shifan")) == {
        "示范培育企业": {D(2019, 9, 30)}
    }
    page = client_for(city).get(
        "/cultivation/reminders/", {"on": "2019-09-15", "ahead": "60"}
    )
    assert "<th>区</th>" in page.content.decode()


def _shifan_ladder_reversed() -> None:
    tier_ladder_set(
        district=district("shifan"),
        tiers=[CHUYING, SME],
        mark="高新技术企业",
        actor=person("sf_hq"),
    )


def test_tiers_are_on_each_enterprises_district_ladder(world) -> None:
    _shifan_ladder_reversed()
    day = D(2019, 6, 30)
    tiers = {r.enterprise.name: r.tier for r in tier_rows_for(person("city"), day)}
    assert tiers == {"宝坻培育企业": CHUYING, "示范培育企业": SME}
    own = tier_rows_for(person("sf_hq"), day)
    assert [(r.enterprise.name, r.tier) for r in own] == [("示范培育企业", SME)]
    assert own.ladder == (CHUYING, SME)
    assert portrait_for(world["shifan"], day).tier.name == SME
    assert portrait_for(world["baodi"], day).tier.name == CHUYING
    figures, _ = tier_figures(person("sf_hq"), day)
    assert [(f.label, f.value) for f in figures] == [(CHUYING, 0), (SME, 1)]


def test_the_city_picks_a_district_on_the_tiers_page(world) -> None:
    _shifan_ladder_reversed()
    city = client_for(person("city"))
    picked = city.get("/cultivation/tiers/", {"on": "2019-06-30", "district": "shifan"})
    text = picked.content.decode()
    assert "雏鹰企业 → 科技型中小企业" in text and "宝坻培育企业" not in text
    every = city.get("/cultivation/tiers/", {"on": "2019-06-30"}).content.decode()
    assert (
        "<th>区</th>" in every and "宝坻培育企业" in every and "示范培育企业" in every
    )
    assert city.get("/cultivation/tiers/", {"district": "nope"}).status_code == 404
    assert (
        client_for(person("hq"))
        .get("/cultivation/tiers/", {"district": "shifan"})
        .status_code
        == 404
    )  # another district is out of Baodi's scope


def test_the_tiers_download_keeps_the_picked_district(world) -> None:
    from keqi.accounts.tests.test_districts import xlsx_text

    city = client_for(person("city"))
    got = city.get(
        "/cultivation/tiers/",
        {"on": "2019-06-30", "district": "shifan", "format": "xlsx"},
    )
    text = xlsx_text(got.content)
    assert "示范培育企业" in text and "宝坻培育企业" not in text


def _api_tier(client: Client | Api, firm: Enterprise) -> Any:
    body = client.get(f"/api/v1/enterprises/{firm.uscc}/verdicts/", as_of="2019-06-30")
    assert body.status_code == 200, body.content
    return body.json()["results"][0]["tier"]


def test_the_apis_tier_is_on_the_enterprises_district_ladder(world) -> None:
    _shifan_ladder_reversed()
    city = Api(token_for(person("city")))
    assert _api_tier(city, world["shifan"]) == SME
    assert _api_tier(city, world["baodi"]) == CHUYING
    assert _api_tier(Api(token_for(person("sf_hq"))), world["shifan"]) == SME
    listed = city.get("/api/v1/verdicts/", as_of="2019-06-30").json()["results"]
    assert {r["name"]: r["tier"] for r in listed} == {
        "宝坻培育企业": CHUYING,
        "示范培育企业": SME,
    }


def test_a_districts_command_line_report_is_on_its_ladder(
    world: dict[str, Enterprise], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from keqi.cli import main

    _shifan_ladder_reversed()
    command = ["evaluate", "--registry", "--as-of", "2019-06-30", "--format", "json"]
    capsys.readouterr()
    assert main([*command, "--district", "shifan"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["tier"]) for r in report["results"]] == [
        ("示范培育企业", SME)
    ]
