"""Time the background evaluation: every enterprise evaluated and stored, end to end.

    .venv/bin/python bench/evaluate_background.py [--n 10000]

Builds N demo-like enterprises (keqi.core.demo's generator, written with the
registry's bulk path) in a throw-away SQLite file (or KEQI_DATABASE_URL, which
must then name an empty database),
then runs the background task exactly as the worker does: a run requested as HQ,
the django-tasks task called, progress read back from the run record while it
works. Prints a progress line per chunk, the stored size, and `seconds: X` last
(the task alone: reading facts, evaluating, writing every verdict).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AS_OF = dt.date(2019, 9, 30)


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("KEQI_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("KEQI_VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from keqi.accounts.services import district_config_load, district_init

    call_command("migrate", verbosity=0)
    district_init(config=district_config_load("baodi"))


def load(n: int) -> None:
    """N generated enterprises with their figures, IP, qualifications, credit."""
    from keqi.accounts.models import Area
    from keqi.core.demo.generator import CONFIG, build_dataset
    from keqi.core.demo.load import stored
    from keqi.registry import models as m
    from keqi.registry.services import registry_rows_create

    data = build_dataset(replace(CONFIG, seed=7).scaled(n))
    areas = {a.code: a for a in Area.objects.all()}
    made = registry_rows_create(
        items=[
            (m.Enterprise(uscc=e.uscc), {**e.values, "area": areas[e.area]})
            for e in data
        ],
        actor=None,
    )
    rows = {u.row.uscc: u.row for u in made}

    def create(items: list[tuple[Any, dict[str, Any]]]) -> None:
        if items:
            registry_rows_create(items=items, actor=None)

    create(
        [
            (m.AnnualFigures(enterprise=rows[e.uscc], year=y), stored(v))
            for e in data
            for y, v in e.figures.items()
        ]
    )
    create(
        [
            (m.IntellectualProperty(enterprise=rows[e.uscc], number=k), v)
            for e in data
            for k, v in e.ip.items()
        ]
    )
    create(
        [
            (m.Qualification(enterprise=rows[e.uscc], kind=k), stored(v))
            for e in data
            for k, v in e.qualifications
        ]
    )
    create([(m.CreditRecord(enterprise=rows[e.uscc], kind=k, occurred_on=d), v) for e in data for k, d, v in e.credits])  # fmt: skip


def watch(run_id: int, stop: threading.Event) -> None:
    """Read progress from the run record, as the progress page does."""
    from django.db import connection

    from keqi.evaluations.models import EvaluationRun

    last = -1
    while not stop.wait(0.2):
        run = EvaluationRun.objects.get(pk=run_id)
        if run.done != last:
            print(f"progress: {run.done} / {run.total} ({run.percent}%)", flush=True)
            last = run.done
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="keqi-bench-"))
    setup_django(workdir)
    from keqi.core.testing import persona
    from keqi.evaluations.models import EvaluationRun, RunTrigger
    from keqi.evaluations.services import evaluation_run_create
    from keqi.evaluations.tasks import evaluation_run_task

    started = time.perf_counter()
    load(args.n)
    print(f"enterprises loaded: {args.n} in {time.perf_counter() - started:.1f} s")
    run = evaluation_run_create(
        as_of=AS_OF, trigger=RunTrigger.BUTTON, actor=persona("hq")
    )
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(run.pk, stop))
    watcher.start()
    started, cpu = time.perf_counter(), time.process_time()
    evaluation_run_task.call(run.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    stop.set()
    watcher.join()
    run = EvaluationRun.objects.get(pk=run.pk)
    print(
        f"status: {run.get_status_display()}, {run.done} enterprises, {run.verdicts} verdicts"
    )
    db = workdir / "bench.sqlite3"
    if db.exists():
        print(f"database file: {db.stat().st_size / 1e6:.0f} MB")
    shutil.rmtree(workdir, ignore_errors=True)  # our own scratch directory
    print(f"process CPU seconds: {cpu:.2f} (wall time below; the VM is shared)")
    print(f"seconds: {seconds:.2f}")


if __name__ == "__main__":
    main()
