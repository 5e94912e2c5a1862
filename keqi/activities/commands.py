"""`keqi` subcommands of keqi.activities (none yet)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this app's subcommands to the `keqi` parser."""
