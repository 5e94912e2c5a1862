"""Gaps for 专精特新中小企业 (2022 and 2026): every condition short, in numbers.

Levers change one figure of the previous year, others unchanged: added 研发费用
does not raise 营业收入; added 主营业务收入 is new revenue (it raises 营业收入
too); 资产负债率 falls by adding 净资产 with 资产总额 unchanged; new 研发人员
are new hires (they raise 职工总数 too).  The score is taken at its lower end
(expert items at their minimum), so a path given is enough in any case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.model import ConditionResult, Gap, ScoreItem
from keqi.rules.numbers import Threshold, Tri, exact, fmt_number
from keqi.rules.programmes import gaps


def _sum(facts: EnterpriseFacts, years: Sequence[int], name: str) -> Decimal | None:
    values = [facts.figure(y, name) for y in years]
    if any(v is None for v in values):
        return None
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


def niche_gap(facts: EnterpriseFacts, cid: str, limit: Threshold) -> list[Gap]:
    """Years still needed in the niche market."""
    if facts.niche_years is None:
        return []
    return [
        gaps.figure_gap(
            cid, "从事细分市场年限", "niche_years", facts.niche_years, limit, "年"
        )
    ]


def rd_gap(
    facts: EnterpriseFacts, cid: str, year: int, amount: Threshold, share: Threshold
) -> list[Gap]:
    """R&D of one year to both the amount and the share of operating revenue."""
    rd, rev = facts.figure(year, "rd_expense"), facts.figure(year, "operating_revenue")
    if rd is None:
        return []
    need = gaps.threshold_shortfall(rd, amount, gaps.YUAN)
    if rev is not None and rev > 0:
        by_share = gaps.ratio_shortfall(rd, rev, 1, 0, share)
        if by_share is not None:
            need = max(need, by_share)
    if need == 0:
        return []
    text = (
        f"{year}年度研发费用还差{fmt_number(need)}万元"
        f"（须{amount.text('万元')}且占营业收入{share.text(percent=True)}）"
    )
    return [Gap(cid, text, "rd_expense", fmt_number(need), "万元")]


def revenue_gap(
    facts: EnterpriseFacts, ctx: Ctx, cid: str, revenue_pid: str, equity_pid: str
) -> list[Gap]:
    """Revenue to its floor, or the two-year equity to its floor."""
    year = ctx.as_of.year - 1
    out = []
    rev = facts.figure(year, "operating_revenue")
    if rev is not None:
        out.append(
            gaps.figure_gap(
                cid,
                f"{year}年度营业收入",
                "operating_revenue",
                rev,
                ctx.threshold(revenue_pid),
                "万元",
            )
        )
    equity = _sum(facts, [year - 1, year], "equity_financing")
    if equity is not None:
        limit = ctx.threshold(equity_pid)
        short = gaps.threshold_shortfall(equity, limit, gaps.YUAN)
        out.append(
            Gap(
                cid,
                f"或{year - 1}–{year}年新增股权融资还差{fmt_number(short)}万元"
                f"（合计须{limit.text('万元')}）",
                "equity_financing",
                fmt_number(short),
                "万元",
            )
        )
    return out


def _table_lever(
    item: ScoreItem,
    ctx: Ctx,
    pid: str,
    form: tuple[Fraction, Fraction, Fraction, Fraction],
    text: tuple[str, str],
    field: str,
    unit: str = "万元",
) -> list[gaps.Lever]:
    n, den, a, b = form
    table = ctx.bands(pid)
    step = gaps.CENT if unit == "万元" else gaps.ONE
    return gaps.band_levers(
        item,
        table,
        lambda d: (n + a * d) / (den + b * d),
        n,
        den,
        a,
        b,
        lambda d, p: Gap(
            "2022.4",
            f"{text[0]}还差{fmt_number(d)}{unit}（{text[1]}，{item.title}得{p}分）",
            field,
            fmt_number(d),
            unit,
        ),
        step,
    )


def score_levers(
    facts: EnterpriseFacts, ctx: Ctx, items: Mapping[str, ScoreItem]
) -> list[gaps.Lever]:
    """Every change that raises one computable item of the 2022 sheet."""
    year = ctx.as_of.year - 1
    fig = facts.year(year)
    one, zero = Fraction(1), Fraction(0)
    out: list[gaps.Lever] = []
    main, op = fig.main_revenue, fig.operating_revenue
    if main is not None and op is not None and op > 0:
        out += _table_lever(
            items["zjtx_sme.main_share"],
            ctx,
            "zjtx_sme.2022.main_share_points",
            (exact(main), exact(op), one, one),
            (f"{year}年度主营业务收入", "按新增收入同时计入营业收入"),
            "main_revenue",
        )
    vals = [facts.figure(year - k, "main_revenue") for k in (2, 1, 0)]
    if all(v is not None and v > 0 for v in vals[:2]) and vals[2] is not None:
        a0, b0, c0 = (exact(v) for v in vals if v is not None)
        rate = (b0 / a0 + c0 / b0) / 2 - 1
        out += _table_lever(
            items["zjtx_sme.growth"],
            ctx,
            "zjtx_sme.2022.growth_points",
            (rate, one, 1 / (2 * b0), zero),
            (f"{year}年度主营业务收入", "提高近2年平均增长率"),
            "main_revenue",
        )
    if fig.total_assets is not None and fig.net_assets is not None:
        assets = exact(fig.total_assets)
        if assets > 0:
            out += _table_lever(
                items["zjtx_sme.debt"],
                ctx,
                "zjtx_sme.2022.debt_points",
                (assets - exact(fig.net_assets), assets, -one, zero),
                (f"{year}年度净资产", "资产总额不变"),
                "net_assets",
            )
    if fig.rd_expense is not None:
        rd = exact(fig.rd_expense)
        out += _table_lever(
            items["zjtx_sme.rd"],
            ctx,
            "zjtx_sme.2022.rd_amount_points",
            (rd, one, one, zero),
            (f"{year}年度研发费用", "按金额计"),
            "rd_expense",
        )
        if op is not None and op > 0:
            out += _table_lever(
                items["zjtx_sme.rd"],
                ctx,
                "zjtx_sme.2022.rd_share_points",
                (rd, exact(op), one, zero),
                (f"{year}年度研发费用", "按占营业收入比重计"),
                "rd_expense",
            )
    if fig.rd_staff is not None and fig.staff_total is not None:
        out += _table_lever(
            items["zjtx_sme.rd_staff"],
            ctx,
            "zjtx_sme.2022.rd_staff_points",
            (exact(fig.rd_staff), exact(fig.staff_total), one, one),
            (f"{year}年度研发人员", "按新增人员同时计入职工总数"),
            "rd_staff",
            "人",
        )
    if facts.niche_years is not None:
        item = items["zjtx_sme.niche"]
        for pts in range(item.low + 1, 6):
            more = 2 * pts - facts.niche_years
            gap = Gap(
                "2022.4",
                f"从事细分市场年限再满{more}年（细分市场年限得{pts}分）",
                "niche_years",
                str(more),
                "年",
            )
            out.append(gaps.Lever(item.id, pts, gap))
    out += gaps.ip_level_levers(
        ctx.bands("zjtx_sme.2022.ip_points"), items["zjtx_sme.ip"], "2022.4"
    )
    out += _institution_levers(items["zjtx_sme.institution"])
    return out


def _institution_levers(item: ScoreItem) -> list[gaps.Lever]:
    out = []
    for pts, level in ((2, "区级"), (4, "市级"), (8, "省级"), (10, "国家级")):
        if pts > item.low:
            gap = Gap(
                "2022.4",
                f"取得{level}研发机构（研发机构得{pts}分）",
                "qualifications",
                "1",
                "项",
            )
            out.append(gaps.Lever(item.id, pts, gap))
    return out


def score_gaps_2022(
    facts: EnterpriseFacts, ctx: Ctx, items: list[ScoreItem]
) -> list[Gap]:
    """Condition (四): the score in numbers, then the numeric direct routes."""
    need = gaps.need_points(ctx.threshold("zjtx_sme.2022.pass_score"))
    low = sum(i.low for i in items)
    out: list[Gap] = []
    if low < need:
        summary = (
            f"评价得分还差{need - low}分（现{low}分，须人工评分的项目按最低分计，"
            f"须≥{need}分）"
        )
        by_id = {i.id: i for i in items}

        def passes(points: Mapping[str, int]) -> bool:
            return sum(points.values()) >= need

        out += gaps.score_gaps(
            "2022.4", summary, items, score_levers(facts, ctx, by_id), passes
        )
    year = ctx.as_of.year - 1
    for name, pid, label in (
        ("rd_expense", "zjtx_sme.2022.rd_avg_direct", "研发费用"),
        ("equity_financing", "zjtx_sme.2022.equity_direct", "新增股权融资"),
    ):
        total = _sum(facts, [year - 1, year], name)
        if total is None:
            continue
        limit = ctx.threshold(pid)
        short = gaps.threshold_shortfall(total, limit, gaps.YUAN)
        if short:
            out.append(
                Gap(
                    "2022.4",
                    f"或走创新直通：{year - 1}–{year}年{label}合计还差"
                    f"{fmt_number(short)}万元（合计须{limit.text('万元')}）",
                    name,
                    fmt_number(short),
                    "万元",
                )
            )
    return out


def gaps_2022(
    facts: EnterpriseFacts,
    ctx: Ctx,
    conds: Sequence[ConditionResult],
    items: list[ScoreItem],
) -> list[Gap]:
    """Gaps of the 2022 conditions that are not met."""
    failed = {c.id for c in conds if c.status is Tri.NOT_MET}
    year = ctx.as_of.year - 1
    out: list[Gap] = []
    if "2022.1" in failed:
        out += niche_gap(facts, "2022.1", ctx.threshold("zjtx_sme.2022.niche_years"))
    if "2022.2" in failed:
        out += rd_gap(
            facts,
            "2022.2",
            year,
            ctx.threshold("zjtx_sme.2022.rd_amount"),
            ctx.threshold("zjtx_sme.2022.rd_share"),
        )
    if "2022.3" in failed:
        out += revenue_gap(
            facts,
            ctx,
            "2022.3",
            "zjtx_sme.2022.revenue_min",
            "zjtx_sme.2022.equity_min",
        )
    if "2022.4" in failed or any(
        c.id == "2022.4" and c.status is Tri.UNKNOWN for c in conds
    ):
        out += score_gaps_2022(facts, ctx, items)
    return out


def gaps_2026(
    facts: EnterpriseFacts, ctx: Ctx, conds: Sequence[ConditionResult]
) -> list[Gap]:
    """Gaps of the 2026 conditions that are not met."""
    failed = {c.id for c in conds if c.status is Tri.NOT_MET}
    year = ctx.as_of.year - 1
    fig = facts.year(year)
    out: list[Gap] = []
    if "2026.1" in failed:
        names = "或".join(ctx.texts("zjtx_sme.2026.base_titles"))
        out.append(Gap("2026.1", f"须先取得{names}称号（有效期内）", "qualifications"))
    if "2026.2" in failed:
        out += niche_gap(facts, "2026.2", ctx.threshold("zjtx_sme.2026.niche_years"))
    if "2026.3" in failed:
        out += revenue_gap(
            facts,
            ctx,
            "2026.3",
            "zjtx_sme.2026.revenue_min",
            "zjtx_sme.2026.equity_min",
        )
    if "2026.4" in failed and fig.main_revenue is not None and fig.operating_revenue:
        limit = ctx.threshold("zjtx_sme.2026.main_share")
        d = gaps.ratio_shortfall(fig.main_revenue, fig.operating_revenue, 1, 1, limit)
        if d is not None:
            out.append(
                Gap(
                    "2026.4",
                    f"{year}年度主营业务收入还差{fmt_number(d)}万元（按新增收入同时"
                    f"计入营业收入，占比须{limit.text(percent=True)}）",
                    "main_revenue",
                    fmt_number(d),
                    "万元",
                )
            )
    if "2026.5" in failed and fig.total_assets and fig.net_assets is not None:
        limit = ctx.threshold("zjtx_sme.2026.debt_max")
        debt = fig.total_assets - fig.net_assets
        d = gaps.ratio_shortfall(debt, fig.total_assets, -1, 0, limit)
        if d is not None:
            out.append(
                Gap(
                    "2026.5",
                    f"{year}年度净资产还差{fmt_number(d)}万元（资产总额不变，"
                    f"资产负债率须{limit.text(percent=True)}）",
                    "net_assets",
                    fmt_number(d),
                    "万元",
                )
            )
    if "2026.6" in failed:
        amount = ctx.threshold("zjtx_sme.2026.rd_amount")
        share = ctx.threshold("zjtx_sme.2026.rd_share")
        for y in (year - 1, year):
            out += rd_gap(facts, "2026.6", y, amount, share)
    if "2026.7" in failed:
        out.append(
            Gap(
                "2026.7",
                "再需1项与主导产品相关并实际应用的Ⅰ类知识产权"
                "（或获省级科技奖励前三、拥有省级以上研发机构即可豁免）",
                "ip",
                "1",
                "项",
            )
        )
    if "2026.8" in failed:
        score = facts.expert_points.get("zjtx_sme.platform_score")
        if score is not None:
            out.append(
                gaps.figure_gap(
                    "2026.8",
                    "平台发展评价得分",
                    "expert_points",
                    score,
                    ctx.threshold("zjtx_sme.2026.platform_score"),
                    "分",
                )
            )
    return out
