"""Which area an enterprise was in on a past date, read from the audit trail.

The registry keeps only an enterprise's current area. Every move is recorded in
the enterprise's trail (subject ``enterprise:<id>``) with "area": [old name, new
name] in its changes: by `enterprise_upsert` as an `enterprise.update` event, and
by a workbook import as a `workbook.import` event (one per enterprise it changed). A move recorded on day m (local time) counts from
day m on: on any day before m the enterprise was in the old area.

Area names are unique, so a name maps back to its area; a name that no longer
exists (an area renamed since) maps to None, shown as 未知.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from keqi.accounts.models import Area
from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent

SUBJECT_PREFIX = "enterprise:"
# The events that can change an existing enterprise's area.
MOVE_ACTIONS = (AuditAction.ENTERPRISE_UPDATE, AuditAction.WORKBOOK_IMPORT)
# Past this many enterprises, reading every move is cheaper (and stays under the
# database's limit on query parameters) than naming them all.
FILTER_LIMIT = 500


@dataclass(frozen=True)
class AreaMove:
    """One recorded change of an enterprise's area."""

    enterprise_id: int
    on: dt.date
    old_area_id: int | None
    new_area_id: int | None


def area_moves(
    enterprise_ids: Iterable[int] | None = None,
) -> dict[int, list[AreaMove]]:
    """Area moves per enterprise, oldest first (one query, plus one for area names)."""
    events = AuditEvent.objects.filter(
        action__in=MOVE_ACTIONS,
        subject__startswith=SUBJECT_PREFIX,
        changes__has_key="area",
    )
    wanted = None if enterprise_ids is None else list(enterprise_ids)
    if wanted is not None and len(wanted) <= FILTER_LIMIT:
        events = events.filter(subject__in=[f"{SUBJECT_PREFIX}{pk}" for pk in wanted])
    rows = list(events.order_by("at", "id").values_list("subject", "at", "changes"))
    if not rows:
        return {}
    by_name = dict(Area.objects.values_list("name", "id"))
    moves: dict[int, list[AreaMove]] = defaultdict(list)
    for subject, at, changes in rows:
        old, new = changes["area"]
        pk = int(subject.removeprefix(SUBJECT_PREFIX))
        on = timezone.localtime(at).date()
        moves[pk].append(AreaMove(pk, on, by_name.get(old), by_name.get(new)))
    return dict(moves)


def area_on(
    current_area_id: int | None, moves: list[AreaMove], day: dt.date
) -> int | None:
    """The area on `day`: before the first move after that day, else the current one."""
    for move in moves:
        if move.on > day:
            return move.old_area_id
    return current_area_id
