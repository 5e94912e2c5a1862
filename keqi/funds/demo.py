"""Funds demo data: rules, candidates from the 2019 demo registry, payments, settlement.

Called by `keqi demo` after the enterprises (as_of = 2019-09-30). Every amount is a
demo value and every rule says so (金额来源：演示数值); the plan states no amounts.
2018 is played to the end (all approved, 公示, paid, one wrong payment reversed,
one award paid by its park, ratios set, the year closed); 2019 stands at as_of with
candidates at every step, one rejected, one 公示 paid in September and an
application waiting. Each step checks whether it already happened, so a second run
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction

from keqi.accounts.models import Area, Unit, User
from keqi.funds.award_rules import award_rule_save, fund_create
from keqi.funds.awards import (
    award_apply,
    award_approve,
    award_area_check,
    award_candidates_generate,
    award_reject,
    notice_publish,
)
from keqi.funds.demo_transfers import transfers_load
from keqi.funds.ledger import fund_budget_set, ledger_pay, ledger_reverse
from keqi.funds.models import (
    Award,
    AwardRule,
    AwardStatus,
    Fund,
    LedgerEntry,
    Payer,
    PublicNotice,
    YearClose,
)
from keqi.funds.settlement import settlement_ratio_set, year_close
from keqi.registry.models import Enterprise

D = dt.date
M = Decimal
PLAN = (
    "天津市宝坻区人民政府关于批转区科技局拟定的宝坻区科技企业群体规模壮大攻坚行动"
    "实施方案的通知（2019年5月20日）"
)
DEMO_DOC = "（演示）宝坻区科技企业奖补办法（示例文本，非正式文件）"
FUND = ("kjfc", "科技企业扶持资金")
BUDGETS = {2018: M("3000000.00"), 2019: M("5000000.00")}


def _rule(
    name: str, kind: str, trigger: str, amount: str, **more: Any
) -> dict[str, Any]:
    values = {
        "name": name,
        "award_type": kind,
        "trigger_kind": trigger,
        "trigger_level": "",
        "first_time_only": bool(trigger),
        "amount": M(amount),
        "amount_source": "demo",
        "effective_from": D(2018, 1, 1),
        "effective_to": None,
        "note": "演示规则：金额为演示数值，正式使用前由指挥部按文件录入",
    }
    return values | more


RULES = [
    _rule(
        "首次认定国家高新技术企业奖励",
        "high_tech",
        "高新技术企业",
        "200000",
        basis_document=PLAN,
        basis_article="三、重点任务（一）1",
        basis_text="对首次获批的国家高新技术企业给予奖励。",
    ),
    _rule(
        "国家科技型中小企业首次入库奖励",
        "tech_sme",
        "科技型中小企业",
        "10000",
        basis_document=DEMO_DOC,
        basis_article="第三条（演示条款）",
        basis_text="对首次入库的国家科技型中小企业给予一次性奖励。",
    ),
    _rule(
        "雏鹰企业首次认定奖励",
        "growth",
        "雏鹰企业",
        "50000",
        basis_document=DEMO_DOC,
        basis_article="第四条（演示条款）",
        basis_text="对首次认定的天津市雏鹰企业给予一次性奖励。",
    ),
    _rule(
        "瞪羚企业首次认定奖励",
        "growth",
        "瞪羚企业",
        "100000",
        basis_document=DEMO_DOC,
        basis_article="第四条（演示条款）",
        basis_text="对首次认定的天津市瞪羚企业给予一次性奖励。",
    ),
    _rule(
        "市级企业技术中心奖励",
        "platform",
        "企业技术中心",
        "100000",
        trigger_level="省级（市级）",
        first_time_only=False,
        basis_document=PLAN,
        basis_article="三、重点任务（三）1",
        basis_text="支持建设技术创新中心、制造业创新中心、产业创新中心、工程研究中心、"
        "重点实验室、企业技术中心等各类科技创新机构和平台。",
    ),
    _rule(
        "雏鹰企业取得银行贷款奖励",
        "growth",
        "",
        "50000",
        trigger_event="chuying_loan",
        effective_from=D(2019, 6, 4),
        basis_document="《天津市创新型企业领军计划》（津政发〔2019〕17号）",
        basis_article="支持政策（雏鹰企业）",
        basis_text="雏鹰企业获得银行贷款的，市财政给予一次性奖励（5万元）。",
        note="演示规则：5万元见津政发〔2019〕17号的摘要（单一来源），正式使用前核对原文录入；"
        "候选依据科技金融台账中的银行贷款，贷款当日须持有有效雏鹰企业资质",
    ),
    _rule(
        "攻坚行动科技项目扶持资金",
        "project",
        "",
        "30000",
        basis_document=PLAN,
        basis_article="四、工作措施12",
        basis_text="对纳入我区“科技企业群体规模壮大攻坚行动”的科技项目及时拨付扶持资金。",
    ),
]
RATIOS = {
    2018: [("bdkfq", "high_tech", "60"), ("zgc", "high_tech", "70")],
    2019: [
        ("bdkfq", "high_tech", "60"),
        ("bdkfq", "tech_sme", "100"),
        ("zgc", "high_tech", "70"),
        ("dakoutun", "tech_sme", "30"),
        ("koudong", "platform", "40"),
    ],
}
NOTICE_2018 = "2018年度科技企业奖励拟奖励名单公示（演示）"
NOTICE_2019 = "2019年第一批科技企业奖励拟奖励名单公示（演示）"


def _user(name: str) -> User | None:
    return User.objects.filter(username=name).first()


def _checker(award: Award) -> User | None:
    """The demo login of the award's area, when there is one (else the system)."""
    logins = {"dakoutun": "dakoutun", "koudong": "koudong", "bdkfq": "kfq"}
    return _user(logins.get(award.enterprise.area.code, ""))


