"""The tier ladder (梯度): an enterprise's tier on a day and its history of tiers.

Pure functions over plain data, no Django: a ladder is the list of qualification
kinds from the lowest rung to the highest, and an enterprise's tier on a day is
the highest rung it holds then. The national mark (高新技术企业) is not a rung;
it is shown beside the tier.

Written here because keqi.rules had no ladder.py yet; when the engine grows one,
this module should be replaced by an import of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

ONE_DAY = dt.timedelta(days=1)
DEFAULT_LADDER: tuple[str, ...] = (
    "科技型中小企业",
    "雏鹰企业",
    "瞪羚企业",
    "科技领军培育企业",
    "科技领军企业",
)
DEFAULT_MARK = "高新技术企业"


@dataclass(frozen=True)
class Holding:
    """One qualification as the ladder sees it."""

    kind: str
    granted_on: dt.date | None
    valid_until: dt.date | None = None
    revoked_on: dt.date | None = None

    def held_on(self, day: dt.date) -> bool:
        """In force on `day`: granted by then, not past valid_until, not revoked."""
        if self.granted_on is None or self.granted_on > day:
            return False
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class TierSpan:
    """A stretch of days on one tier; `until` None means still on it."""

    since: dt.date
    until: dt.date | None
    tier: str | None
    marked: bool


def tier_on(
    holdings: Iterable[Holding], ladder: Sequence[str], day: dt.date
) -> str | None:
    """The highest rung of `ladder` held on `day`, or None."""
    held = {h.kind for h in holdings if h.held_on(day)}
    for kind in reversed(ladder):
        if kind in held:
            return kind
    return None


def marked_on(holdings: Iterable[Holding], mark: str, day: dt.date) -> bool:
    """Whether the national mark is held on `day`."""
    return any(h.kind == mark and h.held_on(day) for h in holdings)


def _turning_days(holdings: Iterable[Holding]) -> list[dt.date]:
    days: set[dt.date] = set()
    for h in holdings:
        if h.granted_on is None:
            continue
        days.add(h.granted_on)
        if h.valid_until is not None:
            days.add(h.valid_until + ONE_DAY)
        if h.revoked_on is not None:
            days.add(h.revoked_on)
    return sorted(days)


def tier_history(
    holdings: Sequence[Holding], ladder: Sequence[str], mark: str = DEFAULT_MARK
) -> list[TierSpan]:
    """Every change of tier or mark, oldest first (spans without either are kept,
    so a lapse shows as a span with tier None)."""
    relevant = [h for h in holdings if h.kind in ladder or h.kind == mark]
    spans: list[TierSpan] = []
    for day in _turning_days(relevant):
        state = (tier_on(relevant, ladder, day), marked_on(relevant, mark, day))
        if spans and (spans[-1].tier, spans[-1].marked) == state:
            continue
        if spans:
            spans[-1] = replace(spans[-1], until=day - ONE_DAY)
        spans.append(TierSpan(day, None, *state))
    return spans
