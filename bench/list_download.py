"""Memory and time of one list download's file, as the background worker writes it.

    .venv/bin/python bench/list_download.py [--rows 100000] [--columns 15]
    .venv/bin/python bench/list_download.py --db FILE [--kind cultivation.reserve]
        [--params "key=tech_sme&on=2019-09-30"] [--who hq]

Without --db: `--rows` synthetic rows of `--columns` columns (names, credit codes,
areas, amounts with 分, dates, counts, yes/no, blanks and a long two-line text, in
turn) through ``keqi.core.downloads.list_prepared``, the writer every list
download uses (inline and in the worker), into a file under a scratch folder.

With --db (a database built by ``bench/pages.py --build-only --db FILE``): the
download `--kind` with the page's query `--params` for the persona `--who`, through
its registered builder and ``download_execute``'s writer, as ``keqi worker`` runs
it. A reserve list's table is computed first if the database has none.

The figures are measured in a fresh child process (so the peak is the download's,
not the set-up's): CPU and wall seconds of the builder and of writing the file,
peak resident memory before writing and at the end (``ru_maxrss``), rows written
and the file's size.
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
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = "2019-09-30"


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux: ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_columns(count: int) -> list[tuple[str, Any]]:
    """`count` columns cycling through the kinds of value the lists write."""
    kinds: list[tuple[str, Any]] = [
        ("企业名称", lambda i: f"天津市宝坻区基准科技有限公司{i}"),
        ("统一社会信用代码", lambda i: f"91120224MA{i:08d}"),
        ("街镇/园区", lambda i: ("大口屯镇", "口东街道", "宝坻经济开发区")[i % 3]),
        ("金额（元）", lambda i: Decimal(i * 37 % 1_000_000) / 100),
        ("取得日期", lambda i: dt.date(2015, 1, 1) + dt.timedelta(days=i % 1500)),
        ("排名", lambda i: i),
        ("是否高企", lambda i: i % 2 == 0),
        ("备注", lambda i: None if i % 3 else "—"),
        (
            "尚缺",
            lambda i: f"研发费用占比还差 {i % 7}.5 个百分点\n科技人员占比还差 2 %",
        ),
    ]
    return [
        (f"{kinds[k % len(kinds)][0]}{k // len(kinds) or ''}", kinds[k % len(kinds)][1])
        for k in range(count)
    ]


class BenchUser:
    unit = "区科技局"

    def __str__(self) -> str:
        return "bench"


def measure_synthetic(rows: int, columns: int, out: Path) -> None:
    from keqi.core import downloads
    from keqi.core.downloads import list_prepared
    from keqi.core.exports import ListExport

    downloads.data_version = lambda: 0  # type: ignore[attr-defined]  # no database
    picked = synthetic_columns(columns)
    export = ListExport(
        title="基准名单",
        columns=[(label, read) for label, read in picked],
        rows=range(rows),
        filters=[("街镇/园区", "全部")],
        as_of=dt.date.fromisoformat(AS_OF),
    )
    report(lambda: list_prepared(export, BenchUser()), out)


def measure_download(kind: str, params: dict[str, str], who: str, out: Path) -> None:
    from keqi.core.downloads import builder
    from keqi.core.testing import persona

    user = persona(who)
    report(lambda: builder(kind)(user, params), out)


def report(build: Any, out: Path) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    prepared = build()
    built = (time.perf_counter() - wall, time.process_time() - cpu)
    before = peak_mb()
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n

    wall, cpu = time.perf_counter(), time.process_time()
    with out.open("wb") as target:
        prepared.write(target, tick)
    written = (time.perf_counter() - wall, time.process_time() - cpu)
    print(
        f"builder: {built[1]:.2f} s CPU ({built[0]:.2f} s wall); "
        f"write: {written[1]:.2f} s CPU ({written[0]:.2f} s wall), {done} rows, "
        f"{out.stat().st_size / 1024 / 1024:.1f} MB; "
        f"peak memory {before:.0f} MB before writing, {peak_mb():.0f} MB at the end",
        flush=True,
    )


def setup_django(db: Path | None) -> None:
    if db is not None:
        os.environ["KEQI_DATABASE_URL"] = f"sqlite:///{db}"
        os.environ.setdefault("KEQI_VAR_DIR", str(db.parent))
    else:
        os.environ.setdefault("KEQI_DATABASE_URL", "sqlite:///:memory:")
    os.environ.setdefault("KEQI_BUSINESS_DATE", AS_OF)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()


def ensure_reserve_table(params: dict[str, str], who: str) -> None:
    """Ask for the reserve list once and compute its table, as the worker would."""
    from keqi.core.testing import persona
    from keqi.cultivation.columns import reserve_table_compute
    from keqi.cultivation.models import ReserveTable, TableState
    from keqi.cultivation.reserve import reserve_list

    day = dt.date.fromisoformat(params.get("on", AS_OF))
    reserve_list(persona(who), params["key"], day)
    waiting = ReserveTable.objects.filter(
        state=TableState.WAITING, programme=params["key"]
    )
    for table in waiting:
        started = time.process_time()
        n = reserve_table_compute(table.pk)
        print(
            f"reserve table for {n} enterprises: {time.process_time() - started:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--kind", default="cultivation.reserve")
    parser.add_argument("--params", default=f"key=tech_sme&on={AS_OF}")
    parser.add_argument("--who", default="hq")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    params = dict(parse_qsl(args.params))
    out = Path(tempfile.mkdtemp(prefix="keqi-list-")) / "list.xlsx"
    if not args.child:
        if args.db is not None:
            setup_django(args.db)
            if args.kind == "cultivation.reserve":
                ensure_reserve_table(params, args.who)
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--child"], check=True)
        return
    setup_django(args.db)
    if args.db is None:
        measure_synthetic(args.rows, args.columns, out)
    else:
        measure_download(args.kind, params, args.who, out)


if __name__ == "__main__":
    main()
