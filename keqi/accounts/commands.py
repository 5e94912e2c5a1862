"""`keqi user add/disable/enable/reset-password/list`: accounts from the server.

The server's operator is the only one who can make the three administrators
(系统管理员, 安全管理员, 安全审计员); every change is audited with the reason
and the operating-system user who ran the command.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

ROLE_HELP = (
    "角色：hq_admin 指挥部管理员，member 成员单位，area_staff 街镇/园区工作人员，"
    "leader 领导（只读），auditor 审计（只读），city 市级（只读各区业务、维护全市评价规则，须属市级单位），"
    "sys_admin 系统管理员，"
    "sec_admin 安全管理员，audit_admin 安全审计员"
)


def register(sub: Any) -> None:
    """Add `keqi user` and its actions to the `keqi` parser."""
    user = sub.add_parser(
        "user",
        help="账号管理：新建、停用、启用、重置密码、列出账号",
        description="在服务器上管理登录账号。账号只停用不删除；每次变更连同原因记入操作记录。"
        "三员账号（系统管理员、安全管理员、安全审计员）只能用本命令建立。",
    )
    actions = user.add_subparsers(title="操作", dest="user_action", metavar="操作")
    add = actions.add_parser(
        "add",
        help="新建账号（本人首次登录时须修改密码）",
        description="新建一个登录账号。街镇/园区工作人员用 --area 指定所辖街镇/园区"
        "（即该街镇/园区的单位），其余角色用 --unit 指定单位。",
    )
    add.add_argument("username", help="用户名（大小写、全角半角视为相同）")
    add.add_argument("--role", required=True, help=ROLE_HELP)
    add.add_argument("--unit", help="所属单位代码，如 hq、gxj、dakoutun-gov")
    add.add_argument("--area", help="街镇/园区代码，如 dakoutun（取该街镇/园区的单位）")
    add.add_argument("--name", default="", help="姓名")
    add.add_argument("--password", help="初始密码（不填则随机生成并显示一次）")
    add.add_argument("--reason", required=True, help="原因，记入操作记录")
    add.set_defaults(func=cmd_add)
    for name, text in (("disable", "停用"), ("enable", "启用")):
        change = actions.add_parser(
            name,
            help=f"{text}账号",
            description=f"{text}一个账号；停用后无法登录，账号和它的操作记录保留。",
        )
        change.add_argument("username", help="用户名")
        change.add_argument("--reason", required=True, help="原因，记入操作记录")
        change.set_defaults(func=cmd_disable if name == "disable" else cmd_enable)
    reset = actions.add_parser(
        "reset-password",
        help="重置密码（本人下次登录时须修改）",
        description="给账号设一个临时密码；本人下次登录时须改为自己的密码。",
    )
    reset.add_argument("username", help="用户名")
    reset.add_argument("--password", help="临时密码（不填则随机生成并显示一次）")
    reset.add_argument("--reason", required=True, help="原因，记入操作记录")
    reset.set_defaults(func=cmd_reset_password)
    listing = actions.add_parser(
        "list",
        help="列出账号",
        description="列出账号：用户名、姓名、单位、角色、状态。",
    )
    listing.add_argument("--role", help="只列此角色（角色代码）")
    listing.add_argument("--unit", help="只列此单位（单位代码）")
    listing.add_argument("--disabled", action="store_true", help="只列已停用的账号")
    listing.set_defaults(func=cmd_list)
    user.set_defaults(func=lambda args: (user.print_help(), 2)[1])


def _reason(args: argparse.Namespace) -> str:
    """The reason with who ran the command (the trail has no web user to name)."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "未知"
    return (
        f"{args.reason.strip()}（命令行，操作系统用户 {who}）"
        if args.reason.strip()
        else ""
    )


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _errors(exc: Any) -> str:
    return "；".join(exc.messages)


def _find(username: str) -> Any:
    from keqi.accounts.models import User
    from keqi.accounts.throttle import username_key

    return User.objects.filter(username=username_key(username)).first()


def _unit(args: argparse.Namespace) -> Any:
    """The unit named by --unit or --area; raises LookupError with the message."""
    from keqi.accounts.models import Unit, UnitKind

    unit = None
    if args.unit:
        unit = Unit.objects.filter(code=args.unit).first()
        if unit is None:
            raise LookupError(
                f"找不到单位代码 {args.unit}（运行 keqi init 载入区配置）"
            )
    if args.area:
        by_area = Unit.objects.filter(area__code=args.area, kind=UnitKind.AREA).first()
        if by_area is None:
            raise LookupError(f"找不到街镇/园区代码 {args.area} 的单位")
        if unit is not None and unit.pk != by_area.pk:
            raise LookupError(f"单位 {args.unit} 不属于街镇/园区 {args.area}")
        unit = by_area
    return unit


def cmd_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from keqi.accounts.passwords import password_generate
    from keqi.accounts.services import user_create

    try:
        unit = _unit(args)
    except LookupError as exc:
        return _fail(str(exc))
    password = args.password or password_generate()
    try:
        user = user_create(
            username=args.username,
            password=password,
            unit=unit,
            role=args.role,
            full_name=args.name,
            actor=None,
            reason=_reason(args),
            must_change_password=True,
        )
    except ValidationError as exc:
        return _fail(f"未新建账号：{_errors(exc)}")
    print(
        f"已新建账号 {user.username}（{user.get_role_display()}，{unit or '无单位'}）。"
    )
    if not args.password:
        print(f"初始密码：{password}  （只显示这一次；本人首次登录时须修改）")
    return 0


def _state_change(args: argparse.Namespace, service_name: str, done: str) -> int:
    from django.core.exceptions import ValidationError

    from keqi.accounts import services

    user = _find(args.username)
    if user is None:
        return _fail(f"找不到账号 {args.username}")
    try:
        getattr(services, service_name)(user=user, actor=None, reason=_reason(args))
    except ValidationError as exc:
        return _fail(_errors(exc))
    print(done.format(user.username))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _state_change(args, "user_disable", "已停用账号 {}。")


def cmd_enable(args: argparse.Namespace) -> int:
    return _state_change(args, "user_enable", "已启用账号 {}。")


def cmd_reset_password(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from keqi.accounts.passwords import password_generate
    from keqi.accounts.services import user_reset_password

    user = _find(args.username)
    if user is None:
        return _fail(f"找不到账号 {args.username}")
    password = args.password or password_generate()
    try:
        user_reset_password(
            user=user, password=password, actor=None, reason=_reason(args)
        )
    except ValidationError as exc:
        return _fail(f"未重置密码：{_errors(exc)}")
    print(f"已重置 {user.username} 的密码，本人下次登录时须修改。")
    if not args.password:
        print(f"临时密码：{password}  （只显示这一次）")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from keqi.accounts.models import User

    rows = User.objects.select_related("unit").order_by("username")
    if args.role:
        rows = rows.filter(role=args.role)
    if args.unit:
        rows = rows.filter(unit__code=args.unit)
    if args.disabled:
        rows = rows.filter(is_active=False)
    print("用户名\t姓名\t单位\t角色\t状态")
    for user in rows:
        state = "启用" if user.is_active else "已停用"
        if user.must_change_password:
            state += "（待改密码）"
        unit = user.unit.name if user.unit else "—"
        print(
            f"{user.username}\t{user.full_name or '—'}\t{unit}\t"
            f"{user.get_role_display()}\t{state}"
        )
    return 0
