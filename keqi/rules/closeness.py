"""How close an enterprise is to a programme: conditions still blocking it and
the score still missing (the order of a reserve list, 后备库).

The scalar definitions over one :class:`ProgrammeResult`; the columnar
counterpart is :func:`keqi.rules.batch.closeness_codes`, and a property test
checks that both give the same figures for every enterprise.
"""

from __future__ import annotations

from keqi.rules.model import ConditionResult, ProgrammeResult
from keqi.rules.numbers import Tri

#: The threshold text of an alternative direct route ("any one of …").
ROUTE_THRESHOLD = "任一项"


def route_ids(result: ProgrammeResult) -> tuple[str, ...]:
    """Ids of alternative direct routes: an enterprise need not take one of them
    when it can pass the main way, so they never block."""
    return tuple(c.id for c in result.conditions if c.threshold == ROUTE_THRESHOLD)


def in_route(cid: str, routes: tuple[str, ...]) -> bool:
    """Whether condition `cid` is a route or one of its parts."""
    return any(cid == r or cid.startswith(f"{r}.") for r in routes)


def blocking(result: ProgrammeResult) -> list[ConditionResult]:
    """Conditions not met, leaving out alternative routes and their parts."""
    routes = route_ids(result)
    return [
        c
        for c in result.conditions
        if c.status is Tri.NOT_MET and not in_route(c.id, routes)
    ]


def shortfall(result: ProgrammeResult, mark: int | None) -> int | None:
    """Points still needed (pass mark minus best possible score), 0 if none;
    0 for a programme without a pass mark, None when the score is unknown."""
    if mark is None:
        return 0
    if result.score_high is None:
        return None
    return max(mark - result.score_high, 0)
