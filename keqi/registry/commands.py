"""`keqi import` and `keqi export`: the enterprise workbook (to be filled in)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this module's subcommands to the `keqi` parser."""