def _setup() -> tuple[Fund, int]:
    fund = Fund.objects.filter(code=FUND[0]).first()
    if fund is None:
        fund = fund_create(
            code=FUND[0],
            name=FUND[1],
            actor=None,
            note="演示资金",
            district=Unit.objects.get(code="hq").district,  # Baodi's fund
        )
    made = 0
    for values in RULES:
        if not AwardRule.objects.filter(name=values["name"]).exists():
            award_rule_save(rule=None, values=values | {"fund": fund}, actor=None)
            made += 1
    for year, amount in BUDGETS.items():
        if not YearClose.objects.filter(year=year, district=fund.district).exists():
            fund_budget_set(fund=fund, year=year, amount=amount, actor=None)
    return fund, made


def _ratios(year: int) -> None:
    district = Unit.objects.get(code="hq").district  # the demo's money is Baodi's
    if YearClose.objects.filter(year=year, district=district).exists():
        return
    for code, kind, percent in RATIOS[year]:
        settlement_ratio_set(
            year=year,
            area=Area.objects.get(code=code),
            award_type=kind,
            area_percent=M(percent),
            actor=_user("czj"),
            reason="演示数据：区财政局与该地商定",
        )


def _through_approval(awards: list[Award]) -> None:
    for award in awards:
        award_area_check(award=award, actor=_checker(award), note="已核对证书")
        award_approve(award=award, actor=_user("hq"))


def _pay(award: Award, day: dt.date, **more: Any) -> None:
    ledger_pay(
        award=award,
        amount=award.amount,
        entry_date=day,
        actor=_user("czj"),
        voucher=f"宝财科〔{day.year}〕{award.pk:03d}号",
        **more,
    )


def _year_2018() -> list[str]:
    if PublicNotice.objects.filter(title=NOTICE_2018).exists():
        return []
    awards = list(Award.objects.filter(year=2018, status=AwardStatus.CANDIDATE))
    if not awards:
        return []
    _through_approval(awards)
    notice_publish(
        awards=awards,
        title=NOTICE_2018,
        starts_on=D(2018, 12, 3),
        today=D(2018, 12, 3),
        ends_on=D(2018, 12, 9),
        actor=_user("hq"),
        note="公示期内如有异议，请向区科技局反映（演示）",
    )
    largest = max(awards, key=lambda a: (a.amount, -a.pk))
    wrong = ledger_pay(
        award=largest,
        amount=(largest.amount / 10).quantize(M("0.01")),  # a zero dropped
        entry_date=D(2018, 12, 14),
        actor=_user("czj"),
        voucher="宝财科〔2018〕001号",
    )
    ledger_reverse(
        entry=wrong,
        reason="金额录入错误：应拨付全额，冲销后重新登记",
        entry_date=D(2018, 12, 17),
        actor=_user("czj"),
    )
    by_park = next((a for a in awards if a.enterprise.area.code == "bdkfq"), None)
    for award in awards:
        payer = Payer.AREA if award is by_park else Payer.DISTRICT
        _pay(award, D(2018, 12, 18), payer=payer)
    _ratios(2018)
    year_close(year=2018, actor=_user("czj"))
    return [f"  2018年度：{len(awards)} 项奖励已公示、拨付（含一笔冲销），并已结算关账"]


