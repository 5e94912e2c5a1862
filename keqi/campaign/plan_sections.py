"""Further sections of a plan file that other apps keep (plan-section hook).

A plan file may carry data that belongs to an app the campaign does not import,
such as the institutions the plan names (合作院所, kept by keqi.partners). That app
registers the section's key from its `AppConfig.ready()` with two functions: `check`
(pure Python: the raw YAML value → a list of Chinese problems naming the place,
e.g. `institutions[2].kind: …`) and `load` (plan, raw value, actor → what changed,
inside `plan_load`'s transaction). An unregistered key stays an error in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlanSection:
    """A top-level key of a plan file kept by another app."""

    key: str
    check: Callable[[Any], list[str]]
    load: Callable[[Any, Any, Any], dict[str, list[Any]]]


_SECTIONS: dict[str, PlanSection] = {}


def plan_section_register(section: PlanSection) -> None:
    """Register (or replace, when an app is reloaded) a plan-file section."""
    _SECTIONS[section.key] = section


def plan_sections() -> dict[str, PlanSection]:
    """The registered sections by key."""
    return dict(_SECTIONS)
