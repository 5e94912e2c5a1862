"""专精特新中小企业: 2022 standard (工信部企业〔2022〕63号) and, from 2026-04-01,
工信部企业〔2026〕2号 (single-source conditions, all flagged).

2022: niche ≥ 2 years, R&D ≥ 100万 and ≥ 3%, revenue ≥ 1000万 (or equity
≥ 2000万 in 2 years), and score ≥ 60 or an innovation direct route.  The score
sheet is single-source and partly not computable from the workbook, so it is a
range.  2026: the eight entry conditions; the MIIT platform score is not
recomputed (give it as ``expert_points["zjtx_sme.platform_score"]``).
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
    Gap,
    Programme,
    ProgrammeResult,
    ProgrammeVersion,
    ScoreItem,
)
from keqi.rules.numbers import (
    Threshold,
    Tri,
    all_of,
    any_of,
    fmt_number,
    fmt_percent,
    tri,
)
from keqi.rules.programmes import common, zjtx_score, zjtx_sme_gaps

KEY = "zjtx_sme"
NAME = "专精特新中小企业"
DOC_2022 = "工信部企业〔2022〕63号"
DOC_2026 = "工信部企业〔2026〕2号"


def _c(
    doc: str, cid: str, title: str, article: str, text: str, *params: str
) -> Condition:
    return Condition(cid, title, Citation(doc, article, text), params)


def niche(facts: EnterpriseFacts, spec: Condition, limit: Threshold) -> ConditionResult:
    """Years in a specific niche market."""
    if facts.niche_years is None:
        return common.result_of(
            spec,
            Tri.UNKNOWN,
            "未知",
            limit.text("年"),
            "未填从事细分市场年限",
            ["从事细分市场年限"],
        )
    ok = limit.test(facts.niche_years)
    return common.result_of(
        spec,
        tri(ok),
        f"{facts.niche_years}年",
        limit.text("年"),
        f"从事细分市场{facts.niche_years}年",
    )


def sum_years(facts: EnterpriseFacts, years: list[int], name: str) -> Decimal | None:
    """Sum of a figure over ``years``; ``None`` when any is unknown."""
    values = [facts.figure(y, name) for y in years]
    if any(v is None for v in values):
        return None
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


def rd_year(
    facts: EnterpriseFacts, year: int, amount: Threshold, share: Threshold
) -> tuple[Tri, str]:
    """R&D of one year: amount and share of operating revenue."""
    rd, rev = facts.figure(year, "rd_expense"), facts.figure(year, "operating_revenue")
    parts = [
        tri(None if rd is None else amount.test(rd)),
        tri(None if rd is None or rev is None else bool(share.test_ratio(rd, rev))),
    ]
    shown = "未知" if rd is None else f"{fmt_number(rd)}万元"
    if rd is not None and rev is not None and rev > 0:
        shown += f"（占营业收入{fmt_percent(Decimal(rd) / Decimal(rev))}）"
    return all_of(parts), f"{year}年度研发费用{shown}"


def revenue_or_equity(
    facts: EnterpriseFacts, ctx: Ctx, spec: Condition, revenue_pid: str, equity_pid: str
) -> ConditionResult:
    """Revenue at the floor, or enough new equity over the last two years."""
    year = ctx.as_of.year - 1
    rev = facts.figure(year, "operating_revenue")
    equity = sum_years(facts, [year - 1, year], "equity_financing")
    by_rev = tri(None if rev is None else ctx.threshold(revenue_pid).test(rev))
    by_eq = tri(None if equity is None else ctx.threshold(equity_pid).test(equity))
    status = any_of([by_rev, by_eq])
    value = (
        f"营业收入{'未知' if rev is None else fmt_number(rev) + '万元'}；近2年股权融资"
        f"{'未知' if equity is None else fmt_number(equity) + '万元'}"
    )
    missing = (
        []
        if status is not Tri.UNKNOWN
        else [f"{year}年度营业收入或{year - 1}–{year}年度股权融资额"]
    )
    return common.result_of(spec, status, value, spec.citation.text, value, missing)


# --- 2022 -----------------------------------------------------------------

N22 = _c(
    DOC_2022,
    "2022.1",
    "从事细分市场2年以上",
    "附件2·认定条件（一）",
    "从事特定细分市场时间达到2年以上",
    "zjtx_sme.2022.niche_years",
)
R22 = _c(
    DOC_2022,
    "2022.2",
    "研发费用不低于100万元且占比不低于3%",
    "附件2·认定条件（二）",
    "上年度研发费用总额不低于100万元，且占营业收入总额比重不低于3%",
    "zjtx_sme.2022.rd_amount",
    "zjtx_sme.2022.rd_share",
)
V22 = _c(
    DOC_2022,
    "2022.3",
    "营业收入或股权融资",
    "附件2·认定条件（三）",
    "上年度营业收入1000万元以上，或近2年新增股权融资2000万元以上",
    "zjtx_sme.2022.revenue_min",
    "zjtx_sme.2022.equity_min",
)
S22 = _c(
    DOC_2022,
    "2022.4",
    "评价得分60分以上或创新直通",
    "附件2·认定条件（四）",
    "评价指标得分达到60分以上或满足创新直通条件之一",
    "zjtx_sme.2022.pass_score",
    "zjtx_sme.2022.rd_avg_direct",
    "zjtx_sme.2022.equity_direct",
)
CONDITIONS_2022 = (N22, R22, V22, S22)


def direct_2022(facts: EnterpriseFacts, ctx: Ctx) -> list[tuple[str, Tri]]:
    """The innovation direct routes of the 2022 standard."""
    year = ctx.as_of.year - 1
    rd = sum_years(facts, [year - 1, year], "rd_expense")
    equity = sum_years(facts, [year - 1, year], "equity_financing")
    award, maker = titled_2022(facts, ctx)
    return [
        ("近三年省级科技奖励前三或国家级前五", award),
        (
            "近2年研发费用均值1000万元以上",
            tri(
                None
                if rd is None
                else ctx.threshold("zjtx_sme.2022.rd_avg_direct").test(rd)
            ),
        ),
        (
            "近2年新增股权融资6000万元以上",
            tri(
                None
                if equity is None
                else ctx.threshold("zjtx_sme.2022.equity_direct").test(equity)
            ),
        ),
        ("近三年创客中国500强", maker),
    ]


def titled_2022(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, Tri]:
    """The two direct routes of 2022 that read awards (not figures): a
    provincial top-three or national top-five award, and 创客中国 top 500."""
    award = any_of(
        [
            common.granted_within(
                facts, ["科技奖励"], ctx.as_of, 3, ["省级（市级）"], 3
            ),
            common.granted_within(facts, ["科技奖励"], ctx.as_of, 3, ["国家级"], 5),
        ]
    )
    maker = any_of(
        [
            tri("创客中国" in (q.note or "") and "500" in (q.rank or ""))
            for q in common.quals(facts, ["创新创业大赛"])
            if common.in_window(
                q.granted_on, common.years_before(ctx.as_of, 3), ctx.as_of
            )
        ]
    )
    return award, maker


def score_or_direct(
    items: list[ScoreItem], facts: EnterpriseFacts, ctx: Ctx
) -> ConditionResult:
    """Condition (四): score ≥ 60 (on the range) or a direct route."""
    need = ctx.threshold("zjtx_sme.2022.pass_score")
    low, high = sum(i.low for i in items), sum(i.high for i in items)
    by_score = (
        Tri.MET
        if need.test(low)
        else Tri.NOT_MET
        if not need.test(high)
        else Tri.UNKNOWN
    )
    routes = direct_2022(facts, ctx)
    status = any_of([by_score, *(t for _, t in routes)])
    met = [n for n, t in routes if t is Tri.MET]
    reason = f"{common.score_text(low, high)}；直通：" + (
        "、".join(met) if met else "无"
    )
    return common.result_of(
        S22,
        status,
        common.score_text(low, high),
        need.text("分"),
        reason,
        ["评价指标中须人工评分的项目"] if status is Tri.UNKNOWN else [],
    )


def evaluate_2022(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """工信部企业〔2022〕63号 附件2."""
    year = ctx.as_of.year - 1
    rd_status, rd_text = rd_year(
        facts,
        year,
        ctx.threshold("zjtx_sme.2022.rd_amount"),
        ctx.threshold("zjtx_sme.2022.rd_share"),
    )
    items = zjtx_score.score_items(facts, ctx)
    conds = [
        niche(facts, N22, ctx.threshold("zjtx_sme.2022.niche_years")),
        common.result_of(
            R22,
            rd_status,
            rd_text,
            R22.citation.text,
            rd_text,
            _rd_missing(facts, [year]) if rd_status is Tri.UNKNOWN else [],
        ),
        revenue_or_equity(
            facts, ctx, V22, "zjtx_sme.2022.revenue_min", "zjtx_sme.2022.equity_min"
        ),
        score_or_direct(items, facts, ctx),
    ]
    return finish("2022", DOC_2022, conds, ctx, items, facts)


def _rd_missing(facts: EnterpriseFacts, years: list[int]) -> list[str]:
    return [
        f"{y}年度{FIELD_LABELS[n]}"
        for y in years
        for n in ("rd_expense", "operating_revenue")
        if facts.figure(y, n) is None
    ]


def finish(
    version: str,
    doc: str,
    conds: list[ConditionResult],
    ctx: Ctx,
    items: list[ScoreItem],
    facts: EnterpriseFacts,
) -> ProgrammeResult:
    """Combine conditions into a result with gaps and explanation."""
    status = all_of(c.status for c in conds)
    found: tuple[Gap, ...] = ()
    if status is not Tri.MET:
        found = tuple(
            zjtx_sme_gaps.gaps_2022(facts, ctx, conds, items)
            if version == "2022"
            else zjtx_sme_gaps.gaps_2026(facts, ctx, conds)
        )
    result = ProgrammeResult(
        programme=KEY,
        name=NAME,
        version=version,
        document=doc,
        outcome=common.outcome_of(status),
        route=None,
        score_low=sum(i.low for i in items) if items else None,
        score_high=sum(i.high for i in items) if items else None,
        conditions=tuple(conds),
        score_items=tuple(items),
        gaps=found,
        missing=common.collect_missing(conds),
        open_judgements=tuple(i.title for i in items if i.expert and i.low != i.high)
        if status is Tri.UNKNOWN
        else (),
        flags=ctx.flags(),
        overridden=ctx.overridden(),
        data_year=ctx.as_of.year - 1,
    )
    return replace(result, explanation=common.explain(result))


# --- 2026 -----------------------------------------------------------------


def _c26(cid: str, title: str, text: str, *params: str) -> Condition:
    return _c(DOC_2026, cid, title, "专精特新中小企业认定条件", text, *params)


T26 = _c26(
    "2026.1",
    "已获科技和创新型中小企业称号",
    "已获得科技和创新型中小企业称号",
    "zjtx_sme.2026.base_titles",
)
N26 = _c26(
    "2026.2",
    "从事细分市场3年以上",
    "截至上年末从事特定细分市场3年以上",
    "zjtx_sme.2026.niche_years",
)
V26 = _c26(
    "2026.3",
    "营业收入或股权融资",
    "上年度营业收入1500万元以上，或近2年新增合格股权融资2000万元以上",
    "zjtx_sme.2026.revenue_min",
    "zjtx_sme.2026.equity_min",
)
M26 = _c26(
    "2026.4",
    "主营业务收入占比80%以上",
    "主营业务收入占营业收入比重80%以上",
    "zjtx_sme.2026.main_share",
)
D26 = _c26(
    "2026.5", "资产负债率不高于80%", "资产负债率不高于80%", "zjtx_sme.2026.debt_max"
)
R26 = _c26(
    "2026.6",
    "近2年研发费用每年100万元以上且占比3%以上",
    "近2年每年研发费用100万元以上且占营业收入3%以上",
    "zjtx_sme.2026.rd_amount",
    "zjtx_sme.2026.rd_share",
)
I26 = _c26(
    "2026.7",
    "Ⅰ类知识产权",
    "拥有1项以上与主导产品相关并实际应用的Ⅰ类知识产权"
    "（获省级科技奖励前三或拥有省级研发机构的可豁免）",
    "ip.class_i",
)
P26 = _c26(
    "2026.8",
    "平台发展评价50分以上",
    "平台发展评价得分50分以上（由工信部平台计算）",
    "zjtx_sme.2026.platform_score",
)
CONDITIONS_2026 = (T26, N26, V26, M26, D26, R26, I26, P26)


def ratio_condition(
    spec: Condition,
    num: Decimal | None,
    den: Decimal | None,
    limit: Threshold,
    what: str,
) -> ConditionResult:
    """A ratio against a threshold (``den <= 0`` fails)."""
    if num is None or den is None:
        return common.result_of(
            spec,
            Tri.UNKNOWN,
            "未知",
            limit.text(percent=True),
            f"缺少{what}所需数据",
            [what],
        )
    ok = bool(limit.test_ratio(num, den))
    value = fmt_percent(Decimal(num) / Decimal(den)) if den > 0 else "无法计算"
    return common.result_of(
        spec, tri(ok), value, limit.text(percent=True), f"{what}{value}"
    )


def ip_2026(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Class I IP related to the main product, or a waiver."""
    counts = common.ip_counts(facts, ctx)
    has = (
        Tri.MET
        if counts.class_i_sure
        else Tri.UNKNOWN
        if counts.class_i_maybe
        else Tri.NOT_MET
    )
    waiver = any_of(
        [
            common.granted_within(
                facts, ["科技奖励"], ctx.as_of, None, ["省级（市级）", "国家级"], 3
            ),
            common.held_any(
                facts,
                ctx.texts("rd_institution.kinds"),
                ctx.as_of,
                ["省级（市级）", "国家级"],
            ),
        ]
    )
    status = any_of([has, waiver])
    return common.result_of(
        I26,
        status,
        f"Ⅰ类{counts.class_i_sure}项",
        "≥1项或豁免",
        f"与主导产品相关的Ⅰ类知识产权{counts.class_i_sure}项；豁免条件{waiver.label}",
    )


