"""An evaluation run belongs to a district (issue 17).

Each district's HQ evaluates its own enterprises only; every role of a district
lists, opens, compares and downloads its own runs and verdicts and gets a 404
on the other district's (page, verdict, progress, API). The city reads every
district's runs and starts none. `keqi evaluate --registry --district` stores a
run of one district; without it, on an install of several districts, a
city-wide run only the city reads. Pruning keeps each district's latest run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from keqi.accounts.models import District, User
from keqi.accounts.tests.test_district_reach import shown_text
from keqi.accounts.tests.test_districts import firms, person  # noqa: F401
from keqi.api.services import api_token_create
from keqi.evaluations.models import EvaluatedEnterprise, EvaluationRun, RunTrigger
from keqi.evaluations.retention import prune_plan
from keqi.evaluations.services import (
    evaluation_run_create,
    evaluation_run_execute,
    evaluation_run_request,
)
from keqi.evaluations.tests.helpers import AS_OF, verdict_of
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db

BAODI_ROLES = ["hq", "leader", "member", "town_a", "auditor", "finance"]
SHIFAN_ROLES = ["sf_hq", "sf_town"]


def run_by(name: str, **more: Any) -> EvaluationRun:
    run = evaluation_run_create(
        as_of=AS_OF, trigger=RunTrigger.CLI, actor=person(name), **more
    )
    return evaluation_run_execute(run=run)


@pytest.fixture
def runs(firms: dict[str, Enterprise]) -> dict[str, EvaluationRun]:  # noqa: F811
    return {"baodi": run_by("hq"), "shifan": run_by("sf_hq")}


def api(user: User) -> tuple[Client, dict[str, str]]:
    key = api_token_create(user=user, name="对接", actor=user).key
    return Client(), {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_a_districts_run_evaluates_that_districts_enterprises_only(
    firms: dict[str, Enterprise],  # noqa: F811
    runs: dict[str, EvaluationRun],
) -> None:
    for code, run in runs.items():
        assert run.district == District.objects.get(code=code)
        assert run.total == 1
        evaluated = EvaluatedEnterprise.objects.filter(run=run)
        assert [e.enterprise_id for e in evaluated] == [firms[code].pk]


def _urls(run: EvaluationRun, firm: Enterprise) -> list[str]:
    verdict = verdict_of(run, firm)
    return [
        f"/evaluations/runs/{run.pk}/",
        f"/evaluations/runs/{run.pk}/?programme=tech_sme&outcome=eligible",
        f"/evaluations/verdicts/{verdict.pk}/",
        f"/evaluations/compare/?after={run.pk}",
        f"/api/v1/evaluations/{run.pk}/verdicts/",
    ]


def _sees(
    name: str,
    own: str,
    other: str,
    runs: dict[str, EvaluationRun],
    made: dict[str, Enterprise],
) -> None:
    user = person(name)
    c, auth = api(user)
    c.force_login(user)
    for url in _urls(runs[other], made[other]):
        assert c.get(url, **auth).status_code == 404, url
    index = c.get("/evaluations/").content.decode()
    assert f"/evaluations/runs/{runs[own].pk}/" in index
    assert f"/evaluations/runs/{runs[other].pk}/" not in index
    listed = c.get("/api/v1/evaluations/", **auth).json()
    assert [r["id"] for r in listed["results"]] == [runs[own].pk]
    assert listed["count"] == 1
    assert listed["results"][0]["district"] == own
    compare = c.get("/evaluations/compare/").content.decode()
    assert f"第 {runs[other].pk} 次 · 基准日" not in compare
    # one run of its own: the other district's does not make two to compare
    assert "至少需要两次已完成的评价才能比较" in compare
    page = c.get(f"/evaluations/runs/{runs[own].pk}/?programme=tech_sme")
    assert page.status_code == 200
    text = shown_text(page)
    assert made[other].name not in text
    assert made[own].name in text


@pytest.mark.parametrize("name", BAODI_ROLES)
def test_baodi_roles_see_their_runs_and_404_on_shifans(
    firms: dict[str, Enterprise],  # noqa: F811
    runs: dict[str, EvaluationRun],
    name: str,
) -> None:
    _sees(name, "baodi", "shifan", runs, firms)


@pytest.mark.parametrize("name", SHIFAN_ROLES)
def test_shifan_roles_see_their_runs_and_404_on_baodis(
    firms: dict[str, Enterprise],  # noqa: F811
    runs: dict[str, EvaluationRun],
    name: str,
) -> None:
    _sees(name, "shifan", "baodi", runs, firms)


def test_the_city_reads_every_districts_runs_and_starts_none(
    firms: dict[str, Enterprise],  # noqa: F811
    runs: dict[str, EvaluationRun],
) -> None:
    city = person("city")
    c, auth = api(city)
    c.force_login(city)
    for code, run in runs.items():
        for url in _urls(run, firms[code]):
            assert c.get(url, **auth).status_code == 200, url
    listed = c.get("/api/v1/evaluations/", **auth).json()
    assert {r["id"] for r in listed["results"]} == {r.pk for r in runs.values()}
    index = c.get("/evaluations/").content.decode()
    assert "示范区（虚构）" in index and "发起评价" not in index
    assert c.post("/evaluations/start/", {"as_of": "2019-06-30"}).status_code == 403
    with pytest.raises(PermissionDenied):
        evaluation_run_create(as_of=AS_OF, trigger=RunTrigger.CLI, actor=city)
    assert EvaluationRun.objects.count() == 2


def test_hq_starts_a_run_of_its_own_district_only(
    firms: dict[str, Enterprise],  # noqa: F811
) -> None:
    hq = person("hq")
    shifan = District.objects.get(code="shifan")
    with pytest.raises(PermissionDenied):
        evaluation_run_create(
            as_of=AS_OF, trigger=RunTrigger.CLI, actor=hq, district=shifan
        )
    c = Client()
    c.force_login(hq)
    c.post("/evaluations/start/", {"as_of": "2019-06-30"})
    run = EvaluationRun.objects.get()
    assert run.district is not None and run.district.code == "baodi"
    # 示范区 waiting for the same day does not block Baodi, nor Baodi 示范区
    theirs = evaluation_run_request(as_of=AS_OF, actor=person("sf_hq"))
    assert theirs.district == shifan


def test_the_command_line_evaluates_a_named_district_or_the_whole_city(
    firms: dict[str, Enterprise],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    from keqi.cli import main

    day = AS_OF.isoformat()
    common = ["evaluate", "--registry", "--as-of", day, "--format", "table"]
    assert main([*common, "--district", "shifan"]) == 0
    run = EvaluationRun.objects.get()
    assert run.district is not None and run.district.code == "shifan"
    assert run.total == 1
    assert main([*common, "--district", "mars"]) == 2
    assert "未配置的区：mars" in capsys.readouterr().out
    assert main(["evaluate", "x.xlsx", "--district", "shifan"]) == 2
    assert main(common) == 0  # two districts, none named: the whole city
    city_wide = EvaluationRun.objects.latest("pk")
    assert city_wide.district is None and city_wide.total == 2
    c = Client()
    c.force_login(person("hq"))
    assert c.get(f"/evaluations/runs/{city_wide.pk}/").status_code == 404
    c.force_login(person("city"))
    assert c.get(f"/evaluations/runs/{city_wide.pk}/").status_code == 200


def test_pruning_keeps_each_districts_latest_run(
    runs: dict[str, EvaluationRun],
) -> None:
    newer = run_by("sf_hq")  # 示范区's newer run, same month
    old = timezone.now() - dt.timedelta(days=800)
    EvaluationRun.objects.update(requested_at=old)
    EvaluationRun.objects.filter(pk=newer.pk).update(
        requested_at=old + dt.timedelta(days=1)
    )
    plan = prune_plan(days=365)
    assert plan.kept == {runs["baodi"].pk: "latest", newer.pk: "latest"}
    assert [r.pk for r in plan.prune] == [runs["shifan"].pk]
