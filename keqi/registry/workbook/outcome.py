"""What an import did, for its result page: the imported enterprises with what
changed (field: old → new, in Chinese) and their verdicts now.

The changes are the import's audit events (one per enterprise, ids
``job.event_first``–``job.event_last``), so the page and the enterprise's history
show the same record. Verdicts are computed only for the rows of one page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise, WorkbookJob
from keqi.registry.workbook.schema import ENTERPRISE

OUTCOMES = {"created": "新增", "updated": "有修改"}
VERDICTS = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定"}
_ACTIONS = {
    "created": AuditAction.ENTERPRISE_CREATE,
    "updated": AuditAction.WORKBOOK_IMPORT,
}
_HEADERS = {c.field: c for c in ENTERPRISE.columns}
_NAMES = {"extra": "附加列"}


def import_events(
    job: WorkbookJob, outcome: str = "", q: str = ""
) -> QuerySet[AuditEvent]:
    """The import's per-enterprise events, in the order written, filtered."""
    if not job.event_first:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(
        pk__range=(job.event_first, job.event_last),
        target_type="registry.enterprise",
        action__in=[_ACTIONS[outcome]]
        if outcome in _ACTIONS
        else list(_ACTIONS.values()),
    )
    if q:
        events = events.filter(target_repr__icontains=q)
    return events.order_by("pk")


def shown(value: Any) -> str:
    """A stored value as a person reads it: 是/否, blank as （空）."""
    if value is None or value == "":
        return "（空）"
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, dict):
        return "、".join(f"{k}：{v}" for k, v in value.items()) or "（空）"
    return str(value)


def change_lines(changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, old, new) for each stored change, the enterprise's fields by header."""
    lines = []
    for name, pair in changes.items():
        old, new = ([*pair, None, None])[:2]
        column = _HEADERS.get(name)
        label = column.header if column is not None else _NAMES.get(name, name)
        lines.append((label, shown(old), shown(new)))
    return lines


@dataclass(frozen=True)
class ImportedRow:
    """One imported enterprise on the result page."""

    event: AuditEvent
    enterprise: Enterprise | None  # None when no longer in the user's scope
    outcome: str
    changes: list[tuple[str, str, str]]
    verdicts: list[tuple[str, str]]


def imported_rows(
    events: list[AuditEvent], visible: QuerySet[Enterprise], day: dt.date
) -> list[ImportedRow]:
    """The page's rows with their enterprises (in the user's scope) and verdicts."""
    ids = [int(e.target_id) for e in events]
    found = {e.pk: e for e in visible.filter(pk__in=ids).select_related("area")}
    verdicts = verdicts_now(list(found.values()), day)
    return [
        ImportedRow(
            event=e,
            enterprise=found.get(int(e.target_id)),
            outcome="created"
            if e.action == AuditAction.ENTERPRISE_CREATE
            else "updated",
            changes=change_lines(e.changes or {}),
            verdicts=verdicts.get(int(e.target_id), []),
        )
        for e in events
    ]


def verdicts_now(
    enterprises: list[Enterprise], day: dt.date
) -> dict[int, list[tuple[str, str]]]:
    """(programme, 符合/不符合/待定) for each enterprise under the rules in force
    (HQ's edits included), by the scalar engine for these few enterprises only."""
    if not enterprises:
        return {}
    from keqi.criteria.engine import engine_setup
    from keqi.rules import evaluate

    setup = engine_setup()
    by_code = {e.uscc: e.pk for e in enterprises}
    found: dict[int, list[tuple[str, str]]] = {}
    for facts in iter_facts(enterprises):
        result = evaluate(facts, as_of=day, params=setup.params, extra=setup.extra)
        found[by_code[facts.uscc]] = [
            (p.name, VERDICTS.get(p.outcome.value, p.outcome.value))
            for p in result.programmes.values()
        ]
    return found


def outcome_label(event: AuditEvent) -> str:
    """新增 or 有修改, from the event's action."""
    created = event.action == AuditAction.ENTERPRISE_CREATE
    return OUTCOMES["created" if created else "updated"]
