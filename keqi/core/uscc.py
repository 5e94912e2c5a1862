"""统一社会信用代码 (GB 32100-2015) check, as a plain function.

Positions 1–17 carry values from a 31-symbol alphabet (digits and capitals without
I, O, Z, S, V); position 18 is a check character so that the weighted sum of all
18 values is a multiple of 31. Weights are 3**(i-1) mod 31.
"""

from __future__ import annotations

import operator
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALLOWED = frozenset(ALPHABET)
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class UsccCheck:
    """The outcome of checking one code: the cleaned code, an error, a warning."""

    code: str
    error: str = ""
    warning: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def normalise(raw: str) -> str:
    """Upper-case, half-width, without spaces: what people type or paste."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (which must be valid)."""
    if len(first17) != len(WEIGHTS):
        raise ValueError("check_character needs exactly 17 characters")
    total = sum(map(operator.mul, map(_VALUE.__getitem__, first17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def _org_code_ok(code: str) -> bool:
    """GB 11714 check of positions 9–17; advisory only."""
    body, check = code[8:16], code[16]
    values = [int(ch, 36) for ch in body]
    remainder = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return check == expected


def check_uscc(raw: str, *, advisory: bool = True) -> UsccCheck:
    """Check a code; the error and warning are Chinese sentences for the user.
    Without `advisory`, the GB 11714 check of positions 9–17 (only ever a
    warning) is left out: for callers that never show the warning."""
    code = normalise(raw)
    if len(code) != 18:
        return UsccCheck(code, error=f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = [] if _ALLOWED.issuperset(code) else [ch for ch in code if ch not in _VALUE]
    if bad:
        shown = "、".join(dict.fromkeys(bad))
        return UsccCheck(
            code,
            error=f"统一社会信用代码含有不允许的字符：{shown}（不得使用I、O、Z、S、V）",
        )
    if not code[2:8].isdigit():
        return UsccCheck(
            code, error="统一社会信用代码第3–8位应为行政区划代码（6位数字）"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(
            code,
            error=f"统一社会信用代码校验位错误：第18位应为{expected}，实际为{code[17]}",
        )
    if advisory and code[8:16].isalnum() and not _org_code_ok(code):
        return UsccCheck(code, warning="组织机构代码（第9–17位）校验未通过，请核实")
    return UsccCheck(code)


def is_valid_uscc(raw: str) -> bool:
    """True when the code passes the GB 32100-2015 check."""
    return check_uscc(raw).ok


def make_uscc(prefix: str, serial: str) -> str:
    """Build a valid code from an 8-character prefix and 9-character body (for demo data)."""
    first17 = normalise(prefix + serial)
    return first17 + check_character(first17)


# What a user is told when a code belongs to an enterprise outside their scope: only
# that it cannot be used — never that it exists elsewhere, nor its name or area.
UNUSABLE = "该统一社会信用代码不能使用，请核对后重试"


def unusable(code: str) -> str:
    """The refusal for a code the user may not use, quoting only what they typed."""
    return f"统一社会信用代码“{code}”不能使用，请核对后重试"
