"""创新型中小企业 (工信部企业〔2022〕63号 附件1): 100-point score or a direct pass.

Pass by the score when the total is ≥ 60 with 创新能力 ≥ 20, 成长性 ≥ 15 and
专业化 ≥ 15; or directly by any of the listed titles, awards, institutions or
equity financing.  The document marks no band edges with 含: the chosen edges
are parameters flagged as unconfirmed, and each band is shown as an interval.
Data year: the previous accounting year (Y−1; growth compares Y−1 with Y−2).
"High-value" Class I IP cannot be told from the workbook, so any Class I item
leaves the IP item open up to 20 points (an expert may pin it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from keqi.rules.context import Ctx
from keqi.rules.facts import FIELD_LABELS, EnterpriseFacts
from keqi.rules.model import (
    Citation,
    Condition,
    ConditionResult,
    Programme,
    ProgrammeResult,
    ProgrammeVersion,
    ScoreItem,
)
from keqi.rules.numbers import Tri, all_of, any_of, fmt_number
from keqi.rules.programmes import common, innovative_sme_gaps, scoring
from keqi.rules.programmes.high_tech_score import pin

KEY = "innovative_sme"
NAME = "创新型中小企业"
DOC = "工信部企业〔2022〕63号"
EFFECTIVE = date(2022, 6, 1)
GROUPS: dict[str, tuple[str, ...]] = {
    "innovation": ("innovative_sme.ip", "innovative_sme.rd"),
    "growth": ("innovative_sme.growth", "innovative_sme.debt"),
    "special": ("innovative_sme.field", "innovative_sme.main_share"),
}
GROUP_NAMES = {"innovation": "创新能力", "growth": "成长性", "special": "专业化"}
PROVINCIAL_UP = ("国家级", "省级（市级）")


def _c(cid: str, title: str, article: str, text: str, *params: str) -> Condition:
    return Condition(cid, title, Citation(DOC, article, text), params)


C_SCORE = _c(
    "score",
    "评价得分",
    "附件1·评价标准",
    "得分60分以上，且创新能力不低于20分、成长性不低于15分、专业化不低于15分",
    "innovative_sme.pass_total",
    "innovative_sme.pass_innovation",
    "innovative_sme.pass_growth",
    "innovative_sme.pass_special",
)
C_AWARD = _c(
    "direct.1",
    "近三年国家级或省级科技奖励",
    "附件1·直通条件（一）",
    "近三年内获得过国家级、省级科技奖励",
    "innovative_sme.direct_years",
)
C_TITLE = _c(
    "direct.2",
    "有效的高企等称号",
    "附件1·直通条件（二）",
    "获得高新技术企业、国家级技术创新示范企业、知识产权优势企业和知识产权示范企业等称号（均为有效期内）",
    "innovative_sme.direct_titles",
)
C_INST = _c(
    "direct.3",
    "省部级以上研发机构",
    "附件1·直通条件（三）",
    "拥有经认定的省部级以上研发机构",
)
C_EQUITY = _c(
    "direct.4",
    "近三年新增股权融资500万元以上",
    "附件1·直通条件（四）",
    "近三年新增股权融资总额（合格机构投资者的实缴额）500万元以上",
    "innovative_sme.equity_min",
)
C_DIRECT = _c("direct", "直通条件", "附件1·直通条件", "满足任一项可直接认定")
CONDITIONS = (C_SCORE, C_AWARD, C_TITLE, C_INST, C_EQUITY, C_DIRECT)


def cite(article: str, text: str) -> Citation:
    """Citation of one scored indicator."""
    return Citation(DOC, f"附件1·{article}", text)


def ip_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """Indicator 1: the best valid IP related to the main product."""
    c = common.ip_counts(facts, ctx)
    low, high = common.ip_levels(c)
    item = scoring.level_item(
        "innovative_sme.ip",
        "知识产权",
        low,
        high,
        ctx.bands("innovative_sme.ip_points"),
        cite("创新能力指标1", "与主导产品相关的有效知识产权"),
        f"Ⅰ类{c.class_i_sure}项（自主研发{c.class_i_own}项、高价值{c.class_i_high}项）、"
        f"Ⅱ类{c.class_ii_sure}项"
        + ("；是否高价值须人工判断" if low < 4 and high == 4 else ""),
    )
    lo, hi, note = pin(facts, item.id, item.low, item.high)
    return replace(item, low=lo, high=hi, reason=item.reason + note)


def growth_item(facts: EnterpriseFacts, ctx: Ctx, year: int) -> ScoreItem:
    """Indicator 3: main-business revenue growth of Y−1 over Y−2."""
    cur, prev = (
        facts.figure(year, "main_revenue"),
        facts.figure(year - 1, "main_revenue"),
    )
    diff = None if cur is None or prev is None else Decimal(cur) - Decimal(prev)
    return scoring.ratio_item(
        "innovative_sme.growth",
        "主营业务收入增长率",
        diff,
        prev,
        ctx.bands("innovative_sme.growth_points"),
        cite("成长性指标3", "上年度主营业务收入增长率"),
    )


def debt_item(facts: EnterpriseFacts, ctx: Ctx, year: int) -> ScoreItem:
    """Indicator 4: debt-to-asset ratio = (assets − net assets) ÷ assets."""
    assets, net = facts.figure(year, "total_assets"), facts.figure(year, "net_assets")
    debt = None if assets is None or net is None else Decimal(assets) - Decimal(net)
    return scoring.ratio_item(
        "innovative_sme.debt",
        "资产负债率",
        debt,
        assets,
        ctx.bands("innovative_sme.debt_points"),
        cite("成长性指标4", "上年度资产负债率"),
    )


def field_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """Indicator 5: main product in the strategic emerging industries."""
    flag = facts.strategic_emerging
    low, high = (0, 1) if flag is None else (int(flag), int(flag))
    return scoring.level_item(
        "innovative_sme.field",
        "主导产品所属领域",
        low,
        high,
        ctx.bands("innovative_sme.field_points"),
        cite("专业化指标5", "主导产品所属领域"),
        "未填是否属于战略性新兴产业"
        if flag is None
        else ("属于" if flag else "不属于") + "战略性新兴产业",
    )


def score_items(facts: EnterpriseFacts, ctx: Ctx) -> list[ScoreItem]:
    """The six indicators, on the previous accounting year."""
    year = ctx.as_of.year - 1
    fig = facts.year(year)
    return [
        ip_item(facts, ctx),
        scoring.ratio_item(
            "innovative_sme.rd",
            "研发费用占营业收入比重",
            fig.rd_expense,
            fig.operating_revenue,
            ctx.bands("innovative_sme.rd_points"),
            cite("创新能力指标2", "上年度研发费用总额占营业收入总额比重"),
        ),
        growth_item(facts, ctx, year),
        debt_item(facts, ctx, year),
        field_item(facts, ctx),
        scoring.ratio_item(
            "innovative_sme.main_share",
            "主营业务收入占营业收入比重",
            fig.main_revenue,
            fig.operating_revenue,
            ctx.bands("innovative_sme.main_share_points"),
            cite("专业化指标6", "主营业务收入总额占营业收入总额比重"),
        ),
    ]


def score_condition(
    items: list[ScoreItem], ctx: Ctx, facts: EnterpriseFacts
) -> ConditionResult:
    """The score route: the total and the three group minimums, on ranges."""
    parts = [
        _need(
            sum(i.low for i in items),
            sum(i.high for i in items),
            "innovative_sme.pass_total",
            ctx,
        )
    ]
    for group, ids in GROUPS.items():
        chosen = [i for i in items if i.id in ids]
        parts.append(
            _need(
                sum(i.low for i in chosen),
                sum(i.high for i in chosen),
                f"innovative_sme.pass_{group}",
                ctx,
            )
        )
    status = all_of(parts)
    text = "；".join(f"{i.title}{i.low}–{i.high}分：{i.reason}" for i in items)
    low, high = sum(i.low for i in items), sum(i.high for i in items)
    missing = _missing(facts, ctx) if status is Tri.UNKNOWN else []
    return common.result_of(
        C_SCORE,
        status,
        common.score_text(low, high),
        "≥60分且分项达标",
        f"{common.score_text(low, high)}（{text}）",
        missing,
    )


def _need(low: int, high: int, pid: str, ctx: Ctx) -> Tri:
    limit = ctx.threshold(pid)
    return (
        Tri.MET
        if limit.test(low)
        else Tri.NOT_MET
        if not limit.test(high)
        else Tri.UNKNOWN
    )


def _missing(facts: EnterpriseFacts, ctx: Ctx) -> list[str]:
    year = ctx.as_of.year - 1
    names = [
        (year, "rd_expense"),
        (year, "operating_revenue"),
        (year, "main_revenue"),
        (year - 1, "main_revenue"),
        (year, "total_assets"),
        (year, "net_assets"),
    ]
    out = [f"{y}年度{FIELD_LABELS[n]}" for y, n in names if facts.figure(y, n) is None]
    if facts.strategic_emerging is None:
        out.append("主导产品是否属于战略性新兴产业")
    return out


def equity(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Direct route 4: new equity financing over the last three years."""
    years = ctx.integer("innovative_sme.direct_years")
    span = range(ctx.as_of.year - years, ctx.as_of.year)
    values = [facts.figure(y, "equity_financing") for y in span]
    limit = ctx.threshold("innovative_sme.equity_min")
    known = sum((Decimal(v) for v in values if v is not None), Decimal(0))
    if limit.test(known):
        status = Tri.MET
    else:
        status = Tri.UNKNOWN if any(v is None for v in values) else Tri.NOT_MET
    missing = [
        f"{y}年度股权融资额" for y, v in zip(span, values, strict=True) if v is None
    ]
    return common.result_of(
        C_EQUITY,
        status,
        f"{fmt_number(known)}万元",
        limit.text("万元"),
        f"{span[0]}–{span[-1]}年已知股权融资合计{fmt_number(known)}万元",
        missing if status is Tri.UNKNOWN else [],
    )


