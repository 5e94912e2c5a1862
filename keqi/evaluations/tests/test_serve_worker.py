"""`keqi serve` runs a task worker beside the web server when tasks go to the database."""

from __future__ import annotations

import sys

from keqi.core.commands import worker_command


def test_serve_starts_the_database_worker_without_autoreload() -> None:
    tasks = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert worker_command(tasks) == [
        sys.executable,
        *("-m", "keqi", "manage", "db_worker", "--no-reload"),
    ]


def test_no_worker_when_tasks_do_not_go_through_the_database() -> None:
    immediate = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    assert worker_command(immediate) is None
