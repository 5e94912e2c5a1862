"""`keqi serve` runs a task worker beside the web server when tasks go to the database."""

from __future__ import annotations

import sys

from keqi.core.commands import worker_command


def test_serve_starts_the_heartbeating_database_worker() -> None:
    tasks = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert worker_command(tasks) == [sys.executable, "-m", "keqi", "worker"]


def test_no_worker_when_tasks_do_not_go_through_the_database() -> None:
    immediate = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    assert worker_command(immediate) is None