def direct_conditions(facts: EnterpriseFacts, ctx: Ctx) -> list[ConditionResult]:
    """The four direct routes and their union."""
    routes = [*titled_routes(facts, ctx), equity(facts, ctx)]
    union = any_of(r.status for r in routes)
    return [
        *routes,
        common.result_of(
            C_DIRECT, union, union.label, "任一项", "直通条件" + union.label
        ),
    ]


def titled_routes(facts: EnterpriseFacts, ctx: Ctx) -> list[ConditionResult]:
    """The three direct routes that read titles and awards (not figures)."""
    years = ctx.integer("innovative_sme.direct_years")
    cert_years = ctx.integer("high_tech.certificate_years")
    award = common.granted_within(facts, ["科技奖励"], ctx.as_of, years, PROVINCIAL_UP)
    titles = common.held_any(
        facts, ctx.texts("innovative_sme.direct_titles"), ctx.as_of, None, cert_years
    )
    inst = common.held_any(
        facts, ctx.texts("rd_institution.kinds"), ctx.as_of, PROVINCIAL_UP
    )
    award_reason, title_reason = award.label, titles.label
    if award is Tri.NOT_MET:
        award_reason = common.with_notes(
            award.label,
            common.outside_window_notes(facts, ["科技奖励"], ctx.as_of, years),
        )
    if titles is Tri.NOT_MET:
        title_reason = common.with_notes(
            titles.label,
            common.not_held_notes(
                facts,
                ctx.texts("innovative_sme.direct_titles"),
                ctx.as_of,
                cert_years,
            ),
        )
    return [
        common.result_of(C_AWARD, award, award.label, "近三年", award_reason),
        common.result_of(C_TITLE, titles, titles.label, "有效期内", title_reason),
        common.result_of(C_INST, inst, inst.label, "省部级以上", inst.label),
    ]


