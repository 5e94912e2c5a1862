"""docs/cli.md is generated from the code and must match it."""

from __future__ import annotations

import re
from pathlib import Path

from keqi.cli import build_parser
from keqi.core.docs_cli import REGENERATE, render_cli_markdown, walk

CLI_MD = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_docs_cli_md_matches_every_commands_help() -> None:
    committed = CLI_MD.read_text(encoding="utf-8") if CLI_MD.exists() else ""
    assert committed == render_cli_markdown(), (
        f"docs/cli.md 与命令行帮助不一致（子命令或帮助有改动）。请运行 `{REGENERATE}`"
        "（或 make docs）并提交。docs/cli.md is out of date: regenerate it."
    )


def test_every_subcommand_is_listed_with_a_chinese_summary() -> None:
    text = render_cli_markdown()
    for path, summary, _ in walk(build_parser()):
        assert f"## `{' '.join(path)}`" in text
        assert CJK.search(summary), f"{' '.join(path)} 缺少中文帮助"


def test_no_help_page_falls_back_to_english() -> None:
    text = render_cli_markdown()
    for english in ("usage:", "show this help message", "positional arguments"):
        assert english not in text, f"帮助中仍有英文：{english}"


def test_help_does_not_depend_on_the_terminal_width(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "40")
    narrow = render_cli_markdown()
    monkeypatch.setenv("COLUMNS", "300")
    assert render_cli_markdown() == narrow
