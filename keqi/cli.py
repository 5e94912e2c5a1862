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
)


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
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
