"""`keqi products import|export`: the two lists' Excel exchange from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

LISTS = {"products": "产品与品牌", "transformations": "创新转型"}


def register(sub: Any) -> None:
    """Add this app's subcommands to the `keqi` parser."""
    top = sub.add_parser(
        "products",
        help="产品与转型：导入或导出产品与品牌、创新转型记录",
        description="产品与品牌（“专精特新”产品、重点新产品、“杀手锏”产品、品牌）和创新转型"
        "（工业企业上云、模式创新、技改投入）的 Excel 导入导出，格式与网页上的相同。",
    )
    actions = top.add_subparsers(dest="action", required=True, metavar="操作")
    imp = actions.add_parser(
        "import",
        help="导入一个列表的工作簿：全部成功，或列出每处错误（行 · 列）且不做任何修改",
    )
    imp.add_argument("file", metavar="文件", help=".xlsx、.xls 文件，或 CSV 文件")
    imp.set_defaults(func=cmd_import)
    exp = actions.add_parser("export", help="导出一个列表（可再导入）")
    exp.add_argument("file", metavar="文件", help="输出的 .xlsx 文件")
    exp.set_defaults(func=cmd_export)
    for parser in (imp, exp):
        parser.add_argument(
            "--list",
            dest="slug",
            choices=list(LISTS),
            required=True,
            help="products（产品与品牌）或 transformations（创新转型）",
        )
        parser.add_argument(
            "--user",
            metavar="用户名",
            required=True,
            help="以该用户身份操作：按其管辖范围查找企业，并记入操作记录",
        )


def _user(username: str) -> Any:
    from keqi.accounts.models import User

    return User.objects.filter(username=username, is_active=True).first()


def cmd_import(args: argparse.Namespace) -> int:
    from keqi.partners.access import can_record
    from keqi.partners.excel import import_file
    from keqi.products.sheets import SHEETS

    user = _user(args.user)
    if user is None or not can_record(user):
        print(f"用户“{args.user}”不存在、已停用或只能查看，不能导入")
        return 2
    outcome = import_file(SHEETS[args.slug], Path(args.file), user)
    if not outcome.ok:
        print(f"发现 {len(outcome.problems)} 处错误，未导入任何数据：")
        for p in outcome.problems:
            where = f"第{p.row}行" if p.row else "文件"
            print(f"  {where}{(' · ' + p.column) if p.column else ''}：{p.message}")
        return 1
    c = outcome.counts
    print(
        f"{LISTS[args.slug]}导入完成：新增 {c.get('created', 0)} 条，"
        f"修改 {c.get('updated', 0)} 条，未变 {c.get('unchanged', 0)} 条"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from keqi.partners.excel import xlsx_bytes
    from keqi.products.sheets import SHEETS

    user = _user(args.user)
    if user is None:
        print(f"用户“{args.user}”不存在或已停用")
        return 2
    sheet = SHEETS[args.slug]
    rows = list(sheet.rows(user))
    Path(args.file).write_bytes(xlsx_bytes(sheet, rows))
    print(f"已导出{LISTS[args.slug]} {len(rows)} 条：{args.file}")
    return 0
