"""Reads of the registry, always scoped to the user asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from keqi.accounts.scopes import enterprise_q
from keqi.core.models import AuditEvent
from keqi.registry.models import Enterprise, WorkbookJob


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
