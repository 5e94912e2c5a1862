"""`keqi plan load` and `keqi plan show`: campaign plans as data."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    """Add this module's subcommands to the `keqi` parser."""
    plan = sub.add_parser(
        "plan",
        help="攻坚行动实施方案：载入方案文件、查看目标和措施",
        description="实施方案以 YAML 文件保存在 plans/ 目录，载入后系统据此跟踪目标和措施。",
    )
    actions = plan.add_subparsers(title="操作", dest="plan_action", metavar="操作")
    load = actions.add_parser(
        "load",
        help="检查并载入方案文件（重复载入会更新已有方案）",
        description="检查方案文件；有错误时逐条列出（指明文件中的位置）且不做任何改动。",
    )
    load.add_argument("file", help="方案文件路径，如 plans/baodi-2019.yaml")
    load.set_defaults(func=cmd_load)
    show = actions.add_parser(
        "show",
        help="查看已载入方案的目标和措施",
        description="按方案代码（如 baodi-2019）列出攻坚目标和工作措施。",
    )
    show.add_argument("name", help="方案代码，如 baodi-2019")
    show.add_argument(
        "--format", choices=["json", "table"], default="table", help="输出格式"
    )
    show.set_defaults(func=cmd_show)
    report = actions.add_parser(
        "report",
        help="生成月度汇总上报材料（Word 和 PDF）",
        description="按方案和月份生成汇总上报材料：攻坚目标完成情况表、措施推进情况、"
        "存在问题、下月工作重点、月报报送情况。",
    )
    report.add_argument("name", help="方案代码，如 baodi-2019")
    report.add_argument("--month", required=True, help="汇总月份，格式 YYYY-MM")
    report.add_argument(
        "--as-of", default=None, help="数据截至日期 YYYY-MM-DD（默认今天）"
    )
    report.add_argument("--out", default=".", help="输出目录（默认当前目录）")
    report.set_defaults(func=cmd_report)
    plan.set_defaults(func=lambda args: (plan.print_help(), 2)[1])


def cmd_load(args: argparse.Namespace) -> int:
    from keqi.campaign.planfile import PlanFileError
    from keqi.campaign.services import plan_file_load

    try:
        loaded = plan_file_load(path=args.file, actor=None)
    except PlanFileError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    plan = loaded.plan
    counts = f"目标 {plan.targets.count()} 项、措施 {plan.measures.count()} 条"
    if loaded.created:
        print(f"已载入方案 {plan.name}（{plan.title}）：{counts}。")
    elif loaded.changes:
        print(f"已更新方案 {plan.name}：{len(loaded.changes)} 处改动；{counts}。")
    else:
        print(f"方案 {plan.name} 与文件一致，无改动；{counts}。")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from keqi.campaign.models import Plan
    from keqi.campaign.selectors import plan_as_dict

    plan = Plan.objects.filter(name=args.name).first()
    if plan is None:
        print(f"找不到方案 {args.name}；请先运行 keqi plan load 文件", file=sys.stderr)
        return 1
    data = plan_as_dict(plan)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_table(data))
    return 0


def _table(data: dict[str, Any]) -> str:
    lines = [f"{data['title']}（{data['name']}）", "", "攻坚目标："]
    for t in data["targets"]:
        src = "系统统计" if t["source"] == "auto" else "单位填报"
        units = "、".join(u["name"] for u in t["units"][:3])
        more = f"等{len(t['units'])}个单位" if len(t["units"]) > 3 else ""
        lines.append(
            f"  {t['name']}：{t['value']}{t['unit']}，截止 {t['deadline']}，"
            f"{src}，责任单位 {units}{more}"
        )
    lines += ["", "工作措施："]
    for m in data["measures"]:
        lines.append(
            f"  {m['number']:>2}. {m['title']}（{m['units_text']}）"
            f"时限：{m['deadline'] or '未规定'}"
        )
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from django.utils import timezone

    from keqi.campaign.documents import FontMissing, summary_docx, summary_pdf
    from keqi.campaign.models import Plan
    from keqi.campaign.summary import summary_build
    from keqi.core.numbers import parse_date

    plan = Plan.objects.filter(name=args.name).first()
    try:
        month = dt.date.fromisoformat(args.month + "-01")
        as_of = (
            dt.date.fromisoformat(args.as_of) if args.as_of else timezone.localdate()
        )
    except ValueError:
        print("月份应为 YYYY-MM，日期应为 YYYY-MM-DD", file=sys.stderr)
        return 1
    try:  # far years (9999-12) would overflow the month arithmetic
        parse_date(month), parse_date(as_of)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if plan is None:
        print(f"找不到方案 {args.name}", file=sys.stderr)
        return 1
    summary = summary_build(plan, month, as_of)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{plan.name}-{month:%Y-%m}-汇总"
    stem.with_suffix(".docx").write_bytes(summary_docx(summary))
    try:
        stem.with_suffix(".pdf").write_bytes(summary_pdf(summary))
    except FontMissing as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"已生成 {stem}.docx 和 {stem}.pdf")
    return 0
