"""docs/cli.md, generated from `keqi --help` and every subcommand's `--help`.

Regenerate with `make docs` or
`.venv/bin/python -m keqi.core.docs_cli > docs/cli.md`; a test fails when the
committed file differs from what this prints, so the page cannot rot.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from keqi.cli import build_parser

WIDTH = 100  # help is wrapped at this width whatever the terminal is
REGENERATE = ".venv/bin/python -m keqi.core.docs_cli > docs/cli.md"
HEADER = f"""# 命令行 · `keqi` command line

本页由各命令的 `--help` 自动生成，请勿手改。新增或修改子命令后运行
`make docs`（即 `{REGENERATE}`）并提交；测试会在本页与代码不一致时失败。

This page is generated from every command's `--help`; regenerate it with `make docs`.
"""


@contextmanager
def fixed_width(columns: int = WIDTH) -> Iterator[None]:
    """argparse wraps at the terminal width; pin it so the output is stable."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns + 2)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def subcommands(
    parser: argparse.ArgumentParser,
) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each direct subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {a.dest: a.help or "" for a in action._choices_actions}
            return [
                (name, summaries.get(name, ""), child)
                for name, child in action.choices.items()
            ]
    return []


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ("keqi",)
) -> Iterator[tuple[tuple[str, ...], str, argparse.ArgumentParser]]:
    """Every command, depth first: (words of the command, summary, parser)."""
    for name, summary, child in subcommands(parser):
        yield (*path, name), summary, child
        yield from walk(child, (*path, name))


def render_cli_markdown() -> str:
    """The whole of docs/cli.md."""
    parser = build_parser()
    with fixed_width():
        commands = list(walk(parser))
        parts = [HEADER, "\n| 命令 | 用途 |\n|---|---|\n"]
        parts += [f"| `{' '.join(p)}` | {s} |\n" for p, s, _ in commands]
        parts.append(f"\n## `keqi`\n\n```text\n{parser.format_help()}```\n")
        for path, _, child in commands:
            parts.append(
                f"\n## `{' '.join(path)}`\n\n```text\n{child.format_help()}```\n"
            )
    return "".join(parts)


def main() -> int:
    """Print the page (UTF-8 whatever the locale)."""
    from keqi.cli import setup_django

    setup_django()
    sys.stdout.buffer.write(render_cli_markdown().encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
