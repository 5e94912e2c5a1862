"""The audit trail's full download, declared for keqi.core.downloads: at once when
short, by the worker (with progress) when long. Only the audit administrator may
ask for it; the file is then theirs alone (keqi.core.downloads lets no one else,
not even their district's HQ administrator, see it: 三员分立)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied

from keqi.accounts.audit_export import audit_export
from keqi.accounts.models import Role
from keqi.accounts.selectors import audit_event_list_for, has_role
from keqi.core.downloads import Prepared, downloadable, list_prepared


@downloadable("accounts.audit")
def audit(user: Any, params: Mapping[str, str]) -> Prepared:
    """Every event the page's filters select, newest first."""
    from keqi.accounts.views_audit import audit_filters

    if not has_role(user, Role.AUDIT_ADMIN):
        raise PermissionDenied("只有安全审计员可以下载操作记录。")
    filters = audit_filters(params)
    rows = audit_event_list_for(user, filters)
    export = audit_export(filters, rows.iterator(chunk_size=2000))
    return list_prepared(export, user, rows.count())
