"""A verdict reads status first, then the condition that decides it (issue 16)."""

from __future__ import annotations

from typing import Any

from keqi.cultivation.verdict_words import verdict_brief


def _c(cid: str, title: str, status: str, **more: Any) -> dict[str, Any]:
    return {"id": cid, "title": title, "status": status, "value": "", **more}


GATES = [
    _c("6.1", "境内注册的居民企业", "met"),
    _c("6.3", "产品和服务不属限制或淘汰类", "met"),
]
ROUTES = [
    _c("8.1", "有效期内的高新技术企业资格", "met"),
    _c("8.2", "近五年国家级科技奖励且排名前三", "not_met"),
]


def test_a_direct_route_pass_names_the_route_and_shows_no_score() -> None:
    brief = verdict_brief(
        {
            "outcome": "eligible",
            "route": "direct",
            "score_range": ["0", "0"],
            "conditions": [
                *GATES,
                _c("6.5", "综合评价得分", "not_met", value="0", threshold="≥ 60"),
                *ROUTES,
                _c(
                    "8",
                    "直接确认途径",
                    "met",
                    reason="满足：有效期内的高新技术企业资格",
                ),
            ],
        }
    )
    assert (brief.badge, brief.label) == ("ok", "符合条件")
    assert brief.line == "经直接确认途径：有效期内的高新技术企业资格"
    assert brief.score == ""  # not "得分：0"


def test_a_hard_fail_with_a_full_score_leads_with_the_failed_condition() -> None:
    conditions = [
        GATES[0],
        _c("6.3", "产品和服务不属限制或淘汰类", "not_met", value="是", threshold="否"),
        _c("6.5", "综合评价得分", "met", value="100", threshold="≥ 60"),
    ]
    brief = verdict_brief(
        {
            "outcome": "ineligible",
            "score_range": ["100", "100"],
            "conditions": conditions,
        }
    )
    assert (brief.badge, brief.label) == ("bad", "不符合条件")
    assert brief.line == "未满足：产品和服务不属限制或淘汰类（实际 是，要求 否）"
    assert brief.score == "评分 100 分"
    assert brief.counts == "共 3 项：满足 2，不满足 1"


def test_the_options_of_a_failed_group_are_left_to_the_table() -> None:
    routes = [_c("8.1", "高企资格", "not_met"), _c("8.2", "国家级奖励", "not_met")]
    brief = verdict_brief(
        {
            "outcome": "ineligible",
            "score_range": ["45", "45"],
            "conditions": [
                *GATES,
                _c("6.5", "综合评价得分", "not_met", value="45", threshold="≥ 60"),
                *routes,
                _c("8", "直接确认途径", "not_met"),
            ],
        }
    )
    assert brief.line == (
        "未满足：综合评价得分（实际 45，要求 ≥ 60）；直接确认途径（各项均未满足）"
    )


def test_an_undetermined_verdict_names_the_missing_data() -> None:
    brief = verdict_brief(
        {
            "outcome": "undetermined",
            "missing": ["2018年度营业收入", "职工总数", "研发费用", "资产总额"],
            "conditions": [_c("6.2", "规模", "unknown")],
        }
    )
    assert brief.badge == "warn"
    assert brief.line == "尚缺数据：2018年度营业收入、职工总数、研发费用等 4 项"
    assert brief.counts == "共 1 项：满足 0，不满足 0，待定 1"
