"""Every change the API app makes: creating and revoking tokens, recording API writes.

Each service is atomic and writes its audit row in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from keqi.api.models import ApiToken
from keqi.core import audit

KEY_PREFIX = "kq_"
MAX_ACTIVE_TOKENS = 20


class ApiAction:
    """Audited action names of the API app."""

    TOKEN_CREATE = "api_token.create"
    TOKEN_REVOKE = "api_token.revoke"
    WRITE = "api.write"


ACTION_LABELS = {
    ApiAction.TOKEN_CREATE: "创建接口令牌",
    ApiAction.TOKEN_REVOKE: "撤销接口令牌",
    ApiAction.WRITE: "通过数据接口写入",
}


def token_digest(key: str) -> str:
    """The SHA-256 of a key as stored (keys are random, so no slow hash is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _may_manage(actor: Any, owner: Any) -> None:
    if actor is None or actor.is_hq or actor.pk == owner.pk:
        return
    raise PermissionDenied("只能管理自己的接口令牌")


@dataclass(frozen=True)
class TokenCreated:
    """A new token and its key, which is shown this once and never stored."""

    token: ApiToken
    key: str


@transaction.atomic
def api_token_create(*, user: Any, name: str, actor: Any) -> TokenCreated:
    """Make a token for `user` (by the user themself or HQ); returns the key once."""
    _may_manage(actor, user)
    name = name.strip()
    if not name:
        raise ValidationError("请填写令牌用途（如：区统计平台对接）")
    if len(name) > 60:
        raise ValidationError("令牌用途不能超过60个字")
    if not user.is_active:
        raise ValidationError("该账号已停用，不能创建接口令牌")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"每个账号最多 {MAX_ACTIVE_TOKENS} 个有效令牌，请先撤销不用的"
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: len(KEY_PREFIX) + 6],
        digest=token_digest(key),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=ApiAction.TOKEN_CREATE,
        target=token,
        changes={"user": [None, user.username], "name": [None, name]},
        subject=f"user:{user.pk}",
    )
    return TokenCreated(token, key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a token (its owner or HQ); it stops working at once. Idempotent."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _may_manage(actor, token.user)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor if getattr(actor, "pk", None) else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action=ApiAction.TOKEN_REVOKE,
        target=token,
        changes={"revoked_at": [None, audit.to_jsonable(token.revoked_at)]},
        subject=f"user:{token.user_id}",
    )
    return token


def api_write_record(
    *, token: ApiToken | None, actor: Any, what: str, target: models.Model | None
) -> None:
    """Note that a change came through the API, and with which token.

    Call inside the same transaction as the change (the change itself is audited
    by the service that makes it); `what` says in Chinese what was done. The
    target is the changed record, else the token used.
    """
    shown = target if target is not None else token
    if shown is None:
        return
    audit.record(
        actor=actor,
        action=ApiAction.WRITE,
        target=shown,
        changes={"token": [None, str(token) if token else "会话登录"]},
        reason=what,
    )
