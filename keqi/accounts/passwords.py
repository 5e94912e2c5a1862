"""The password policy (等保 2.0): length, character classes, no reuse of recent ones.

These are Django password validators (listed in AUTH_PASSWORD_VALIDATORS), so the
services, the forms and Django's own tools all apply the same rules.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from keqi.accounts.policy import security_policy

CLASSES = (
    ("小写字母", string.ascii_lowercase),
    ("大写字母", string.ascii_uppercase),
    ("数字", string.digits),
)
MIN_CLASSES = 3


def class_count(password: str) -> int:
    """How many of lower case, upper case, digits and other characters it uses."""
    found = sum(any(c in chars for c in password) for _, chars in CLASSES)
    other = any(
        not any(c in chars for _, chars in CLASSES) and not c.isspace()
        for c in password
    )
    return found + other


class LengthValidator:
    """At least the policy's minimum length (never fewer than 10).

    Django's own length validator has no Chinese translation of its message."""

    def validate(self, password: str, user: Any = None) -> None:
        minimum = security_policy().password_min_length
        if len(password) < minimum:
            raise ValidationError(
                f"密码太短：至少 {minimum} 位，现在只有 {len(password)} 位。",
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return f"至少 {security_policy().password_min_length} 位。"


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        if class_count(password) < MIN_CLASSES:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号四类中的至少三类。",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return "须包含大写字母、小写字母、数字、符号四类中的至少三类。"


class HistoryValidator:
    """Not the current password nor any of the last few (the policy's password history)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        if password_was_used(user, password):
            raise ValidationError(
                f"不能使用最近 {security_policy().password_history} 次用过的密码。",
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return f"不能与最近 {security_policy().password_history} 次用过的密码相同。"


def password_was_used(user: Any, password: str) -> bool:
    """Whether the password is one of the user's last few (the policy's password history)."""
    from keqi.accounts.models import PasswordHistory, User

    current = User.objects.filter(pk=user.pk).values_list("password", flat=True)
    recent = PasswordHistory.objects.filter(user_id=user.pk).values_list(
        "password", flat=True
    )[: security_policy().password_history]
    hashes = [*current, *recent]
    return any(check_password(password, encoded) for encoded in hashes if encoded)


def password_generate() -> str:
    """A random password that meets the policy (for a reset from the command line)."""
    alphabet = string.ascii_letters + string.digits + "-_.@#%"
    length = max(14, security_policy().password_min_length)
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if class_count(candidate) == 4:
            return candidate
