"""Generated reports are kept: what was handed out can be fetched again unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from keqi.accounts.models import Role
from keqi.accounts.scopes import district_q
from keqi.core import audit
from keqi.core.exports import NOT_DATA_CHANGES, data_version
from keqi.core.models import GeneratedReport

REPORT_KEEP = NOT_DATA_CHANGES[0]
SEE_ALL = (Role.HQ_ADMIN, Role.LEADER, Role.AUDITOR)


@transaction.atomic
def generated_report_keep(
    *,
    kind: str,
    title: str,
    filename: str,
    content_type: str,
    content: bytes,
    as_of: dt.date | None,
    parameters: dict[str, Any],
    actor: Any,
) -> GeneratedReport:
    """Store a report as handed out, with the data version it was made from."""
    report = GeneratedReport.objects.create(
        kind=kind,
        title=title,
        filename=filename,
        content_type=content_type,
        content=content,
        size=len(content),
        as_of=as_of,
        data_version=data_version(),
        parameters=parameters,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=REPORT_KEEP,
        target=report,
        changes={"文件名": filename, "数据版本": report.data_version},
    )
    return report


def generated_report_list_for(user: Any) -> QuerySet[GeneratedReport]:
    """HQ, leaders and auditors see every kept report of their district (the
    city every district's); others only their own."""
    reports = GeneratedReport.objects.select_related("created_by").defer("content")
    if user.is_superuser or getattr(user, "role", None) == Role.CITY:
        return reports
    if getattr(user, "role", None) in SEE_ALL:
        return reports.filter(district_q(user, "created_by__unit__district_id"))
    return reports.filter(created_by=user)


def data_changed_since(report: GeneratedReport) -> bool:
    """Whether any audited change happened after the report was made."""
    return data_version() > report.data_version
