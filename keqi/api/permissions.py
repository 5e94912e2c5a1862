"""What a caller may do through the API: read within scope; write only when the
role writes on the web pages too (leaders and auditors never write)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import permissions
from rest_framework.request import Request

from keqi.accounts.models import Role

READ_ONLY_ROLES = (Role.LEADER, Role.AUDITOR)


def is_read_only(user: Any) -> bool:
    """Leaders and auditors only read, whatever the request."""
    return bool(not user.is_superuser and user.role in READ_ONLY_ROLES)


class ApiAccess(permissions.BasePermission):
    """Signed in (token or session) and, for a change, not a read-only role."""

    message = "当前账号为只读角色，不能通过接口修改数据"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return not is_read_only(user)


def may_read_docs(user: Any) -> bool:
    """The endpoint list and schema: anyone when KEQI_API_DOCS_PUBLIC is on, else
    a signed-in, active user."""
    if settings.KEQI_API_DOCS_PUBLIC:
        return True
    return bool(user and user.is_authenticated and user.is_active)


class DocsAccess(permissions.BasePermission):
    """Who may fetch the OpenAPI schema (see ``may_read_docs``)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return may_read_docs(request.user)
