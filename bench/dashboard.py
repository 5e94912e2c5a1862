"""Time the leader dashboard (驾驶舱) at 100 000 enterprises on SQLite.

    .venv/bin/python bench/dashboard.py [--enterprises 100000] [--runs 7] [--db FILE]

Builds the demo data set scaled to N enterprises (keqi.core.demo's generator: the
same stories, areas and distributions as `keqi demo`) and writes it with bulk
inserts into a scratch SQLite file: enterprises, three years of figures and their
qualifications (no IP or credit records: no panel reads them). It loads the Baodi
plan and files on-time, late and missing monthly reports, then renders /dashboard/
for a leader through the test client several times, printing each panel's
selector time once and the median page time last as `seconds: X`.

--db FILE reuses (or keeps) the database, so a second run skips the build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = "2019-09-30"
BATCH = 5000


def build(count: int) -> None:
    """Write the scaled demo data set with bulk inserts (minutes at 100 000)."""
    from django.db import transaction

    from keqi.accounts.models import Area
    from keqi.accounts.services import district_config_load, district_init
    from keqi.core.demo.generator import CONFIG, build_dataset
    from keqi.registry.models import AnnualFigures, Enterprise, Qualification
    from keqi.registry.validity import effective_valid_until

    district_init(config=district_config_load("baodi"))
    started = time.perf_counter()
    dataset = build_dataset(CONFIG.scaled(count))
    print(
        f"generated {len(dataset)} enterprises: {time.perf_counter() - started:.1f} s"
    )
    areas = {a.code: a.pk for a in Area.objects.all()}
    started = time.perf_counter()
    with transaction.atomic():
        rows = [
            Enterprise(uscc=d.uscc, area_id=areas[d.area], **d.values) for d in dataset
        ]
        Enterprise.objects.bulk_create(rows, batch_size=BATCH)
        figures, quals = [], []
        for d, row in zip(dataset, rows, strict=True):
            for year, values in d.figures.items():
                figures.append(AnnualFigures(enterprise_id=row.pk, year=year, **values))
            for kind, values in d.qualifications:
                until = effective_valid_until(kind, values.get("granted_on"), None)
                quals.append(
                    Qualification(
                        enterprise_id=row.pk, kind=kind, valid_until=until, **values
                    )
                )
        AnnualFigures.objects.bulk_create(figures, batch_size=BATCH)
        Qualification.objects.bulk_create(quals, batch_size=BATCH)
    print(
        f"inserted {len(rows)} enterprises, {len(figures)} figures, "
        f"{len(quals)} qualifications: {time.perf_counter() - started:.1f} s"
    )
    plan_and_reports()


def plan_and_reports() -> None:
    """The Baodi plan, and reports: on time for most units, late or missing for some."""
    import datetime as dt

    from django.utils import timezone

    from keqi.campaign.board import due_months, plan_units
    from keqi.campaign.models import ProgressReport, ReportStatus
    from keqi.campaign.progress import report_due
    from keqi.campaign.services import plan_file_load

    plan = plan_file_load(path=ROOT / "plans" / "baodi-2019.yaml", actor=None).plan
    reports = []
    for n, unit in enumerate(plan_units(plan)):
        for month in due_months(plan, dt.date.fromisoformat(AS_OF)):
            if n % 7 == 0:
                continue  # missing
            due = report_due(month, plan.report_day)
            day = due + dt.timedelta(days=3 if n % 5 == 0 else -2)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
            reports.append(
                ProgressReport(
                    plan=plan,
                    unit=unit,
                    month=month,
                    status=ReportStatus.SUBMITTED,
                    first_submitted_at=at,
                    submitted_at=at,
                )
            )
    ProgressReport.objects.bulk_create(reports)


def timed(label: str, func: Any) -> Any:
    started = time.perf_counter()
    value = func()
    print(f"  {label}: {time.perf_counter() - started:.3f} s")
    return value


def panels(user: Any) -> None:
    """Each panel's selector once (after a warm-up), to show where the time goes."""
    import datetime as dt

    from keqi.dashboard import selectors
    from keqi.dashboard.plan_panels import plan_or_none

    day = dt.date.fromisoformat(AS_OF)
    plan = plan_or_none()
    assert plan is not None
    print("panels (one run each):")
    timed("targets and 序时进度", lambda: selectors.target_gauges(plan, day))
    timed("report timeliness", lambda: selectors.timeliness_rows(plan, day))
    timed("libraries by area", lambda: selectors.library_panel(user, day))
    timed("tier funnel", lambda: selectors.tier_figures(user, day))
    timed("R&D intensity by area", lambda: selectors.rd_rows(user, day.year - 1))


def page_times(runs: int) -> list[float]:
    """Render the dashboard for a leader `runs` times (after one warm-up)."""
    from django.test import Client

    from keqi.accounts.models import Role, Unit, User
    from keqi.accounts.services import user_create

    leader = User.objects.filter(username="bench-leader").first() or user_create(
        username="bench-leader",
        password="Bench-2019-leader",
        unit=Unit.objects.get(code="hq"),
        role=Role.LEADER,
        full_name="领导",
    )
    client = Client()
    client.force_login(leader)
    url = f"/dashboard/?as_of={AS_OF}"
    assert client.get(url).status_code == 200
    panels(leader)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="keqi-bench-")) / "dash.sqlite3"
    fresh = not path.exists()
    os.environ["KEQI_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("KEQI_VAR_DIR", str(path.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from keqi.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    if fresh:
        build(args.enterprises)
    print(f"database: {path} ({Enterprise.objects.count()} enterprises)")
    times = page_times(args.runs)
    print("page runs: " + ", ".join(f"{t:.3f}" for t in times))
    print(f"seconds: {statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
