"""Audited action names of the funds app and their Chinese labels."""

from __future__ import annotations

from typing import Any

from keqi.core.audit import to_jsonable


class FundsAction:
    """Grep for these to find every place awards or money change."""

    FUND_CREATE = "fund.create"
    BUDGET_SET = "fund_budget.set"
    BUDGET_OVERRUN = "fund_budget.overrun"
    RULE_CREATE = "award_rule.create"
    RULE_UPDATE = "award_rule.update"
    AWARD_GENERATE = "award.generate"
    AWARD_APPLY = "award.apply"
    AWARD_AREA_CHECK = "award.area_check"
    AWARD_APPROVE = "award.approve"
    AWARD_REJECT = "award.reject"
    NOTICE_PUBLISH = "notice.publish"
    LEDGER_PAY = "ledger.pay"
    LEDGER_REVERSE = "ledger.reverse"
    RATIO_SET = "settlement_ratio.set"
    YEAR_CLOSE = "settlement.close"


ACTION_LABELS = {
    FundsAction.FUND_CREATE: "新建专项资金",
    FundsAction.BUDGET_SET: "设定资金预算",
    FundsAction.BUDGET_OVERRUN: "超预算拨付",
    FundsAction.RULE_CREATE: "新建奖励规则",
    FundsAction.RULE_UPDATE: "修改奖励规则",
    FundsAction.AWARD_GENERATE: "生成奖励候选（免申即享）",
    FundsAction.AWARD_APPLY: "录入奖励申请",
    FundsAction.AWARD_AREA_CHECK: "街镇/园区核实",
    FundsAction.AWARD_APPROVE: "指挥部审批通过",
    FundsAction.AWARD_REJECT: "不予奖励",
    FundsAction.NOTICE_PUBLISH: "发布公示",
    FundsAction.LEDGER_PAY: "登记拨付",
    FundsAction.LEDGER_REVERSE: "冲销分录",
    FundsAction.RATIO_SET: "设定结算比例",
    FundsAction.YEAR_CLOSE: "年度结算关账",
}


def jsonable(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Changes as the audit trail stores them: exact decimals and dates as text."""
    return {k: [to_jsonable(v) for v in pair] for k, pair in changes.items()}
