"""Time the leader dashboard (驾驶舱) at 100 000 enterprises on SQLite.

    .venv/bin/python bench/dashboard.py [--enterprises 100000] [--runs 7] [--db FILE]

Builds N enterprises with bulk inserts into a scratch SQLite file: areas weighted
like the demo (keqi.core.demo.generator.AREA_WEIGHTS), three years of figures with
R&D and sales (some left blank), and qualifications in about the demo's shares
(科小, 高企 granted 2016–2019 and some lapsed or revoked, 雏鹰, 瞪羚, 领军, platforms,
股改, 挂牌 …). The demo generator itself is not used: it gives every enterprise a
unique invented name and runs out of names long before 100 000. The script loads
the Baodi plan and files on-time, late and missing monthly reports, then renders
/dashboard/ for a leader through the test client several times, printing each
panel's selector time once, the median CPU time of the process (SQLite runs in
it, so this is the work itself on a shared machine) and the median page time
last as `seconds: X`.

--db FILE reuses (or keeps) the database, so a second run skips the build.
The covering index on yearly figures (year, enterprise, R&D, sales) that the
R&D panel needs is a registry migration (figures_year_rd_sales).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = "2019-09-30"
BATCH = 5000
CENT = Decimal("0.01")
# The R&D panel reads one year of figures for every enterprise: a covering index
# lets SQLite read just those rows (proposed for keqi.registry.AnnualFigures).
# kind, level, share in ‰ of enterprises, grant years
QUALIFICATIONS: tuple[tuple[str, str, int, tuple[int, ...]], ...] = (
    ("科技型中小企业", "国家级", 190, (2018, 2019)),
    ("高新技术企业", "国家级", 100, (2015, 2016, 2017, 2018, 2019)),
    ("雏鹰企业", "省级（市级）", 30, (2017, 2018, 2019)),
    ("瞪羚企业", "省级（市级）", 12, (2017, 2018, 2019)),
    ("科技领军培育企业", "省级（市级）", 7, (2018, 2019)),
    ("科技领军企业", "省级（市级）", 3, (2018, 2019)),
    ("技术领先型企业", "区级", 5, (2019,)),
    ("专精特新中小企业", "省级（市级）", 10, (2018, 2019)),
    ("企业技术中心", "省级（市级）", 15, (2017, 2018, 2019)),
    ("企业技术中心", "区级", 10, (2018, 2019)),
    ("重点实验室", "省级（市级）", 7, (2016, 2019)),
    ("股份制改造", "", 20, (2017, 2018, 2019)),
    ("挂牌", "", 7, (2018, 2019)),
)


def _day(rng: random.Random, year: int) -> dt.date:
    last = 273 if year == 2019 else 365  # nothing after the demo's 30 September
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(last))


def _figures(rng: random.Random, pk: int) -> list[Any]:
    from keqi.registry.models import AnnualFigures

    sales = Decimal(rng.randrange(5_000, 5_000_000)) / 100
    rows = []
    for year in (2016, 2017, 2018):
        sales = (sales * Decimal(rng.randrange(85, 130)) / 100).quantize(CENT)
        rd = (sales * Decimal(rng.randrange(0, 900)) / 10000).quantize(CENT)
        blank = rng.randrange(100)
        rows.append(
            AnnualFigures(
                enterprise_id=pk,
                year=year,
                sales_revenue=None if blank < 3 else sales,
                rd_expense=None if 3 <= blank < 8 else rd,
                staff_total=rng.randrange(5, 800),
            )
        )
    return rows


def _qualifications(rng: random.Random, pk: int) -> list[Any]:
    from keqi.registry.models import Qualification
    from keqi.registry.validity import effective_valid_until

    rows = []
    for kind, level, share, years in QUALIFICATIONS:
        if rng.randrange(1000) >= share:
            continue
        granted = _day(rng, rng.choice(years))
        revoked = granted + dt.timedelta(days=200) if rng.randrange(100) < 2 else None
        rows.append(
            Qualification(
                enterprise_id=pk,
                kind=kind,
                level=level,
                number=f"B{pk}-{len(rows)}",
                granted_on=granted,
                valid_until=effective_valid_until(kind, granted, None),
                revoked_on=revoked,
            )
        )
    return rows


def build(count: int, seed: int = 2019) -> None:
    """Write `count` enterprises, their figures and qualifications with bulk inserts."""
    from django.db import transaction

    from keqi.accounts.models import Area
    from keqi.accounts.services import district_config_load, district_init
    from keqi.core.demo.generator import AREA_WEIGHTS, allocate
    from keqi.core.uscc import make_uscc
    from keqi.registry.models import AnnualFigures, Enterprise, Qualification

    district_init(config=district_config_load("baodi"))
    rng = random.Random(seed)
    areas = {a.code: a.pk for a in Area.objects.all()}
    placed = allocate(count, AREA_WEIGHTS)
    rng.shuffle(placed)
    started = time.perf_counter()
    with transaction.atomic():
        rows = [
            Enterprise(
                uscc=make_uscc("91120224", f"MB{n:07d}"),
                name=f"基准测试{n:06d}科技有限公司",
                founded_on=dt.date(2000 + n % 19, 1 + n % 12, 1),
                area_id=areas[code],
            )
            for n, code in enumerate(placed)
        ]
        Enterprise.objects.bulk_create(rows, batch_size=BATCH)
        figures = [f for e in rows for f in _figures(rng, e.pk)]
        AnnualFigures.objects.bulk_create(figures, batch_size=BATCH)
        quals = [q for e in rows for q in _qualifications(rng, e.pk)]
        Qualification.objects.bulk_create(quals, batch_size=BATCH)
    print(
        f"inserted {len(rows)} enterprises, {len(figures)} figures, "
        f"{len(quals)} qualifications: {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    plan_and_reports()


def plan_and_reports() -> None:
    """The Baodi plan, and reports: on time for most units, late or missing for some."""
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
    print(f"  {label}: {time.perf_counter() - started:.3f} s", flush=True)
    return value


def panels(user: Any) -> None:
    """Each panel's selector once (after a warm-up), to show where the time goes."""
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


def page_times(runs: int) -> tuple[list[float], list[float]]:
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
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        assert response.status_code == 200
    return wall, cpu


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
    wall, cpu = page_times(args.runs)
    print("page runs, wall: " + ", ".join(f"{t:.3f}" for t in wall))
    print("page runs, CPU:  " + ", ".join(f"{t:.3f}" for t in cpu))
    print(f"cpu seconds: {statistics.median(cpu):.3f} (SQLite runs in this process)")
    print(f"seconds: {statistics.median(wall):.3f}")


if __name__ == "__main__":
    main()
