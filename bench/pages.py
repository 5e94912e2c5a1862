"""Time every main page at district or city volume, for HQ and for a town user.

    .venv/bin/python bench/pages.py [--enterprises 5000] [--runs 3] [--db FILE]

Builds N enterprises with bench/dashboard.py's `build` (areas, three years of
figures, qualifications in the demo's shares, the Baodi plan and its monthly
reports), then adds what the cultivation pages read: the remaining figures the
rules need (科技人员, 资产总额, 成本费用), intellectual property (about half the
enterprises, a few items each), negative credit records (about 1 %) and area
moves (about 2 % of enterprises moved in 2019, recorded in the audit trail the way
`enterprise_upsert` records them), the demo's award rules and the 2019 award
candidates. All with bulk inserts into a scratch SQLite file.

Each page is rendered through the Django test client (the whole stack: session,
scope, template) `--runs` times after one warm-up; the line shows the median
wall and CPU time (SQLite runs in this process, so CPU is the work itself on a
shared machine) and the size of the body. The last line is `seconds: X`, the
slowest page's median CPU time (the machine is shared: wall time says more about
the neighbours than about the page). Before timing, the reserve lists' first
visits ask the background worker for their tables, and the bench does the
worker's job in this process, printing its CPU time per table.

--db FILE reuses (or keeps) the database, so a second run skips the build; the
build at 100 000 enterprises takes a few minutes.

--database-url postgres://… runs on PostgreSQL: the build ends with VACUUM
(ANALYZE) (as the server's autovacuum would do after a bulk load; a database
built without it gets it once before timing), and the lines get a column `DB s`,
the median time spent in the queries (summed wall time of each execute), so
that the rest of the wall time is the web process or the neighbours.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
AS_OF = "2019-09-30"
BATCH = 5000
IP_KINDS = (
    ("发明专利", 15),
    ("实用新型专利", 45),
    ("软件著作权", 30),
    ("外观设计专利", 10),
)
CREDIT_KINDS = ("经营异常名录", "重大安全事故", "严重违法失信名单")


def _more_figures() -> None:
    """科技人员, 资产总额 and 成本费用 derived from each row's own figures (one
    UPDATE; amounts rounded to the cent, so exact in the engine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_annualfigures SET "
            "tech_staff = (staff_total * ((id * 7) % 45 + 5)) / 100, "
            "total_assets = ROUND(sales_revenue * ((id * 13) % 150 + 40) / 100, 2), "
            "total_cost = ROUND(sales_revenue * ((id * 11) % 30 + 70) / 100, 2)"
        )


def _ip_rows(rng: random.Random, pks: list[int]) -> list[Any]:
    from keqi.registry.models import IntellectualProperty

    kinds = [k for k, w in IP_KINDS for _ in range(w)]
    rows = []
    for pk in pks:
        if rng.randrange(100) >= 55:
            continue
        for n in range(rng.choice((1, 1, 2, 3, 5, 8))):
            rows.append(
                IntellectualProperty(
                    enterprise_id=pk,
                    number=f"ZL{pk}-{n}",
                    category=rng.choice(kinds),
                    granted_on=dt.date(
                        2012 + rng.randrange(8), 1 + rng.randrange(9), 1
                    ),
                    acquisition="自主研发" if rng.randrange(10) < 8 else "受让",
                    status="有效" if rng.randrange(20) else "失效",
                    related_to_main=rng.choice((True, True, True, False, None)),
                )
            )
    return rows


def _credit_rows(rng: random.Random, pks: list[int]) -> list[Any]:
    from keqi.registry.models import CreditRecord

    return [
        CreditRecord(
            enterprise_id=pk,
            kind=rng.choice(CREDIT_KINDS),
            occurred_on=dt.date(2017 + rng.randrange(3), 1 + rng.randrange(8), 1),
        )
        for pk in pks
        if rng.randrange(100) == 0
    ]


