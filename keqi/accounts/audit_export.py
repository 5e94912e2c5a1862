"""The audit trail as a list download: the columns and the 说明 filters.

At production volume the trail holds hundreds of thousands of events, so the
download goes through keqi.core.downloads (``accounts.audit``): written at once when
short, by the background worker with progress when long, the same workbook either
way; its rows are read 2 000 at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from keqi.accounts.selectors import AuditFilters
from keqi.core.audit import ACTION_LABELS
from keqi.core.exports import ListExport
from keqi.core.models import AuditEvent

TITLE = "操作记录"


def _changes(event: AuditEvent) -> str:
    if not event.changes:
        return ""
    return json.dumps(event.changes, ensure_ascii=False, sort_keys=True)


COLUMNS = (
    ("时间", lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    ("操作人", lambda e: f"{e.actor}（{e.actor.username}）" if e.actor else "系统"),
    ("操作", lambda e: ACTION_LABELS.get(e.action, e.action)),
    ("操作代码", lambda e: e.action),
    ("对象类型", lambda e: e.target_type),
    ("对象编号", lambda e: e.target_id),
    ("对象", lambda e: e.target_repr),
    ("变更内容", _changes),
    ("原因", lambda e: e.reason),
)


def audit_export(filters: AuditFilters, rows: Iterable[Any]) -> ListExport:
    """The filtered trail (newest first) with the filters named on 说明."""
    return ListExport(
        title=TITLE,
        columns=COLUMNS,
        rows=rows,
        filters=[
            ("操作人", filters.who),
            ("操作", ACTION_LABELS.get(filters.action, filters.action)),
            ("起始日期", str(filters.date_from or "")),
            ("截止日期", str(filters.date_to or "")),
            ("对象", filters.target),
        ],
    )
