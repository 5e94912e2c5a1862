"""The 创新创业大赛: rounds, entries, awards, and who may record them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from keqi.activities.models import ActivityKind, Award
from keqi.activities.selectors import entries_for
from keqi.activities.services import (
    activity_create,
    contest_entry_save,
    contest_round_set,
)
from keqi.activities.tests.helpers import client_for, unit
from keqi.core.testing import make_enterprise

pytestmark = pytest.mark.django_db


def _contest():  # type: ignore[no-untyped-def]
    return activity_create(
        values={
            "kind": ActivityKind.CONTEST,
            "title": "宝坻区第三届创新创业大赛",
            "held_on": dt.date(2019, 7, 10),
            "ends_on": dt.date(2019, 9, 20),
            "organiser": unit("hq"),
            "edition": 3,
        },
        actor=None,
    )


def test_entries_record_how_far_they_went_and_what_they_won(hq) -> None:  # type: ignore[no-untyped-def]
    contest = _contest()
    final = contest_round_set(
        activity=contest, number=3, name="决赛", held_on=dt.date(2019, 9, 20), actor=hq
    )
    firm = make_enterprise()
    entry = contest_entry_save(
        activity=contest,
        values={
            "project": "石墨烯导热膜",
            "enterprise": firm,
            "reached": final,
            "award": Award.FIRST,
        },
        actor=hq,
    )
    team = contest_entry_save(
        activity=contest,
        values={"project": "农业无人机植保", "team": "宝坻青年创客团队"},
        actor=hq,
    )
    assert entry.entrant == firm.name and team.entrant == "宝坻青年创客团队"
    page = client_for(hq).get(f"/activities/{contest.pk}/").content.decode()
    assert "石墨烯导热膜" in page and "一等奖" in page and "决赛" in page


def test_an_entry_needs_an_enterprise_or_a_team_and_a_unique_project(hq) -> None:  # type: ignore[no-untyped-def]
    contest = _contest()
    with pytest.raises(ValidationError):
        contest_entry_save(activity=contest, values={"project": "无名项目"}, actor=hq)
    contest_entry_save(
        activity=contest, values={"project": "项目甲", "team": "甲队"}, actor=hq
    )
    with pytest.raises(ValidationError):
        contest_entry_save(
            activity=contest, values={"project": "项目甲", "team": "乙队"}, actor=hq
        )


def test_a_round_outside_the_contest_dates_is_refused(hq) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        contest_round_set(
            activity=_contest(),
            number=1,
            name="初赛",
            held_on=dt.date(2019, 6, 1),
            actor=hq,
        )


def test_a_town_sees_its_own_entries_but_not_teams_or_other_towns(town_a) -> None:  # type: ignore[no-untyped-def]
    contest = _contest()
    ours, theirs = make_enterprise("dakoutun"), make_enterprise("koudong")
    for name, firm in (("项目一", ours), ("项目二", theirs)):
        contest_entry_save(
            activity=contest, values={"project": name, "enterprise": firm}, actor=None
        )
    contest_entry_save(
        activity=contest, values={"project": "项目三", "team": "团队"}, actor=None
    )
    assert [e.project for e in entries_for(town_a, contest)] == ["项目一"]
    client = client_for(town_a)
    assert client.get(f"/activities/{contest.pk}/entries/new/").status_code == 404
