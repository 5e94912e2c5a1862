"""Template filters for verdicts: the scannable brief (status, deciding line)."""

from __future__ import annotations

from typing import Any

from django import template

from keqi.cultivation.verdict_words import VerdictBrief, verdict_brief
from keqi.rules.model import ProgrammeResult
from keqi.rules.serialize import programme_to_dict

register = template.Library()


@register.filter
def brief(verdict: ProgrammeResult | dict[str, Any]) -> VerdictBrief:
    """A live verdict (portrait) or a stored one (its JSON) as its brief."""
    if isinstance(verdict, ProgrammeResult):
        return verdict_brief(programme_to_dict(verdict))
    return verdict_brief(verdict)
