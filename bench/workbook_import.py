"""Time the workbook import and export: N enterprises with 3 years of figures.

    .venv/bin/python bench/workbook_import.py [--enterprises 2000]

Uses a throw-away SQLite file (or KEQI_DATABASE_URL when set). The workbook is
built in a child process (so its memory is not counted), then this process prints
the seconds for the check alone (--dry-run), a first import (everything created),
a re-import (nothing changes), a re-import changing every year's 职工总数 and an
export, each in seconds (and CPU seconds of this process, which the load of a
shared machine changes less) with the peak memory so far (ru_maxrss), and last
the load average.
Goals (issue 12) at 100 000 enterprises: check < 10 s, first import < 30 s,
export < 15 s, peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AREAS = ["大口屯镇", "口东镇", "宝坻经济开发区", "京津新城"]
FIGURE_HEADERS = [
    "统一社会信用代码",
    "年度",
    "职工总数（人）",
    "销售收入（元）",
    "研发费用总额（万元）",
    "资产总额（万元）",
    "纳税总额（万元）",
]


def build(path: Path, count: int, staff: int = 50) -> None:
    """The workbook, written with XlsxWriter row by row (as Excel would save it)."""
    import xlsxwriter  # type: ignore[import-untyped]

    from keqi.core.uscc import make_uscc

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("企业基本信息")
    figures = book.add_worksheet("年度数据")
    ws.write_row(
        0, 0, ["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区", "技术领域"]
    )
    figures.write_row(0, 0, FIGURE_HEADERS)
    line = 1
    for n in range(count):
        code = make_uscc("91120224", f"MA{n:07d}")
        ws.write_row(
            n + 1, 0, [code, f"测试企业{n}", "2015-06-01", AREAS[n % 4], "电子信息"]
        )
    for n in range(count):
        code = make_uscc("91120224", f"MA{n:07d}")
        for year in (2016, 2017, 2018):
            figures.write_row(
                line,
                0,
                [code, year, staff + n % 30, 12_345_678 + n, "123.45", 5000, 88.8],
            )
            line += 1
    book.close()


def peak_mb() -> float:
    """The most memory this process has held so far (Linux: ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, func):  # type: ignore[no-untyped-def]
    start, cpu = time.perf_counter(), time.process_time()
    value = func()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{label}: {seconds:.1f} s ({cpu:.1f} s CPU; "
        f"peak memory so far {peak_mb():.0f} MB)"
    )
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument(
        "--quick", action="store_true", help="skip the two re-imports (large N)"
    )
    parser.add_argument("--build", help=argparse.SUPPRESS)  # child: write the file
    parser.add_argument("--staff", type=int, default=50, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(Path(args.build), args.enterprises, args.staff)
        return
    workdir = Path(tempfile.mkdtemp(prefix="keqi-bench-"))
    os.environ.setdefault("KEQI_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("KEQI_VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    path, changed = workdir / "bench.xlsx", workdir / "changed.xlsx"
    builds = ((path, 50),) if args.quick else ((path, 50), (changed, 60))
    for target, staff in builds:
        subprocess.run(
            [sys.executable, __file__, "--enterprises", str(args.enterprises)]
            + ["--build", str(target), "--staff", str(staff)],
            check=True,
        )
    import django

    django.setup()
    from django.core.management import call_command

    from keqi.accounts.services import district_config_load, district_init
    from keqi.registry.models import Enterprise
    from keqi.registry.workbook import export_registry, import_workbook

    call_command("migrate", verbosity=0)
    district_init(config=district_config_load("baodi"))
    database = os.environ["KEQI_DATABASE_URL"].split(":")[0]
    size = path.stat().st_size / 1024 / 1024
    print(
        f"{args.enterprises} enterprises × 3 years on {database} "
        f"({size:.1f} MB .xlsx, {args.enterprises * 4} rows)"
    )
    timed(
        "check only (--dry-run)",
        lambda: import_workbook(path, actor=None, dry_run=True),
    )
    first = timed("first import", lambda: import_workbook(path, actor=None))
    assert first.applied, first.errors[:5]
    if not args.quick:
        again = timed(
            "re-import (unchanged)", lambda: import_workbook(path, actor=None)
        )
        assert not again.changed
        updated = timed(
            "re-import with every year's 职工总数 changed",
            lambda: import_workbook(changed, actor=None),
        )
        assert updated.applied, updated.errors[:3]
    timed(
        "export",
        lambda: export_registry(workdir / "out.xlsx", Enterprise.objects.all()),
    )
    print(f"peak memory: {peak_mb():.0f} MB")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
