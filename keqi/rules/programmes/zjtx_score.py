"""2022 专精特新中小企业 score sheet (13 items; single source, flagged).

Items the workbook can decide are computed; the rest (field, digitalisation,
quality management, net profit margin, the provincial 特色化 indicators) are
carried as full ranges unless ``expert_points`` pins them.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.model import Citation, ScoreItem
from keqi.rules.numbers import exact, fmt_percent
from keqi.rules.programmes import common, scoring
from keqi.rules.programmes.high_tech_score import pin

DOC = "工信部企业〔2022〕63号"
#: Items no data decides: id → (title, max, group).
OPEN_ITEMS = {
    "zjtx_sme.field": ("主导产品所属领域", 5, "专业化"),
    "zjtx_sme.digital": ("数字化水平", 5, "精细化"),
    "zjtx_sme.quality": ("质量管理水平", 5, "精细化"),
    "zjtx_sme.margin": ("净利润率", 10, "精细化"),
    "zjtx_sme.special": ("特色化指标（省级制定）", 15, "特色化"),
}
INSTITUTION_POINTS = {"国家级": 10, "省级（市级）": 8, "区级": 2}


def cite(group: str, text: str) -> Citation:
    """Citation of one item of the sheet."""
    return Citation(DOC, f"附件2·评价指标·{group}", text)


def open_items(facts: EnterpriseFacts) -> list[ScoreItem]:
    """Items carried as ranges (净利润 is not in the workbook)."""
    out = []
    for item, (title, top, group) in OPEN_ITEMS.items():
        low, high, note = pin(facts, item, 0, top)
        out.append(
            ScoreItem(
                item,
                title,
                low,
                high,
                "专家",
                f"须人工评分（0–{top}分）{note}",
                cite(group, f"{title}，最高{top}分"),
                expert=True,
            )
        )
    return out


def growth_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """Average of the last two yearly main-business growth rates."""
    table = ctx.bands("zjtx_sme.2022.growth_points")
    citation = cite("专业化", "近2年主营业务收入平均增长率，最高10分")
    y = ctx.as_of.year - 1
    vals = [facts.figure(y - k, "main_revenue") for k in (2, 1, 0)]
    if any(v is None for v in vals):
        return ScoreItem(
            "zjtx_sme.growth",
            "主营业务收入平均增长率",
            0,
            scoring.top(table),
            "?",
            "数据缺失",
            citation,
        )
    a, b, c = (exact(Decimal(v)) for v in vals if v is not None)
    if a <= 0 or b <= 0:
        return ScoreItem(
            "zjtx_sme.growth",
            "主营业务收入平均增长率",
            0,
            0,
            "-",
            "基期主营业务收入不为正，按0分计",
            citation,
        )
    rate = (b / a + c / b) / 2 - 1
    pts, label = scoring.points_of(table, rate)
    return ScoreItem(
        "zjtx_sme.growth",
        "主营业务收入平均增长率",
        pts,
        pts,
        label,
        f"平均增长率{fmt_percent(rate)}（{label}）",
        citation,
    )


def niche_item(facts: EnterpriseFacts) -> ScoreItem:
    """One point per full two years in the niche, at most five."""
    citation = cite("专业化", "从事细分市场年限，每满2年得1分，最高5分")
    if facts.niche_years is None:
        return ScoreItem(
            "zjtx_sme.niche", "细分市场年限", 0, 5, "?", "未填细分市场年限", citation
        )
    pts = min(5, max(facts.niche_years, 0) // 2)
    return ScoreItem(
        "zjtx_sme.niche",
        "细分市场年限",
        pts,
        pts,
        str(pts),
        f"{facts.niche_years}年",
        citation,
    )


def rd_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """R&D by amount or by share, whichever scores higher."""
    fig = facts.year(ctx.as_of.year - 1)
    amount = scoring.ratio_item(
        "zjtx_sme.rd",
        "研发投入",
        fig.rd_expense,
        1,
        ctx.bands("zjtx_sme.2022.rd_amount_points"),
        cite("创新能力", "研发费用金额，最高10分"),
        "万元",
    )
    share = scoring.ratio_item(
        "zjtx_sme.rd",
        "研发投入",
        fig.rd_expense,
        fig.operating_revenue,
        ctx.bands("zjtx_sme.2022.rd_share_points"),
        cite("创新能力", "研发费用占营业收入比重，最高10分"),
    )
    best = amount if amount.low >= share.low else share
    return replace(
        best,
        low=max(amount.low, share.low),
        high=max(amount.high, share.high),
        reason=f"金额：{amount.reason}；占比：{share.reason}；择高",
    )


def ip_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """The best valid IP related to the main product (high value is open)."""
    c = common.ip_counts(facts, ctx)
    low, high = common.ip_levels(c)
    item = scoring.level_item(
        "zjtx_sme.ip",
        "知识产权",
        low,
        high,
        ctx.bands("zjtx_sme.2022.ip_points"),
        cite("创新能力", "与主导产品相关的知识产权，最高10分"),
        f"Ⅰ类{c.class_i_sure}项（高价值{c.class_i_high}项）、Ⅱ类{c.class_ii_sure}项",
    )
    lo, hi, note = pin(facts, item.id, item.low, item.high)
    return replace(item, low=lo, high=hi, reason=item.reason + note)


def institution_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """Highest R&D institution level held (省级（市级） counts as provincial)."""
    citation = cite(
        "创新能力", "研发机构级别，国家级10分、省级8分、市级4分、市级以下2分"
    )
    held = [
        q
        for q in common.quals(facts, ctx.texts("rd_institution.kinds"))
        if common.held_on(q, ctx.as_of, None)
    ]
    if any(q.level is None for q in held):
        known = [INSTITUTION_POINTS.get(q.level or "", 0) for q in held]
        return ScoreItem(
            "zjtx_sme.institution",
            "研发机构",
            max(known, default=0),
            10,
            "?",
            "部分研发机构未填级别",
            citation,
        )
    pts = max((INSTITUTION_POINTS.get(q.level or "", 0) for q in held), default=0)
    return ScoreItem(
        "zjtx_sme.institution",
        "研发机构",
        pts,
        pts,
        str(pts),
        f"最高级别研发机构得{pts}分",
        citation,
    )


#: Ratio items: id → (title, numerator, denominator, parameter, group, text).
RATIO_ITEMS = {
    "zjtx_sme.main_share": (
        "主营业务收入占比",
        "main_revenue",
        "operating_revenue",
        "zjtx_sme.2022.main_share_points",
        "专业化",
        "主营业务收入占营业收入比重，最高5分",
    ),
    "zjtx_sme.debt": (
        "资产负债率",
        "debt",
        "total_assets",
        "zjtx_sme.2022.debt_points",
        "精细化",
        "资产负债率，最高5分",
    ),
    "zjtx_sme.rd_staff": (
        "研发人员占比",
        "rd_staff",
        "staff_total",
        "zjtx_sme.2022.rd_staff_points",
        "创新能力",
        "研发人员占职工总数比重，最高5分",
    ),
}


def ratio_items(facts: EnterpriseFacts, ctx: Ctx) -> dict[str, ScoreItem]:
    """The three ratio items of the previous year (debt = assets − net assets)."""
    fig = facts.year(ctx.as_of.year - 1)
    values: dict[str, Decimal | int | None] = {
        n: fig.get(n)
        for n in (
            "main_revenue",
            "operating_revenue",
            "total_assets",
            "rd_staff",
            "staff_total",
        )
    }
    if fig.total_assets is not None and fig.net_assets is not None:
        values["debt"] = fig.total_assets - fig.net_assets
    out = {}
    for item, (title, num, den, pid, group, text) in RATIO_ITEMS.items():
        out[item] = scoring.ratio_item(
            item,
            title,
            values.get(num),
            values.get(den),
            ctx.bands(pid),
            cite(group, text),
        )
    return out


def listed_items(facts: EnterpriseFacts, ctx: Ctx) -> list[ScoreItem]:
    """The items that read lists, expert points and the niche years, not
    yearly figures: the columnar path takes these from here."""
    return [
        niche_item(facts),
        *open_items(facts),
        ip_item(facts, ctx),
        institution_item(facts, ctx),
    ]


def score_items(facts: EnterpriseFacts, ctx: Ctx) -> list[ScoreItem]:
    """All 13 items, in the sheet's order."""
    ctx.text("zjtx_sme.2022.score_sheet")
    ratios = ratio_items(facts, ctx)
    opened = open_items(facts)
    return [
        ratios["zjtx_sme.main_share"],
        growth_item(facts, ctx),
        niche_item(facts),
        *opened[:4],
        ratios["zjtx_sme.debt"],
        opened[4],
        ip_item(facts, ctx),
        rd_item(facts, ctx),
        ratios["zjtx_sme.rd_staff"],
        institution_item(facts, ctx),
    ]


def rate_of(num: Decimal | int, den: Decimal | int) -> Fraction:
    """Exact ratio (den > 0)."""
    return exact(num) / exact(den)
