"""`keqi evaluations prune`: delete old stored evaluations, keeping what matters."""

from __future__ import annotations

import argparse
from typing import Any

PRUNE_DESCRIPTION = """\
删除较早的评价记录（评价批次及其保存的结论和所用数据），以免数据库无限增长。

以下评价批次一律保留：
  · 保留期内发起的（天数由环境变量 KEQI_EVALUATION_KEEP_DAYS 设定，默认 365 天；
    也可用 --keep-days 指定）；
  · 各区每个月（按评价基准日）最后一次完成的评价，以及各区最近一次完成的评价；
  · 尚在排队或评价中的；
  · 被公示、奖励或报告引用的。
默认只列出将删除哪些批次，不做改动；确认无误后加 --yes 执行。每删除一个批次
都记入操作日志。不再被任何批次使用的数据和结论全文随之删除。"""


def register(sub: Any) -> None:
    """Add `keqi evaluations` to the `keqi` parser."""
    cmd = sub.add_parser(
        "evaluations",
        help="评价记录的维护：删除超过保留期的评价批次",
        description="评价记录（网页“评价记录”）的维护操作。",
    )
    actions = cmd.add_subparsers(
        title="操作", dest="evaluations_action", metavar="操作"
    )
    prune = actions.add_parser(
        "prune",
        help="删除超过保留期的评价批次（默认只列出，加 --yes 才删除）",
        description=PRUNE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    prune.add_argument(
        "--keep-days",
        type=_days,
        metavar="天数",
        help="保留最近多少天内发起的评价（默认按 KEQI_EVALUATION_KEEP_DAYS，365 天）",
    )
    prune.add_argument(
        "--yes", action="store_true", help="确认删除（不加则只列出，不做改动）"
    )
    prune.set_defaults(func=cmd_prune)
    cmd.set_defaults(func=lambda args: (cmd.print_help(), 2)[1])


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(
            f"天数应为不小于 0 的整数，实际为“{text}”"
        ) from None
    return days


def cmd_prune(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from keqi.evaluations.retention import (
        KEEP_REASONS,
        evaluation_runs_prune,
        prune_plan,
    )

    plan = (
        evaluation_runs_prune(actor=None, days=args.keep_days)
        if args.yes
        else prune_plan(days=args.keep_days)
    )
    verb = "已删除" if args.yes else "将删除"
    print(
        f"保留期 {plan.keep_days} 天（{timezone.localtime(plan.cutoff):%Y-%m-%d} 之前发起的评价可删除）。"
    )
    for run in plan.prune:
        print(
            f"  {verb}：第 {run.pk} 次评价，基准日 {run.as_of.isoformat()}，"
            f"{run.get_status_display()}，{run.verdicts} 条结论"
        )
    counts: dict[str, int] = {}
    for reason in plan.kept.values():
        counts[reason] = counts.get(reason, 0) + 1
    kept = "；".join(f"{KEEP_REASONS[k]} {n} 次" for k, n in sorted(counts.items()))
    print(
        f"{verb} {len(plan.prune)} 次评价（{plan.verdicts} 条结论），"
        f"保留 {plan.kept_count} 次" + (f"（{kept}）" if kept else "") + "。"
    )
    if plan.prune and not args.yes:
        print("以上仅为预览，未做改动；确认后加 --yes 执行删除。")
    return 0
