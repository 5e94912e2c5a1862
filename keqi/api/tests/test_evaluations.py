"""Verdicts follow HQ's rule edits (engine_setup), and stored evaluation runs can be
read back with each verdict as it was given then, scoped like the pages."""

from __future__ import annotations

from typing import Any

import pytest

from keqi.api.tests.helpers import api_as
from keqi.criteria.services import param_edit_save, programme_definition_save
from keqi.criteria.tests.helpers import D, leader_definition, tech_sme_firm
from keqi.evaluations.tests.helpers import candidate, run_now

pytestmark = pytest.mark.django_db


def _tech_sme(api: Any, uscc: str) -> dict[str, Any]:
    path = f"/api/v1/enterprises/{uscc}/verdicts/"
    body = api.get(path, as_of="2019-09-30").json()
    result: dict[str, Any] = body["results"][0]["programmes"]["tech_sme"]
    return result


def test_an_hq_parameter_edit_reaches_the_api_verdicts(hq: Any) -> None:
    firm = tech_sme_firm()
    api = api_as("hq")
    assert _tech_sme(api, firm.uscc)["outcome"] == "eligible"
    param_edit_save(
        param_id="tech_sme.staff_max",
        value_text="≤ 50",
        effective_from=D(2019, 1, 1),
        status="confirmed",
        reason="测试",
        actor=hq,
    )
    after = _tech_sme(api, firm.uscc)
    assert after["outcome"] == "ineligible"
    assert after["overridden"] == ["tech_sme.staff_max"]


def test_a_programme_composed_by_hq_can_be_asked_for_by_key(hq: Any) -> None:
    firm = tech_sme_firm()
    api = api_as("hq")
    path = f"/api/v1/enterprises/{firm.uscc}/verdicts/"
    assert api.get(path, programme="tech_leader").status_code == 400
    programme_definition_save(
        key="tech_leader", definition=leader_definition(), reason="测试", actor=hq
    )
    body = api.get(path, programme="tech_leader", as_of="2019-09-30").json()
    assert list(body["results"][0]["programmes"]) == ["tech_leader"]


def test_stored_runs_and_their_verdicts_are_read_back_as_given() -> None:
    own, other = candidate("dakoutun"), candidate("koudong")
    run = run_now()
    hq = api_as("hq")
    runs = hq.get("/api/v1/evaluations/").json()
    assert runs["count"] == 1 and runs["results"][0]["id"] == run.pk
    assert runs["results"][0]["as_of"] == "2019-06-30"
    path = f"/api/v1/evaluations/{run.pk}/verdicts/"
    verdicts = hq.get(path, programme="tech_sme").json()
    assert {v["uscc"] for v in verdicts["results"]} == {own.uscc, other.uscc}
    first = verdicts["results"][0]
    assert first["result"]["outcome"] == first["outcome"]
    assert verdicts["run"]["rules_version"] == run.rules_version
    town = api_as("town_a").get(path, programme="tech_sme").json()
    assert [v["uscc"] for v in town["results"]] == [own.uscc]
    assert api_as("town_a").get(path, area="koudong").status_code == 400
    assert hq.get("/api/v1/evaluations/999999/verdicts/").status_code == 404
