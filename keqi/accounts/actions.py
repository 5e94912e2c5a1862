"""Names and Chinese labels of the audited account and login actions."""

from __future__ import annotations

from keqi.core.audit import AuditAction


class AccountAction:
    """grep for these to find every place an account, a login lock or the security policy changes."""

    USER_CREATE = "user.create"
    USER_DISABLE = "user.disable"
    USER_ENABLE = "user.enable"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_PASSWORD_CHANGE = "user.password_change"
    LOGIN_LOCKED = AuditAction.LOGIN_LOCKED
    LOGIN_UNLOCKED = "login.unlocked"
    POLICY_CHANGE = "policy.change"


ACCOUNT_ACTION_LABELS = {
    AccountAction.USER_CREATE: "新建账号",
    AccountAction.USER_DISABLE: "停用账号",
    AccountAction.USER_ENABLE: "启用账号",
    AccountAction.USER_PASSWORD_RESET: "重置密码",
    AccountAction.USER_PASSWORD_CHANGE: "修改本人密码",
    AccountAction.LOGIN_LOCKED: "登录锁定",
    AccountAction.LOGIN_UNLOCKED: "登录解锁",
    AccountAction.POLICY_CHANGE: "修改安全策略",
}
