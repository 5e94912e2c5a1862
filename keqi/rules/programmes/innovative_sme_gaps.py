"""Gaps for 创新型中小企业: the score route in numbers, and the equity direct route.

Each lever changes one figure of the previous year, others unchanged: added
研发费用 does not raise 营业收入; added 主营业务收入 is new revenue (it raises
营业收入 too, and this year's growth); 资产负债率 falls by adding 净资产 with
资产总额 unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.model import Gap, ScoreItem
from keqi.rules.numbers import exact, fmt_number
from keqi.rules.programmes import gaps


def _levers(
    facts: EnterpriseFacts, ctx: Ctx, items: Mapping[str, ScoreItem]
) -> list[gaps.Lever]:
    year = ctx.as_of.year - 1
    fig = facts.year(year)
    out: list[gaps.Lever] = []
    rd, rev = fig.rd_expense, fig.operating_revenue
    if rd is not None and rev is not None and rev > 0:
        r0, v0 = exact(rd), exact(rev)
        out += gaps.band_levers(
            items["innovative_sme.rd"],
            ctx.bands("innovative_sme.rd_points"),
            lambda d: (r0 + d) / v0,
            r0,
            v0,
            1,
            0,
            lambda d, p: Gap(
                "score",
                f"{year}年度研发费用还差{fmt_number(d)}万元"
                f"（占营业收入比重进入{_band(ctx, 'rd', (r0 + d) / v0)}档，研发投入得{p}分）",
                "rd_expense",
                fmt_number(d),
                "万元",
            ),
        )
    cur, prev = fig.main_revenue, facts.figure(year - 1, "main_revenue")
    if cur is not None and prev is not None and prev > 0:
        c0, b0 = exact(cur), exact(prev)
        out += gaps.band_levers(
            items["innovative_sme.growth"],
            ctx.bands("innovative_sme.growth_points"),
            lambda d: (c0 + d - b0) / b0,
            c0 - b0,
            b0,
            1,
            0,
            lambda d, p: Gap(
                "score",
                f"{year}年度主营业务收入还差{fmt_number(d)}万元"
                f"（增长率进入{_band(ctx, 'growth', (c0 + d - b0) / b0)}档，得{p}分）",
                "main_revenue",
                fmt_number(d),
                "万元",
            ),
        )
    if fig.total_assets is not None and fig.net_assets is not None:
        assets = exact(fig.total_assets)
        debt = assets - exact(fig.net_assets)
        if assets > 0:
            out += gaps.band_levers(
                items["innovative_sme.debt"],
                ctx.bands("innovative_sme.debt_points"),
                lambda d: (debt - d) / assets,
                debt,
                assets,
                -1,
                0,
                lambda d, p: Gap(
                    "score",
                    f"{year}年度净资产还差{fmt_number(d)}万元（资产总额不变，资产负债率"
                    f"进入{_band(ctx, 'debt', (debt - d) / assets)}档，得{p}分）",
                    "net_assets",
                    fmt_number(d),
                    "万元",
                ),
            )
    main, op = fig.main_revenue, fig.operating_revenue
    if main is not None and op is not None and op > 0:
        m0, o0 = exact(main), exact(op)
        out += gaps.band_levers(
            items["innovative_sme.main_share"],
            ctx.bands("innovative_sme.main_share_points"),
            lambda d: (m0 + d) / (o0 + d),
            m0,
            o0,
            1,
            1,
            lambda d, p: Gap(
                "score",
                f"{year}年度主营业务收入还差{fmt_number(d)}万元（按新增收入同时计入"
                f"营业收入，占比进入{_band(ctx, 'main_share', (m0 + d) / (o0 + d))}档，"
                f"得{p}分）",
                "main_revenue",
                fmt_number(d),
                "万元",
            ),
        )
    out += gaps.ip_level_levers(
        ctx.bands("innovative_sme.ip_points"), items["innovative_sme.ip"], "score"
    )
    if facts.strategic_emerging is False:
        table = ctx.bands("innovative_sme.field_points")
        top = table.find(Fraction(1)).value
        assert isinstance(top, int)
        out.append(
            gaps.Lever(
                "innovative_sme.field",
                top,
                Gap(
                    "score",
                    f"主导产品属于战略性新兴产业（领域得{top}分）",
                    "strategic_emerging",
                ),
            )
        )
    return out


def _band(ctx: Ctx, item: str, x: Fraction) -> str:
    """The interval of the band ``x`` falls in, e.g. ``(5%, +∞)``."""
    table = ctx.bands(f"innovative_sme.{item}_points")
    return table.find(x).text(percent=True)


def score_route_gaps(
    facts: EnterpriseFacts,
    ctx: Ctx,
    items: list[ScoreItem],
    groups: dict[str, tuple[str, ...]],
    names: dict[str, str],
) -> list[Gap]:
    """``得分还差N分…`` and the changes that close it (on the lower points)."""
    total_need = gaps.need_points(ctx.threshold("innovative_sme.pass_total"))
    group_need = {
        g: gaps.need_points(ctx.threshold(f"innovative_sme.pass_{g}")) for g in groups
    }

    def passes(points: Mapping[str, int]) -> bool:
        if sum(points.values()) < total_need:
            return False
        return all(
            sum(points[i] for i in ids) >= group_need[g] for g, ids in groups.items()
        )

    low = {i.id: i.low for i in items}
    if passes(low):
        return []
    have = sum(low.values())
    short = []
    if have < total_need:
        short.append(f"得分还差{total_need - have}分（现{have}分，须≥{total_need}分）")
    for g, ids in groups.items():
        part = sum(low[i] for i in ids)
        if part < group_need[g]:
            short.append(
                f"{names[g]}得分还差{group_need[g] - part}分"
                f"（现{part}分，须≥{group_need[g]}分）"
            )
    summary = "，".join(short)
    by_id = {i.id: i for i in items}
    return gaps.score_gaps("score", summary, items, _levers(facts, ctx, by_id), passes)


def equity_gap(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
    """Direct route 4: the equity still needed, when every year is known."""
    years = ctx.integer("innovative_sme.direct_years")
    span = range(ctx.as_of.year - years, ctx.as_of.year)
    values = [facts.figure(y, "equity_financing") for y in span]
    if any(v is None for v in values):
        return []
    total = sum((Decimal(v) for v in values if v is not None), Decimal(0))
    limit = ctx.threshold("innovative_sme.equity_min")
    if limit.test(total):
        return []
    short = gaps.threshold_shortfall(total, limit, gaps.YUAN)
    text = (
        f"或走直通条件：{span[0]}–{span[-1]}年股权融资还差{fmt_number(short)}万元"
        f"（合计须{limit.text('万元')}）"
    )
    return [Gap("direct.4", text, "equity_financing", fmt_number(short), "万元")]


def programme_gaps(
    facts: EnterpriseFacts,
    ctx: Ctx,
    items: list[ScoreItem],
    groups: dict[str, tuple[str, ...]],
    names: dict[str, str],
) -> list[Gap]:
    """Every numeric path: the score route, then the equity direct route."""
    out = score_route_gaps(facts, ctx, items, groups, names)
    if out:
        out += equity_gap(facts, ctx)
        out += [
            Gap(
                "direct",
                "或取得直通资格之一：近三年国家级或省级科技奖励、有效的高企等称号、"
                "省部级以上研发机构",
            )
        ]
    return out