def _moves(rng: random.Random, pks: list[int]) -> int:
    """About 2 % of enterprises moved to another area in 2019: the new area on the
    enterprise, the move in the audit trail (as enterprise_upsert writes it)."""
    from django.utils import timezone

    from keqi.accounts.models import Area
    from keqi.core.audit import AuditAction
    from keqi.core.models import AuditEvent
    from keqi.registry.models import Enterprise

    areas = list(Area.objects.all())
    moved = [pk for pk in pks if rng.randrange(50) == 0]
    current = dict(Enterprise.objects.filter(pk__in=moved).values_list("pk", "area_id"))
    names = {a.pk: a.name for a in areas}
    events, targets = [], {}
    for pk in moved:
        new = rng.choice([a for a in areas if a.pk != current[pk]])
        targets[pk] = new.pk
        day = dt.datetime(2019, 1 + rng.randrange(11), 1 + rng.randrange(28), 10)
        events.append(
            AuditEvent(
                action=AuditAction.ENTERPRISE_UPDATE,
                target_type="registry.enterprise",
                target_id=str(pk),
                subject=f"enterprise:{pk}",
                changes={"area": [names[current[pk]], new.name]},
                at=timezone.make_aware(day),
            )
        )
    # The trail is append-only: insert the move days as they are (auto_now_add
    # would stamp them with today), never update them afterwards.
    stamp = AuditEvent._meta.get_field("at")
    stamp.auto_now_add = False  # type: ignore[attr-defined]
    try:
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    finally:
        stamp.auto_now_add = True  # type: ignore[attr-defined]
    for pk, area_id in targets.items():
        Enterprise.objects.filter(pk=pk).update(area_id=area_id)
    return len(moved)


def loans(rng: random.Random) -> int:
    """Bank loans in 2019 (科技金融台账) for about a third of the enterprises holding
    a 雏鹰企业 title, and for as many others: the 雏鹰 bank-loan award's trigger."""
    from keqi.accounts.models import Unit
    from keqi.partners.models import FinanceKind, FinanceRecord
    from keqi.registry.models import Enterprise, Qualification
    from keqi.registry.models import QualificationKind as K

    unit = Unit.objects.order_by("pk").first()
    assert unit is not None
    eagles = set(
        Qualification.objects.filter(kind=K.CHUYING).values_list(
            "enterprise_id", flat=True
        )
    )
    others = Enterprise.objects.exclude(pk__in=eagles).values_list("pk", flat=True)
    chosen = [pk for pk in sorted(eagles) if rng.randrange(3) == 0]
    chosen += [pk for pk in others[: len(chosen)]]
    rows = [
        FinanceRecord(
            enterprise_id=pk,
            kind=FinanceKind.LOAN,
            provider="农业银行宝坻支行",
            amount=100 + rng.randrange(900),
            on=dt.date(2019, 1 + rng.randrange(8), 1 + rng.randrange(28)),
            unit=unit,
        )
        for pk in chosen
    ]
    return len(FinanceRecord.objects.bulk_create(rows, batch_size=BATCH))


