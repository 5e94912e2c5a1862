"""Is this installation working? The answer behind `/healthz`.

Two things are checked:

- the database answers a query;
- the background task worker is alive. django-tasks' database worker keeps no
  heartbeat of its own, so `keqi worker` (which `keqi serve` starts) writes one to
  ``KEQI_VAR_DIR/worker-heartbeat.json`` every few seconds. When that file is there
  and old, the worker has died. When it is not there (the worker runs on another
  machine with its own var/ directory, or was never started), the queue tells
  instead: tasks waiting long with none running means nobody is working on them.

Plain functions, so a test or a monitoring script can call them without HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_FILENAME = "worker-heartbeat.json"
# How often `keqi worker` writes its heartbeat.
HEARTBEAT_INTERVAL_SECONDS = 15


@dataclass
class Health:
    """The verdict and the facts behind it; ``ok`` decides 200 or 503."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    database: dict[str, Any] = field(default_factory=dict)
    worker: dict[str, Any] = field(default_factory=dict)
    queue: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "error",
            "problems": self.problems,
            "database": self.database,
            "worker": self.worker,
            "queue": self.queue,
        }


def heartbeat_path() -> Path:
    return Path(settings.VAR_DIR) / HEARTBEAT_FILENAME


def heartbeat_write(*, worker_id: str, now: dt.datetime | None = None) -> None:
    """Record that the worker is alive (atomic replace, so a reader never sees
    half a file)."""
    path = heartbeat_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    moment = now or timezone.now()
    payload = {"at": moment.isoformat(), "pid": os.getpid(), "worker_id": worker_id}
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(payload), encoding="utf-8")
    partial.replace(path)


def heartbeat_read() -> dict[str, Any] | None:
    """The last heartbeat, or None when no worker has written one here."""
    try:
        data = json.loads(heartbeat_path().read_text(encoding="utf-8"))
        data["at"] = dt.datetime.fromisoformat(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return dict(data)


def health_check(now: dt.datetime | None = None) -> Health:
    """Check the database, then the worker; never raises."""
    moment = now or timezone.now()
    health = Health(ok=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: the database did not answer")
        health.ok = False
        health.database = {"ok": False}
        health.problems.append("数据库无法连接或无响应")
        health.worker = {"status": "unknown"}
        return health
    health.database = {"ok": True, "vendor": connection.vendor}
    if not _uses_database_worker():
        health.worker = {"status": "not_used"}
        return health
    _check_worker(health, moment)
    return health


def _uses_database_worker() -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db.")


def _check_worker(health: Health, now: dt.datetime) -> None:
    stale_after = int(settings.KEQI_WORKER_STALE_SECONDS)
    beat = heartbeat_read()
    if beat is None:
        health.worker = {"status": "unknown"}
    else:
        age = max(0, int((now - beat["at"]).total_seconds()))
        fresh = age <= stale_after
        health.worker = {
            "status": "ok" if fresh else "stale",
            "last_heartbeat": beat["at"].isoformat(),
            "age_seconds": age,
            "pid": beat.get("pid"),
        }
        if not fresh:
            health.ok = False
            health.problems.append(
                f"后台任务进程已 {age} 秒没有心跳（超过 {stale_after} 秒），可能已停止"
            )
    _check_queue(health, now)


def _check_queue(health: Health, now: dt.datetime) -> None:
    from django.db.models import Count, Min
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.aggregate(oldest=Min("enqueued_at"), n=Count("id"))
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
    except DatabaseError:
        logger.exception("healthz: the task queue could not be read")
        health.ok = False
        health.problems.append("无法读取后台任务队列（数据库可能尚未初始化）")
        return
    oldest = waiting["oldest"]
    waited = max(0, int((now - oldest).total_seconds())) if oldest else 0
    health.queue = {
        "waiting": waiting["n"],
        "running": running,
        "oldest_waiting_seconds": waited,
    }
    limit = int(settings.KEQI_QUEUE_STALE_SECONDS)
    if waited > limit and running == 0:
        health.ok = False
        health.problems.append(
            f"有后台任务已等待 {waited} 秒且无任务在执行，后台任务进程可能未运行"
        )
