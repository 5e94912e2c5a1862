"""`keqi import` and `keqi export`: the enterprise workbook from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add this module's subcommands to the `keqi` parser."""
    imp = sub.add_parser(
        "import",
        help="导入企业数据工作簿（.xlsx、.xls 或 CSV 文件夹）",
        description="导入企业数据工作簿。先检查全部内容，有任何错误则列出每一处错误"
        "（表 · 行 · 列）并退出（返回值 1），不做任何修改；没有错误时一次性全部导入，"
        "并按工作表列出新增、更新、无变化的条数。重复导入同一工作簿不会产生任何改动。",
    )
    imp.add_argument(
        "file", metavar="文件", help=".xlsx、.xls 文件，或 CSV 文件夹/.zip"
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="只检查并报告将会发生的变化，不写入"
    )
    imp.add_argument(
        "--user",
        metavar="用户名",
        help="以该用户身份导入（按其管辖范围检查并记入操作记录）",
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export",
        help="导出企业库为工作簿（与导入格式相同），或导出空白模板",
        description="按企业数据工作簿格式导出整个企业库（或某个区、某个街镇/园区）。"
        "文件以 .xlsx 结尾时写 Excel 工作簿，不带扩展名时写 CSV 文件夹（UTF-8）。"
        "一套系统服务几个区时，用 --user 只导出该用户管辖范围内的企业，或用 --district "
        "只导出一个区的企业。",
    )
    exp.add_argument("file", metavar="文件", help="输出文件（.xlsx）或文件夹")
    exp.add_argument(
        "--area", metavar="名称", help="只导出该街镇/园区的企业（名称或代码）"
    )
    exp.add_argument(
        "--user",
        metavar="用户名",
        help="只导出该用户管辖范围内的企业（区级账号只含本区）",
    )
    exp.add_argument("--district", metavar="代码", help="只导出该区的企业（区的代码）")
    exp.add_argument(
        "--template",
        action="store_true",
        help="导出带填写示例的空白模板（.xlsx）；“重点产业”下拉列表列出 --user 所在区、"
        "--district 所指区的重点产业，两者都不给时列出各区配置的重点产业",
    )
    exp.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from keqi.registry.workbook import import_workbook

    actor = _user(args.user)
    if args.user and actor is None:
        print(f"用户不存在：{args.user}")
        return 2
    result = import_workbook(Path(args.file), actor=actor, dry_run=args.dry_run)
    for warning in result.warnings:
        print(f"提示：{warning}")
    if result.errors:
        print(f"发现 {len(result.errors)} 处错误，未导入任何数据：")
        for error in result.errors:
            print(f"  {error}")
        return 1
    head = "检查通过（试运行，未写入），将会：" if args.dry_run else "导入完成："
    print(head if result.changed or args.dry_run else "导入完成，企业库无变化：")
    for line in result.summary_lines():
        print(f"  {line}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from keqi.registry.workbook import export_registry, write_template

    path = Path(args.file)
    if args.template:
        industries, message = _template_industries(args.user, args.district)
        if industries is None:
            print(message)
            return 2
        write_template(path, key_industries=industries)
        print(f"已写出空白模板：{path}")
        return 0
    enterprises, message = _enterprises(args.area, args.user, args.district)
    if enterprises is None:
        print(message)
        return 2
    try:
        tables = export_registry(path, enterprises)
    except ValueError as exc:
        print(exc)
        return 2
    print(f"已导出{message}到 {path}：")
    for table in tables:
        print(f"  {table.spec.name}：{table.count} 条")
    return 0


def _template_industries(
    username: str | None, district: str | None
) -> tuple[list[str] | None, str]:
    """The 重点产业 the template offers: the user's district's, the named
    district's, or every configured district's; (None, why) for an unknown one."""
    from keqi.accounts.industries import key_industries_for, remember_key_industries
    from keqi.accounts.models import District

    if district:
        found = District.objects.filter(code=district).first()
        if found is None:
            return None, f"未配置的区：{district}（填区的代码）"
        return list(found.key_industries), ""
    if username:
        user = _user(username)
        if user is None:
            return None, f"用户不存在：{username}"
        return key_industries_for(user), ""
    return remember_key_industries(None, list(District.objects.order_by("pk"))), ""


def _enterprises(
    area_name: str | None, username: str | None = None, district: str | None = None
) -> tuple[Any, str]:
    """The enterprises to export and how to name them; (None, why) when the
    user, district or area is unknown or the area is outside the user's scope."""
    from keqi.accounts.models import Area, District
    from keqi.accounts.scopes import area_q
    from keqi.registry.models import Enterprise
    from keqi.registry.selectors import enterprise_list_for

    rows, areas, whose = Enterprise.objects.all(), Area.objects.all(), "整个企业库"
    if username:
        user = _user(username)
        if user is None:
            return None, f"用户不存在：{username}"
        rows, areas = enterprise_list_for(user), areas.filter(area_q(user))
        whose = f"用户 {username} 管辖范围内的企业"
    if district:
        found = District.objects.filter(code=district).first()
        if found is None:
            return None, f"未配置的区：{district}（填区的代码）"
        rows, areas = rows.filter(area__district=found), areas.filter(district=found)
        whose = f"{found.name}的企业" if not username else f"{whose}（{found.name}）"
    if not area_name:
        return rows, whose
    area = areas.filter(name=area_name).first() or areas.filter(code=area_name).first()
    if area is None:
        return None, f"未配置的街镇/园区，或不在所选范围内：{area_name}"
    return rows.filter(area=area), f"{area.name}的企业"


def _user(username: str | None) -> Any:
    from keqi.accounts.models import User

    if not username:
        return None
    return User.objects.filter(username=username).first()