def build_all(count: int) -> None:
    """bench/dashboard.py's registry and plan, then IP, credit, moves and awards."""
    from dashboard import build  # type: ignore[import-not-found]
    from django.db import transaction

    from keqi.registry.models import CreditRecord, Enterprise, IntellectualProperty

    build(count)
    rng = random.Random(2020)
    started = time.perf_counter()
    with transaction.atomic():
        _more_figures()
        pks = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        ip = IntellectualProperty.objects.bulk_create(
            _ip_rows(rng, pks), batch_size=BATCH
        )
        credit = CreditRecord.objects.bulk_create(
            _credit_rows(rng, pks), batch_size=BATCH
        )
        moved = _moves(rng, pks)
        lent = loans(rng)
    print(
        f"added {len(ip)} IP items, {len(credit)} credit records, {moved} area moves, "
        f"{lent} bank loans: "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    awards()


def awards() -> None:
    """The demo's award rules and the 2019 candidates (免申即享) from the registry."""
    from keqi.core.testing import persona
    from keqi.funds.awards import award_candidates_generate
    from keqi.funds.demo import _setup

    _setup()
    started = time.perf_counter()
    out = award_candidates_generate(year=2019, actor=persona("hq"))
    print(
        f"award candidates 2019: {len(out.created)} "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )


def pages(portrait_pk: int) -> list[str]:
    """The main pages, as paths."""
    from keqi.cultivation.libraries import LIBRARIES
    from keqi.cultivation.reserve import RESERVE_PROGRAMMES

    on = f"?on={AS_OF}"
    paths = [
        "/enterprises/",
        f"/cultivation/{on}",
        *(f"/cultivation/libraries/{lib.key}/{on}" for lib in LIBRARIES),
        f"/cultivation/tiers/{on}",
        *(f"/cultivation/reserve/{p.key}/{on}" for p in RESERVE_PROGRAMMES[:5]),
        f"/cultivation/reminders/{on}",
        "/cultivation/rd/?year=2018",
        "/cultivation/rd/list/?year=2018&show=reporting",
        f"/cultivation/portrait/{portrait_pk}/{on}",
        f"/dashboard/?as_of={AS_OF}",
        "/campaign/",
        "/funds/awards/?year=2019",
        "/api/v1/enterprises/?page_size=50",
        f"/api/v1/libraries/high_tech/?as_of={AS_OF}&page_size=50",
        f"/api/v1/qualifications/?as_of={AS_OF}&page_size=50",
    ]
    return paths


#: The full lists, downloaded (timed, not counted in `seconds`: a download is
#: not a page, it must work at volume).
DOWNLOADS = (
    f"/cultivation/reserve/tech_sme/?on={AS_OF}&format=xlsx",
    f"/cultivation/reminders/?on={AS_OF}&format=xlsx",
    "/cultivation/rd/list/?year=2018&show=reporting&format=xlsx",
    "/cultivation/rd/export.xlsx?year=2018",
    "/funds/awards/?year=2019&format=xlsx",
    f"/cultivation/libraries/high_tech/?on={AS_OF}&format=xlsx",
    f"/cultivation/libraries/tech_sme/?on={AS_OF}&format=xlsx",
    f"/cultivation/tiers/?on={AS_OF}&format=xlsx",
)


def wanted(path: str, only: str) -> bool:
    """Whether `--only` (comma-separated parts of paths, empty: all) keeps `path`."""
    return not only or any(part and part in path for part in only.split(","))


def worker(client: Any, only: str = "") -> None:
    """What the background worker does after the first visits: a first visit to
    each reserve list asks for its table; compute every table asked for."""
    from keqi.cultivation.columns import reserve_table_compute
    from keqi.cultivation.models import ReserveTable, TableState
    from keqi.cultivation.reserve import RESERVE_PROGRAMMES

    keys = []
    for p in RESERVE_PROGRAMMES[:5]:
        path = f"/cultivation/reserve/{p.key}/?on={AS_OF}"
        if wanted(path, only):
            client.get(path)
            keys.append(p.key)
    waiting = ReserveTable.objects.filter(state=TableState.WAITING, programme__in=keys)
    for table in waiting:
        wall, cpu = time.perf_counter(), time.process_time()
        n = reserve_table_compute(table.pk)
        print(
            f"worker: {table.programme} table for {n} enterprises: "
            f"{time.process_time() - cpu:.1f} s CPU "
            f"({time.perf_counter() - wall:.1f} s wall)",
            flush=True,
        )


def clients() -> dict[str, Any]:
    """Logged-in clients for HQ and a town (大口屯镇), with an API token each."""
    from django.test import Client

    from keqi.api.services import api_token_create
    from keqi.core.testing import persona

    found = {}
    for name in ("hq", "town_a"):
        user = persona(name)
        client = Client()
        client.force_login(user)
        key = api_token_create(user=user, name="bench-pages", actor=None).key
        found[name] = (client, key)
    return found


class QueryClock:
    """The wall time spent waiting for the database (every query's execute and
    fetch, summed), installed as a connection's execute wrapper."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(
        self, execute: Any, sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def time_page(
    client: Any, key: str, path: str, runs: int
) -> tuple[float, float, float, int, float]:
    """Median wall, CPU and database seconds of `runs` renders after a warm-up;
    body size; the warm-up's wall time (a first visit, before any per-process
    cache). The database time is the sum of the queries' wall times (for
    PostgreSQL, time spent in the server, or waiting for it; for SQLite it
    is part of the CPU time)."""
    from django.db import connection

    headers = {"Authorization": f"Token {key}"} if path.startswith("/api/") else {}
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    first = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    walls, cpus, dbs = [], [], []
    for _ in range(runs):
        clock = QueryClock()
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(clock):
            response = client.get(path, headers=headers)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        dbs.append(clock.seconds)
    size = len(response.content)
    return (
        statistics.median(walls),
        statistics.median(cpus),
        statistics.median(dbs),
        size,
        first,
    )


def time_download(client: Any, who: str, path: str) -> None:
    """One full download: written in the request when short (its time), else
    the request's time (it only records the download) and the worker's, which
    the bench does in its own process as `keqi worker` would."""
    from keqi.core.downloads import download_execute, download_file
    from keqi.core.models import Download

    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code == 200:
        size = len(response.content)
        print(
            f"{who:7} {wall:7.3f} {cpu:7.3f} {size / 1024:8.1f} {'':7}  "
            f"{path} (download, in the request)",
            flush=True,
        )
        return
    assert response.status_code == 302, (path, response.status_code)
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    print(
        f"{who:7} {wall:7.3f} {cpu:7.3f} {'':8} {'':7}  {path} (download asked: "
        f"{Download.objects.get(pk=pk).total} rows, to the worker)",
        flush=True,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    found = download_execute(pk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = download_file(found).stat().st_size
    print(
        f"{'worker':7} {wall:7.3f} {cpu:7.3f} {size / 1024:8.1f} {'':7}  "
        f"{path} ({who}'s file, {found.total} rows)",
        flush=True,
    )


def analyse(force: bool) -> None:
    """PostgreSQL: VACUUM (ANALYZE) after the bulk load, as a server's autovacuum
    does soon after: without statistics the planner takes every table for a few
    rows and picks nested loops that take seconds at 100 000 enterprises, and the
    build's UPDATE of every figures row leaves as many dead rows (half the
    table) until a vacuum. On a database built before, only when it was never
    analysed. SQLite is left as it is (it has no autovacuum)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not force:
            cursor.execute(
                "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL "
                "FROM pg_stat_user_tables WHERE relname = 'registry_enterprise'"
            )
            row = cursor.fetchone()
            if not row or not row[0]:
                return
        started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s", flush=True)