def platform(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """The MIIT platform score, given from outside."""
    limit = ctx.threshold("zjtx_sme.2026.platform_score")
    score = facts.expert_points.get("zjtx_sme.platform_score")
    if score is None:
        return common.result_of(
            P26,
            Tri.UNKNOWN,
            "未提供",
            limit.text("分"),
            "平台发展评价由工信部平台计算，尚未录入",
            ["平台发展评价得分"],
        )
    return common.result_of(
        P26,
        tri(limit.test(score)),
        f"{score}分",
        limit.text("分"),
        f"平台发展评价得分{score}分",
    )


def titles_2026(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Already holds a 科技和创新型中小企业 title (valid one year from grant)."""
    kinds = ctx.texts("zjtx_sme.2026.base_titles")
    held = common.held_any(facts, kinds, ctx.as_of, None, 1)
    reason = f"科技和创新型中小企业称号{held.label}"
    if held is Tri.NOT_MET:
        reason = common.with_notes(
            reason, common.not_held_notes(facts, kinds, ctx.as_of, 1)
        )
    return common.result_of(T26, held, held.label, "持有", reason)


def rd_2026(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """R&D amount and share in each of the last two years."""
    year = ctx.as_of.year - 1
    amount = ctx.threshold("zjtx_sme.2026.rd_amount")
    share = ctx.threshold("zjtx_sme.2026.rd_share")
    found = [rd_year(facts, y, amount, share) for y in (year - 1, year)]
    status = all_of(s for s, _ in found)
    text = "；".join(t for _, t in found)
    missing = _rd_missing(facts, [year - 1, year]) if status is Tri.UNKNOWN else []
    return common.result_of(R26, status, text, R26.citation.text, text, missing)


def shares_2026(facts: EnterpriseFacts, ctx: Ctx) -> list[ConditionResult]:
    """Main-business share and debt ratio of the previous year."""
    year = ctx.as_of.year - 1
    fig = facts.year(year)
    debt = None
    if fig.total_assets is not None and fig.net_assets is not None:
        debt = fig.total_assets - fig.net_assets
    return [
        ratio_condition(
            M26,
            fig.main_revenue,
            fig.operating_revenue,
            ctx.threshold("zjtx_sme.2026.main_share"),
            f"{year}年度主营业务收入占比",
        ),
        ratio_condition(
            D26,
            debt,
            fig.total_assets,
            ctx.threshold("zjtx_sme.2026.debt_max"),
            f"{year}年度资产负债率",
        ),
    ]


def evaluate_2026(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """工信部企业〔2026〕2号."""
    conds = [
        titles_2026(facts, ctx),
        niche(facts, N26, ctx.threshold("zjtx_sme.2026.niche_years")),
        revenue_or_equity(
            facts, ctx, V26, "zjtx_sme.2026.revenue_min", "zjtx_sme.2026.equity_min"
        ),
        *shares_2026(facts, ctx),
        rd_2026(facts, ctx),
        ip_2026(facts, ctx),
        platform(facts, ctx),
    ]
    return finish("2026", DOC_2026, conds, ctx, [], facts)


PROGRAMME = Programme(
    key=KEY,
    name=NAME,
    versions=(
        ProgrammeVersion(
            "2022",
            DOC_2022,
            "优质中小企业梯度培育管理暂行办法",
            date(2022, 6, 1),
            CONDITIONS_2022,
            evaluate_2022,
            "评价指标分值为单一来源，已标记",
        ),
        ProgrammeVersion(
            "2026",
            DOC_2026,
            "优质中小企业梯度培育管理办法",
            date(2026, 4, 1),
            CONDITIONS_2026,
            evaluate_2026,
            "全部条件为单一来源，已标记",
        ),
    ),
)
