"""Evaluation pages through the test client: button, progress, verdict, flips, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keqi.core.testing import PASSWORD, add_figures
from keqi.evaluations.models import EvaluationRun, RunStatus, RunTrigger
from keqi.evaluations.tasks import evaluation_run_task
from keqi.evaluations.tests.helpers import (
    AS_OF,
    candidate,
    run_now,
    verdict_of,
    wider_cap,
)

pytestmark = pytest.mark.django_db
REFRESH = '<meta http-equiv="refresh"'


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def start(client: Client, day: str = "2019-06-30"):  # type: ignore[no-untyped-def]
    return client.post(reverse("evaluations:start"), {"as_of": day})


def test_hq_queues_a_run_and_its_page_refreshes_until_the_worker_is_done(
    hq, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    candidate()
    client = client_for(hq)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client)
    run = EvaluationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:run", args=[run.pk])
    assert (run.status, run.trigger, run.as_of) == ("queued", "button", AS_OF)
    assert run.requested_by == hq and run.task_id  # handed to the task queue
    page = client.get(response["Location"]).content.decode()
    assert REFRESH in page and "排队中" in page

    evaluation_run_task.call(run.pk)  # what the worker does with it
    page = client.get(response["Location"]).content.decode()
    assert REFRESH not in page
    assert "已完成" in page and "科技型中小企业" in page


def test_with_the_immediate_task_backend_the_button_evaluates_at_once(
    hq, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    candidate()
    with django_capture_on_commit_callbacks(execute=True):
        start(client_for(hq))
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.DONE and run.done == 1


def test_a_second_click_while_the_first_waits_is_refused(hq) -> None:  # type: ignore[no-untyped-def]
    client = client_for(hq)
    start(client)
    response = start(client)
    assert response["Location"] == reverse("evaluations:index")
    assert EvaluationRun.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "已在排队" in page


def test_a_bad_date_is_refused_in_chinese_and_starts_nothing(hq) -> None:  # type: ignore[no-untyped-def]
    client = client_for(hq)
    response = start(client, "2019-13-45")
    assert not EvaluationRun.objects.exists()
    assert "评价基准日" in client.get(response["Location"]).content.decode()


def test_only_hq_sees_the_button_and_others_get_403(town_a, member, leader) -> None:  # type: ignore[no-untyped-def]
    for user in (town_a, member, leader):
        client = client_for(user)
        assert (
            "评价全部企业"
            not in client.get(reverse("evaluations:index")).content.decode()
        )
        assert start(client).status_code == 403
    assert not EvaluationRun.objects.exists()


def test_town_user_gets_404_on_another_towns_verdict(town_a) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = candidate("dakoutun"), candidate("koudong")
    run = run_now()
    client = client_for(town_a)
    url = reverse("evaluations:verdict", args=[verdict_of(run, theirs).pk])
    assert client.get(url).status_code == 404
    own = reverse("evaluations:verdict", args=[verdict_of(run, mine).pk])
    assert client.get(own).status_code == 200


def test_a_town_user_counts_and_lists_only_its_own_enterprises(town_a) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = candidate("dakoutun"), candidate("koudong")
    run = run_now()
    page = client_for(town_a).get(reverse("evaluations:run", args=[run.pk]))
    text = page.content.decode()
    assert mine.uscc in text and theirs.uscc not in text
    assert all(c.total == 1 for c in page.context["counts"])


def test_the_run_page_lists_verdicts_in_a_fixed_number_of_queries(
    hq, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(6):
        candidate(staff=300)
    run = run_now()
    client = client_for(hq)
    url = reverse("evaluations:run", args=[run.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"programme": "tech_sme", "outcome": "eligible"})
    assert len(response.context["page"]) == 6


def test_the_verdict_page_shows_inputs_rules_conditions_and_a_matching_reproduction(
    hq,
) -> None:  # type: ignore[no-untyped-def]
    ent = candidate(staff=300)
    run = run_now()
    add_figures(ent, 2018, staff_total=900)
    page = client_for(hq).get(
        reverse("evaluations:verdict", args=[verdict_of(run, ent).pk])
    )
    text = page.content.decode()
    assert "重算一致" in text
    number = run.rules_version.rpartition("/")[2]
    assert f"规则版本 {number}" in text and "职工总数上限" in text
    assert run.rules_version not in text  # the engine's code is not shown
    assert "职工总数（人）" in text and ">300<" in text  # the figure the engine saw
    assert "国科发政〔2017〕115号" in text and "满足" in text


def test_the_compare_page_links_the_flip_to_both_stored_verdicts(hq) -> None:  # type: ignore[no-untyped-def]
    ent = candidate(staff=510)
    before, after = run_now(), run_now(setup=wider_cap())
    page = client_for(hq).get(
        reverse("evaluations:compare"), {"before": before.pk, "after": after.pk}
    )
    text = page.content.decode()
    assert ent.uscc in text and "不符合条件 → 符合条件：1" in text
    for run in (before, after):
        assert reverse("evaluations:verdict", args=[verdict_of(run, ent).pk]) in text


def test_comparing_with_a_run_that_is_not_finished_is_a_404(hq) -> None:  # type: ignore[no-untyped-def]
    run_now()
    queued = EvaluationRun.objects.create(
        as_of=AS_OF, trigger=RunTrigger.BUTTON, rules_version="keqi-rules/1"
    )
    response = client_for(hq).get(reverse("evaluations:compare"), {"after": queued.pk})
    assert response.status_code == 404


def test_cultivation_navigation_links_to_the_evaluation_records(hq) -> None:  # type: ignore[no-untyped-def]
    page = client_for(hq).get(reverse("cultivation:overview")).content.decode()
    assert reverse("evaluations:index") in page


def test_a_run_without_progress_for_ten_minutes_stops_refreshing_and_says_so(
    hq,
) -> None:  # type: ignore[no-untyped-def]
    run = EvaluationRun.objects.create(
        district=hq.unit.district,
        as_of=AS_OF,
        trigger=RunTrigger.BUTTON,
        status=RunStatus.RUNNING,
        rules_version="keqi-rules/1",
        total=400,
        done=200,
    )
    url = reverse("evaluations:run", args=[run.pk])
    client = client_for(hq)
    assert REFRESH in client.get(url).content.decode()
    EvaluationRun.objects.filter(pk=run.pk).update(
        progressed_at=timezone.now() - dt.timedelta(minutes=11)
    )
    page = client.get(url).content.decode()
    assert REFRESH not in page and "可能已中断" in page
