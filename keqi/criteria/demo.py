"""Demo rules (`keqi demo`): the district's own 技术领先型企业 criteria.

Clearly a demonstration: the document says 演示 and the reason says the criteria
are the district's own, made up for the demo.  The three Tianjin tiers are left
unconfigured, so the pages show what is missing.  Written through the service
(audited as the system); a second run finds the same version and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from keqi.criteria.services import programme_definition_save
from keqi.criteria.stored import latest_definitions

KEY = "tech_leader"
VERSION = "2019（演示）"
REASON = "演示数据（keqi demo）：区自定的技术领先型企业条件，仅供演示"


def _block(n: int, title: str, text: str, **block: Any) -> dict[str, Any]:
    return {"id": str(n), "title": title, "article": f"第{n}条", "text": text, **block}


DEFINITION: dict[str, Any] = {
    "version": VERSION,
    "title": "宝坻区技术领先型企业认定条件（演示用，区自定）",
    "document": "宝坻区科技局（演示）",
    "effective_from": "2019-01-01",
    "status": "confirmed",
    "require": "all",
    "conditions": [
        _block(1, "营业收入", "上一年度营业收入不低于3000万元",
               type="figure", field="operating_revenue", year_offset=-1,
               op=">=", value="3000"),
        _block(2, "研发投入强度", "上一年度研发费用占营业收入比例不低于4%",
               type="ratio", numerator="rd_expense", denominator="operating_revenue",
               year_offset=-1, op=">=", value="4%"),
        _block(3, "核心知识产权", "拥有2项以上与主要产品相关的有效Ⅰ类知识产权",
               type="ip_count", **{"class": "I"}, related_only=True,
               op=">=", value="2"),
        _block(4, "高新技术企业", "持有有效的高新技术企业证书",
               type="qualification", kinds=["高新技术企业"]),
    ],
}  # fmt: skip


def demo_load(as_of: dt.date) -> list[str]:
    """Save the demo 技术领先型企业 definition once; say what was done."""
    stored = [r for r in latest_definitions() if r.key == KEY]
    lines = [
        "评价规则：天津瞪羚、科技领军（培育）企业的评价条件未配置（天津市标准未经确认）"
    ]
    if any(r.version == VERSION for r in stored):
        return [*lines, "评价规则：技术领先型企业（演示条件）已存在，未变"]
    programme_definition_save(key=KEY, definition=DEFINITION, reason=REASON, actor=None)
    return [
        *lines,
        "评价规则：已配置技术领先型企业（区自定的演示条件，自2019-01-01起）",
    ]
