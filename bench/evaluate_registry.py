"""Whole-registry evaluation (`keqi evaluate --registry`'s stored run) at N enterprises.

    .venv/bin/python bench/evaluate_registry.py --enterprises 100000 [--db FILE] [--runs 2]

Builds N enterprises with bench/dashboard.py's `build` (three years of figures,
qualifications in the demo's shares) in a scratch SQLite file, in a child process
so that the build's own memory is not counted. Then runs the background task as
the worker does (a run requested as HQ, the django-tasks task called) `--runs`
times (as of 2019-09-30, 2019-10-31, then 2019-09-30 again), and prints per run:
seconds, the process's peak memory (ru_maxrss), the bytes the run added to the
database per enterprise, and how long the longest chunk's write transaction held
the database. Verdicts are stored as the columnar engine's codes and facts once per
distinct text, so a later run over the unchanged registry stores only its rows.
The last line is `seconds: X` for the first run.

--db FILE reuses (or keeps) the database, so a second invocation skips the build.
With KEQI_DATABASE_URL set to a PostgreSQL database the build goes there instead
(it must then be empty the first time) and sizes come from pg_total_relation_size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = (dt.date(2019, 9, 30), dt.date(2019, 10, 31), dt.date(2019, 9, 30))
TABLES = (
    "evaluations_evaluationrun",
    "evaluations_evaluatedenterprise",
    "evaluations_storedverdict",
    "evaluations_factstext",
    "evaluations_verdicttext",
    "evaluations_textdictionary",
)


def setup_django(path: Path) -> None:
    os.environ.setdefault("KEQI_DATABASE_URL", f"sqlite:///{path}")
    os.environ.setdefault("KEQI_VAR_DIR", str(path.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()


def stored_bytes(path: Path) -> int:
    """Bytes the database holds (SQLite file size, or the evaluation tables on
    PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.close()
        wal = Path(f"{path}-wal")
        return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    with connection.cursor() as cursor:
        total = 0
        for table in TABLES:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            total += cursor.fetchone()[0]
        return total


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=2, choices=(1, 2, 3))
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="keqi-bench-")) / "eval.sqlite3"
    setup_django(path)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from keqi.registry.models import Enterprise

    if args.build_only:
        from bench.dashboard import build

        build(args.enterprises)
        return
    if not Enterprise.objects.exists():
        child = [sys.executable, __file__, "--build-only", "--db", str(path)]
        subprocess.run([*child, "--enterprises", str(args.enterprises)], check=True)
    from django.db import connection

    n = Enterprise.objects.count()
    where = path if connection.vendor == "sqlite" else connection.settings_dict["NAME"]
    print(
        f"database: {connection.vendor} {where} ({n} enterprises); "
        f"memory before: {peak_mb():.0f} MB"
    )
    from keqi.core.testing import persona
    from keqi.evaluations import services
    from keqi.evaluations.models import EvaluationRun, RunTrigger
    from keqi.evaluations.services import evaluation_run_create
    from keqi.evaluations.tasks import evaluation_run_task

    holds: list[float] = []
    store = services._chunk_write

    def timed(*a: object, **k: object) -> None:
        # How long each chunk's write transaction holds the database.
        started = time.perf_counter()
        store(*a, **k)  # type: ignore[arg-type]
        holds.append(time.perf_counter() - started)

    services._chunk_write = timed  # type: ignore[assignment]
    first = 0.0
    for as_of in AS_OF[: args.runs]:
        holds.clear()
        before = stored_bytes(path)
        run = evaluation_run_create(
            as_of=as_of, trigger=RunTrigger.BUTTON, actor=persona("hq")
        )
        started, cpu = time.perf_counter(), time.process_time()
        evaluation_run_task.call(run.pk)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        run = EvaluationRun.objects.get(pk=run.pk)
        added = stored_bytes(path) - before
        print(
            f"run as of {as_of}: {run.get_status_display()}, {run.done} enterprises, "
            f"{run.verdicts} verdicts; {seconds:.1f} s ({cpu:.1f} s CPU); "
            f"peak memory {peak_mb():.0f} MB; "
            f"+{added / 1e6:.1f} MB = {added / max(run.done, 1):.0f} bytes per enterprise; "
            f"write transactions: {len(holds)}, longest {max(holds, default=0):.2f} s",
            flush=True,
        )
        first = first or seconds
    print(f"seconds: {first:.2f}")


if __name__ == "__main__":
    main()
