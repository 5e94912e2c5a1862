"""`keqi demo`: load the demo enterprises and create the demo accounts."""

from __future__ import annotations

import argparse
from typing import Any

TABLE_LABELS = {
    "enterprise": "企业",
    "figures": "年度数据",
    "ip": "知识产权",
    "qualification": "资质荣誉",
    "credit": "信用记录",
}


def register(sub: Any) -> None:
    """Add `keqi demo` to the `keqi` parser."""
    demo = sub.add_parser(
        "demo",
        help="载入演示数据并创建演示账号（需先运行 keqi init；可重复运行）",
        description="载入数百家虚构的宝坻区科技企业（三年年度数据、知识产权、资质荣誉、"
        "信用记录），以及虚构的第二个区“示范区”（约50家企业、自己的方案）和市级单位，"
        "创建演示账号并打印账号和密码。数据由固定随机种子生成，"
        "重复运行不会重复创建。演示数据的“今天”是2019年9月30日。",
    )
    demo.add_argument(
        "--enterprises",
        type=int,
        default=400,
        metavar="N",
        help="企业数量（默认 400；各类典型企业按比例增减）",
    )
    demo.add_argument(
        "--seed", type=int, default=2019, help="随机种子（默认 2019；同一种子数据相同）"
    )
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Build, load and report; exit 1 with a Chinese message when not initialised."""
    from dataclasses import replace

    from keqi.accounts.models import Unit
    from keqi.core.demo.accounts import demo_accounts_ensure
    from keqi.core.demo.generator import CONFIG, build_dataset
    from keqi.core.demo.load import DemoSetupError, demo_load
    from keqi.core.demo.second_district import second_district_load

    if args.enterprises < 50:
        print("企业数量至少为 50。")
        return 2
    if not database_ready():
        print("数据库尚未初始化或需要升级，请先运行 keqi init。")
        return 1
    config = replace(CONFIG, seed=args.seed).scaled(args.enterprises)
    try:
        accounts = demo_accounts_ensure()  # with 示范区 and the city unit
        summary = demo_load(build_dataset(config))
    except (DemoSetupError, Unit.DoesNotExist) as exc:
        message = str(exc) if isinstance(exc, DemoSetupError) else "缺少单位配置。"
        print(f"无法载入演示数据：{message} 请先运行 keqi init。")
        return 1
    print_summary(summary, config.as_of)
    for line in demo_steps_run(config.as_of):
        print(line)
    # after every app's own demo rows, so none of them picks its examples here
    for line in second_district_load(config.as_of):
        print(line)
    print_accounts(accounts)
    return 0


def demo_steps_run(as_of: Any) -> list[str]:
    """Each app's own demo data, after the enterprises, in INSTALLED_APPS order.

    An app takes part by naming a module in its AppConfig (``demo_module``) whose
    ``demo_load(as_of) -> list[str]`` writes its demo rows idempotently and returns
    the summary lines to print. An app whose rows another app's demo reads (e.g.
    activities feeding campaign targets that monthly reports pre-fill) names those
    apps' labels in ``demo_before`` and runs ahead of them.
    """
    import importlib

    from django.apps import apps

    modules = {
        c.label: name
        for c in apps.get_app_configs()
        if (name := getattr(c, "demo_module", None))
    }
    steps = [c for c in apps.get_app_configs() if c.label in modules]
    for config in list(steps):
        later = [
            steps.index(c)
            for c in steps
            if c.label in getattr(config, "demo_before", ())
        ]
        if later and steps.index(config) > min(later):
            steps.remove(config)
            steps.insert(min(later), config)
    lines: list[str] = []
    for config in steps:
        module = importlib.import_module(modules[config.label])
        lines += module.demo_load(as_of)
    return lines


def database_ready() -> bool:
    """Whether every migration has been applied (i.e. `keqi init` has run)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def print_summary(summary: Any, as_of: Any) -> None:
    """One line per kind of row: created, updated, unchanged."""
    print(f"演示数据（用时 {summary.seconds:.1f} 秒；演示数据的“今天”是 {as_of}）：")
    for table, label in TABLE_LABELS.items():
        c = summary.counts
        print(
            f"  {label}：新建 {c[(table, 'created')]}，更新 {c[(table, 'updated')]}，"
            f"未变 {c[(table, 'unchanged')]}"
        )


def print_accounts(accounts: list[Any]) -> None:
    """The demo logins and their shared password."""
    from keqi.accounts.models import Role, Unit
    from keqi.core.demo.accounts import DEMO_PASSWORD

    print(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
    for account, created in accounts:
        unit = Unit.objects.get(code=account.unit_code)
        # The role's word only: `sees` already says what it may read or change, so
        # "领导（只读），只读全区" would say 只读 twice (README shows the same words).
        role = Role(account.role).label.split("（")[0]
        note = "" if created else "（已存在，未改动）"
        print(f"  {account.username:<10}{unit}  {role}，{account.sees}{note}")
