"""/healthz: monitoring asks, without logging in, whether keqi works."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from keqi.core import commands
from keqi.core.health import heartbeat_path, heartbeat_read, heartbeat_write
from keqi.evaluations.tasks import evaluation_run_task


@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.KEQI_WORKER_STALE_SECONDS = 120
    settings.KEQI_QUEUE_STALE_SECONDS = 900
    return tmp_path


def queue_task(waited: dt.timedelta) -> DBTaskResult:
    evaluation_run_task.enqueue(run_id=0)
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - waited, run_after=timezone.now() - waited
    )
    return task


@pytest.mark.django_db
def test_healthy_site_answers_200_without_login() -> None:
    heartbeat_write(worker_id="w1")
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["database"]["ok"] is True
    assert body["worker"]["status"] == "ok"
    assert body["queue"] == {"waiting": 0, "running": 0, "oldest_waiting_seconds": 0}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_dead_worker_heartbeat_gives_503_with_a_chinese_reason() -> None:
    heartbeat_write(worker_id="w1", now=timezone.now() - dt.timedelta(minutes=10))
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["worker"]["status"] == "stale"
    assert body["worker"]["age_seconds"] >= 600
    assert "后台任务进程" in body["problems"][0] and "心跳" in body["problems"][0]


@pytest.mark.django_db
def test_without_a_heartbeat_a_stuck_queue_gives_503() -> None:
    queue_task(waited=dt.timedelta(hours=1))
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"]["status"] == "unknown"
    assert body["queue"]["waiting"] == 1
    assert body["queue"]["oldest_waiting_seconds"] >= 3600
    assert "后台任务进程可能未运行" in body["problems"][0]


@pytest.mark.django_db
def test_a_task_queued_a_moment_ago_is_not_a_problem() -> None:
    queue_task(waited=dt.timedelta(seconds=5))
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "unknown"


@pytest.mark.django_db
def test_a_database_that_does_not_answer_gives_503_without_the_error_text() -> None:
    failing = mock.Mock(side_effect=OperationalError("password for secretuser"))
    with mock.patch("keqi.core.health.connection.cursor", failing):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False}
    assert body["problems"] == ["数据库无法连接或无响应"]
    assert "secretuser" not in response.content.decode()


@pytest.mark.django_db
def test_no_worker_check_when_tasks_do_not_go_through_the_database(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == {"status": "not_used"}


@pytest.mark.django_db
def test_healthz_answers_plain_http_on_the_server_itself_when_https_is_enforced(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_healthz_refuses_writes() -> None:
    assert Client().post("/healthz").status_code == 405


def test_keqi_worker_writes_a_heartbeat_while_it_runs() -> None:
    seen: list[dict[str, object] | None] = []

    def fake_worker(name: str, **options: object) -> None:
        # The heartbeat thread writes at once; wait for it, as a real worker would run.
        for _ in range(200):
            if heartbeat_path().exists():
                break
            time.sleep(0.01)
        seen.append(heartbeat_read())
        seen.append({"name": name, **options})

    with mock.patch("django.core.management.call_command", fake_worker):
        assert commands.cmd_worker(argparse.Namespace()) == 0
    beat, call = seen
    assert beat is not None and beat["worker_id"] == call["worker_id"]
    assert call["name"] == "db_worker" and call["reload"] is False
