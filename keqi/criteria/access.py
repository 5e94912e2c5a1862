"""Who keeps the rules (评价规则): parameter edits and composed programmes.

The criteria come from national and Tianjin documents and apply to the whole
city, and an install keeps one set of edits for all its districts. So with more
than one district only the city (市级) and the server's operator (superuser)
change them — a district's HQ reads them like everyone else, so that no district
quietly evaluates its enterprises by rules of its own. An install serving one
district keeps HQ (指挥部办公室) as the keeper, as it always was.
"""

from __future__ import annotations

from typing import Any

from keqi.accounts.models import District, Role

#: Why a district's HQ reads the rules only (shown on the pages and on a refusal).
CITY_KEEPS_RULES = (
    "本系统服务多个区，评价规则（参数取值和评价项目定义）依据国家和天津市文件制定，"
    "全市各区统一适用，由市级主管部门统一维护；区指挥部办公室只能查看，"
    "如需修改请联系市级主管部门。"
)
#: The refusal for every other role.
KEEPERS_ONLY = "只有市级主管部门（单区部署时为指挥部办公室）可以修改评价规则"


def several_districts() -> bool:
    """Whether the install serves more than one district."""
    return District.objects.count() > 1


def rules_refusal(user: Any) -> str:
    """Why `user` may not change the rules; "" when they may. ``None`` is the
    system itself (``keqi demo``, the command line), which may."""
    if user is None or getattr(user, "is_superuser", False):
        return ""
    if not getattr(user, "is_active", False):
        return KEEPERS_ONLY
    if user.role == Role.CITY:
        return ""
    if user.role == Role.HQ_ADMIN:
        return CITY_KEEPS_RULES if several_districts() else ""
    return KEEPERS_ONLY


def may_edit_rules(user: Any) -> bool:
    """Whether `user` may change parameters and programme definitions."""
    return not rules_refusal(user)
