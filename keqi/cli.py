"""The `keqi` command. Thin: each subcommand lives in its app's `commands.py`.

Every app module listed in COMMAND_MODULES exposes `register(subparsers)`, which adds
its subcommands with Chinese help and sets `func(args) -> int` on each.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "keqi.core.commands",
    "keqi.accounts.commands",
    "keqi.registry.commands",
    "keqi.campaign.commands",
    "keqi.core.demo.commands",
    "keqi.registry.evaluate_commands",
    "keqi.criteria.commands",
    "keqi.evaluations.commands",
    "keqi.funds.commands",
    "keqi.activities.commands",
    "keqi.partners.commands",
    "keqi.products.commands",
)


# argparse looks its messages up through the module's `_` at the moment it prints them,
# so mapping the English message ids here gives Chinese errors for every subcommand.
_ARGPARSE_MESSAGES = {
    "usage: ": "用法：",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选项：%(value)r（可选：%(choices)s）"
    ),
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个取值",
    "expected at most one argument": "最多只能有一个取值",
    "expected at least one argument": "至少需要一个取值",
    "invalid %(type)s value: %(value)r": "取值无效：%(value)r",
    "one of the arguments %s is required": "以下参数必须给出其中之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是：%(matches)s"
    ),
    "ignored explicit argument %r": "忽略了多余的取值 %r",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "show this help message and exit": "显示本帮助并退出",
}


def _argparse_text(message: str) -> str:
    return _ARGPARSE_MESSAGES.get(message, message)


def _argparse_ntext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "需要 %s 个取值"
    return singular if n == 1 else plural


argparse._ = _argparse_text  # type: ignore[attr-defined]
argparse.ngettext = _argparse_ntext  # type: ignore[attr-defined]


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help with Chinese section titles."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        return super().add_usage(
            usage, actions, groups, "用法：" if prefix is None else prefix
        )


def _translate(parser: argparse.ArgumentParser) -> None:
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "显示本帮助并退出"


def build_parser() -> argparse.ArgumentParser:
    """The full parser; also used to generate docs/cli.md."""
    parser = argparse.ArgumentParser(
        prog="keqi",
        description="科企：科技企业群体规模壮大攻坚行动管理平台的命令行工具。",
        formatter_class=ChineseHelpFormatter,
    )
    _translate(parser)
    sub = parser.add_subparsers(title="子命令", dest="command", metavar="子命令")
    original_add = sub.add_parser

    def add_parser(name: str, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        child = original_add(name, **kwargs)
        _translate(child)
        return child

    sub.add_parser = add_parser  # type: ignore[method-assign]
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    _translate_tree(parser)
    return parser


def _translate_tree(parser: argparse.ArgumentParser) -> None:
    """Chinese help for nested subcommands too (e.g. `keqi plan show`)."""
    parser.formatter_class = ChineseHelpFormatter
    _translate(parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _translate_tree(child)


def setup_django() -> None:
    """Configure Django for commands that use the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `keqi` console script."""
    setup_django()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from django.db import DatabaseError

    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # `keqi … | head` closed the pipe: the reader has what it wanted.
        _silence_stdout()
        return 0
    except DatabaseError as exc:
        if not _database_missing(exc):
            raise
        print(
            "数据库尚未初始化或缺少数据表：请先运行 `keqi init`（会创建或升级数据库），"
            f"再重试本命令。数据库报告：{exc}",
            file=sys.stderr,
        )
        return 1
    return result


def _database_missing(exc: Exception) -> bool:
    """True when the error says a table is missing (a database never initialised)."""
    text = str(exc).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