def _split(rows: list[Award], shares: list[int]) -> list[list[Award]]:
    """Rows cut into consecutive groups of the given sizes (the rest last)."""
    groups, start = [], 0
    for size in shares:
        groups.append(rows[start : start + size])
        start += size
    return [*groups, rows[start:]]


def _year_2019() -> list[str]:
    if PublicNotice.objects.filter(title=NOTICE_2019).exists():
        return []
    pending = Award.objects.filter(year=2019, status=AwardStatus.CANDIDATE)
    rows = list(pending.order_by("rule_id", "enterprise__name", "pk"))
    high_tech = [a for a in rows if a.rule.award_type == "high_tech"]
    others = [a for a in rows if a.rule.award_type != "high_tech"]
    queue = high_tech[:3] + others
    third, sixth = max(len(queue) // 3, 3), max(len(queue) // 6, 1)
    published, approved, checked, rejected, _waiting = _split(
        queue, [third, sixth, sixth, 1]
    )
    if not published:
        return []
    _through_approval(published + approved)
    for award in checked:
        award_area_check(award=award, actor=_checker(award), note="已核对证书")
    for award in rejected:
        award_reject(
            award=award,
            reason="企业已迁出本区，不再符合奖励条件（演示）",
            actor=_checker(award),
        )
    notice_publish(
        awards=published,
        title=NOTICE_2019,
        starts_on=D(2019, 9, 11),
        today=D(2019, 9, 11),
        ends_on=D(2019, 9, 17),
        actor=_user("hq"),
        note="公示期内如有异议，请向区科技局反映（演示）",
    )
    for award in published[: len(published) - 2]:
        _pay(award, D(2019, 9, 24))
    _ratios(2019)
    return [
        f"  2019年度：公示并拨付 {len(published) - 2} 项、待拨付 2 项、待公示 "
        f"{len(approved)} 项、待审批 {len(checked)} 项、不予奖励 {len(rejected)} 项"
    ]


def _application() -> list[str]:
    rule = AwardRule.objects.get(name="攻坚行动科技项目扶持资金")
    if Award.objects.filter(rule=rule).exists():
        return []
    firm = Enterprise.objects.filter(area__code="dakoutun").order_by("name").first()
    if firm is None:
        return []
    award_apply(
        enterprise=firm,
        rule=rule,
        year=2019,
        evidence={
            "evidence_number": "宝科项〔2019〕08号（演示）",
            "evidence_date": D(2019, 6, 18),
            "evidence_note": "列入攻坚行动的市级科技计划项目，企业提交立项文件申请扶持（演示）",
        },
        actor=_user("dakoutun"),
    )
    return ["  录入申请 1 项（大口屯镇，待核实）"]


@transaction.atomic
def demo_load(as_of: dt.date) -> list[str]:
    """Write the funds demo rows through the services; idempotent."""
    _, made = _setup()
    created = 0
    for year in (2018, 2019):
        created += len(award_candidates_generate(year=year, actor=None).created)
    steps: list[Callable[[], list[str]]] = [_year_2018, _year_2019, _application]
    lines = [
        f"资金奖补：奖励规则新建 {made} 条（金额均为演示数值），新生成候选 {created} 项"
    ]
    for step in steps:
        lines += step()
    fund = Fund.objects.get(code=FUND[0])
    district = Unit.objects.get(code="hq").district
    income = transfers_load(district, fund) if district is not None else 0
    entries = LedgerEntry.objects.count()
    return [
        *lines,
        f"  上级转移支付收入 {income} 条（含一笔更正）",
        f"  资金台账分录共 {entries} 条（演示数据的“今天”：{as_of}）",
    ]
