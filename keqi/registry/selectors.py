"""Reads of the registry, always scoped to the user asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from keqi.accounts.scopes import enterprise_q
from keqi.core.models import AuditEvent
from keqi.registry.models import (
    Enterprise,
    Qualification,
    QualificationKind,
    WorkbookJob,
)


def enterprise_list_for(user: Any) -> QuerySet[Enterprise]:
    """Enterprises the user may see."""
    return Enterprise.objects.filter(enterprise_q(user)).select_related("area")


def enterprise_get_for(user: Any, pk: int) -> Enterprise:
    """One enterprise, or 404 when it does not exist or is outside the user's scope."""
    found = enterprise_list_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("企业不存在或不在您的管辖范围内")
    return found


def enterprise_history(enterprise: Enterprise) -> QuerySet[AuditEvent]:
    """Every recorded change to the enterprise and its figures, IP and qualifications."""
    return AuditEvent.objects.filter(subject=enterprise.subject).select_related("actor")


def workbook_job_get_for(user: Any, pk: int) -> WorkbookJob:
    """One of the user's own import or export jobs; anybody else's is a 404."""
    found = WorkbookJob.objects.filter(pk=pk, user=user).first()
    if found is None:
        raise Http404("任务不存在")
    return found


def workbook_job_list_for(user: Any) -> QuerySet[WorkbookJob]:
    """The user's own import and export jobs, newest first."""
    return WorkbookJob.objects.filter(user=user)


@dataclass(frozen=True)
class IpManagement:
    """规范知识产权管理 of one enterprise on a day: the 知识产权管理体系认证 (GB/T
    29490 贯标) in force, else the latest one recorded (expired, revoked or not yet
    in force), else neither."""

    day: dt.date
    held: Qualification | None
    latest: Qualification | None


def ip_management_on(enterprise: Enterprise, day: dt.date) -> IpManagement:
    """The enterprise's IP management certificate as of `day` (one query)."""
    rows = list(
        enterprise.qualifications.filter(kind=QualificationKind.IP_MANAGEMENT).order_by(
            "-granted_on", "-id"
        )
    )
    held = next((q for q in rows if q.is_valid_on(day)), None)
    return IpManagement(day, held, None if held else (rows[0] if rows else None))