def evaluate(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """Evaluate one enterprise under the 2022 创新型中小企业 standard."""
    items = score_items(facts, ctx)
    scored = score_condition(items, ctx, facts)
    routes = direct_conditions(facts, ctx)
    status = any_of([scored.status, routes[-1].status])
    route = None
    if status is Tri.MET:
        route = "direct" if routes[-1].status is Tri.MET else "score"
    conds = (scored, *routes)
    found_gaps = (
        ()
        if status is Tri.MET
        else tuple(
            innovative_sme_gaps.programme_gaps(facts, ctx, items, GROUPS, GROUP_NAMES)
        )
    )
    result = ProgrammeResult(
        programme=KEY,
        name=NAME,
        version="2022",
        document=DOC,
        outcome=common.outcome_of(status),
        route=route,
        score_low=sum(i.low for i in items),
        score_high=sum(i.high for i in items),
        conditions=conds,
        score_items=tuple(items),
        gaps=found_gaps,
        missing=common.collect_missing(conds),
        open_judgements=tuple(i.title for i in items if i.expert and i.low != i.high)
        if status is Tri.UNKNOWN
        else (),
        flags=ctx.flags(),
        overridden=ctx.overridden(),
        data_year=ctx.as_of.year - 1,
    )
    return replace(result, explanation=common.explain(result))


PROGRAMME = Programme(
    key=KEY,
    name=NAME,
    has_direct_route=True,
    versions=(
        ProgrammeVersion(
            "2022",
            DOC,
            "优质中小企业梯度培育管理暂行办法",
            EFFECTIVE,
            CONDITIONS,
            evaluate,
            "2026-04-01后按工信部企业〔2026〕2号第三十条继续沿用",
        ),
    ),
)
