"""The tier ladder (梯度): an enterprise's tier on a day and its history of tiers.

Pure functions over plain data, no Django: a ladder is the list of qualification
kinds from the lowest rung to the highest (HQ may reorder it), and an enterprise's
tier on a day is the highest rung it holds then. The national mark (高新技术企业)
is not a rung; it is shown beside the tier.

Which rung is held on a day is the engine's decision (``keqi.rules.ladder``,
given the configured order); this module only turns registry holdings into the
engine's facts and walks the days on which a tier can change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from keqi.rules.facts import EnterpriseFacts, QualificationFact
from keqi.rules.ladder import DEFAULT_ORDER, NATIONAL_MARK, tier_of, title_held

ONE_DAY = dt.timedelta(days=1)
DEFAULT_LADDER: tuple[str, ...] = DEFAULT_ORDER
DEFAULT_MARK = NATIONAL_MARK


@dataclass(frozen=True)
class Holding:
    """One qualification as the ladder sees it."""

    kind: str
    granted_on: dt.date | None
    valid_until: dt.date | None = None
    revoked_on: dt.date | None = None

    def fact(self) -> QualificationFact:
        """The engine's view: a revoked title ends the day before revocation."""
        until = self.valid_until
        if self.revoked_on is not None:
            last = self.revoked_on - ONE_DAY
            until = last if until is None else min(until, last)
        return QualificationFact(
            kind=self.kind, granted_on=self.granted_on, valid_until=until
        )

    def held_on(self, day: dt.date) -> bool:
        """In force on `day` by the engine's rule. A holding without a grant date
        never counts here: tiers and their history are about dates."""
        return self.granted_on is not None and title_held(self.fact(), day)


@dataclass(frozen=True)
class TierSpan:
    """A stretch of days on one tier; `until` None means still on it."""

    since: dt.date
    until: dt.date | None
    tier: str | None
    marked: bool


def _facts(holdings: Iterable[Holding]) -> EnterpriseFacts:
    quals = tuple(h.fact() for h in holdings if h.granted_on is not None)
    return EnterpriseFacts(uscc="", name="", qualifications=quals)


def tier_on(
    holdings: Iterable[Holding], ladder: Sequence[str], day: dt.date
) -> str | None:
    """The highest rung of `ladder` held on `day`, or None (the engine's tier_of)."""
    return tier_of(_facts(holdings), day, order=tuple(ladder)).name


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
