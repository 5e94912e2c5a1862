"""Time the workbook import: 2 000 enterprises with 3 years of figures.

    .venv/bin/python bench/workbook_import.py [--enterprises 2000]

Uses a throw-away SQLite file (or KEQI_DATABASE_URL when set) and prints the
seconds for a first import (everything created), a re-import (nothing changes),
an export, and the check alone (--dry-run).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build(path: Path, count: int, staff: int = 50) -> None:
    from openpyxl import Workbook

    from keqi.core.uscc import make_uscc

    book = Workbook()
    ws = book.active
    ws.title = "企业基本信息"
    ws.append(["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区", "技术领域"])
    figures = book.create_sheet("年度数据")
    figures.append(
        [
            "统一社会信用代码",
            "年度",
            "职工总数（人）",
            "销售收入（元）",
            "研发费用总额（万元）",
            "资产总额（万元）",
            "纳税总额（万元）",
        ]
    )
    areas = ["大口屯镇", "口东镇", "宝坻经济开发区", "京津新城"]
    for n in range(count):
        code = make_uscc("91120224", f"MA{n:07d}")
        ws.append([code, f"测试企业{n}", "2015-06-01", areas[n % 4], "电子信息"])
        for year in (2016, 2017, 2018):
            figures.append(
                [code, year, staff + n % 30, 12_345_678 + n, "123.45", 5000, 88.8]
            )
    book.save(path)


def timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    print(f"{label}: {time.perf_counter() - start:.1f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=2000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="keqi-bench-"))
    os.environ.setdefault("KEQI_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("KEQI_VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from keqi.accounts.services import district_config_load, district_init
    from keqi.registry.models import Enterprise
    from keqi.registry.workbook import export_registry, import_workbook

    call_command("migrate", verbosity=0)
    district_init(config=district_config_load("baodi"))
    path = workdir / "bench.xlsx"
    build(path, args.enterprises)
    print(
        f"{args.enterprises} enterprises × 3 years on {os.environ['KEQI_DATABASE_URL'].split(':')[0]}"
    )
    timed(
        "check only (--dry-run)",
        lambda: import_workbook(path, actor=None, dry_run=True),
    )
    first = timed("first import", lambda: import_workbook(path, actor=None))
    assert first.applied, first.errors[:5]
    again = timed("re-import (unchanged)", lambda: import_workbook(path, actor=None))
    assert not again.changed
    changed = workdir / "changed.xlsx"
    build(changed, args.enterprises, staff=60)
    updated = timed(
        "re-import with every year's 职工总数 changed",
        lambda: import_workbook(changed, actor=None),
    )
    assert updated.applied, updated.errors[:3]
    timed(
        "export",
        lambda: export_registry(workdir / "out.xlsx", Enterprise.objects.all()),
    )


if __name__ == "__main__":
    main()