def portrait_pk() -> int:
    """An enterprise of 大口屯镇 (so the town user may open it) with IP and figures."""
    from keqi.registry.models import Enterprise

    found = (
        Enterprise.objects.filter(area__code="dakoutun", ip_items__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    assert found is not None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument(
        "--only", default="", help="time only paths containing one of these (a,b)"
    )
    parser.add_argument(
        "--downloads", action="store_true", help="also time the full downloads"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build the database, time nothing"
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="another database (PostgreSQL) instead of the SQLite file; "
        "built when it has no enterprise",
    )
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="keqi-bench-")) / "pages.sqlite3"
    fresh = not path.exists()
    os.environ["KEQI_DATABASE_URL"] = args.database_url or f"sqlite:///{path}"
    os.environ.setdefault("KEQI_VAR_DIR", str(path.parent))
    os.environ.setdefault("KEQI_BUSINESS_DATE", AS_OF)
    os.environ.setdefault("KEQI_API_RATE_USER", "1000000/min")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from keqi.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    if (fresh and not args.database_url) or not Enterprise.objects.exists():
        build_all(args.enterprises)
        analyse(force=True)
    else:
        analyse(force=False)
    where = args.database_url.rsplit("/", 1)[-1] if args.database_url else path
    print(f"database: {where} ({Enterprise.objects.count()} enterprises)")
    if args.build_only:
        return
    users = clients()
    worker(users["hq"][0], args.only)
    server = connection.vendor == "postgresql"
    db_head = f" {'DB s':>7}" if server else ""
    print(
        f"{'user':7} {'wall s':>7} {'CPU s':>7}{db_head} {'KB':>8} {'first s':>7}  page"
    )
    worst = 0.0
    for who, (client, key) in users.items():
        for page in pages(portrait_pk()):
            if not wanted(page, args.only):
                continue
            wall, cpu, db, size, first = time_page(client, key, page, args.runs)
            worst = max(worst, cpu)
            db_cell = f" {db:7.3f}" if server else ""
            print(
                f"{who:7} {wall:7.3f} {cpu:7.3f}{db_cell} {size / 1024:8.1f} "
                f"{first:7.2f}  {page}",
                flush=True,
            )
    if args.downloads:
        for path in DOWNLOADS:
            if wanted(path, args.only):
                for who in ("hq", "town_a"):
                    time_download(users[who][0], who, path)
    print(f"seconds: {worst:.3f}")


if __name__ == "__main__":
    main()
