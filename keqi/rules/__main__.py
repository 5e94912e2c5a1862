"""``python -m keqi.rules`` prints docs/rules.md (generated from the code)."""

from __future__ import annotations

from keqi.rules.docs import render_rules_markdown

print(render_rules_markdown(), end="")
