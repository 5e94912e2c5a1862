"""高企 innovation-capability score (国科发火〔2016〕195号) as a range.

Data decides the band of IP quantity, IP acquisition, the standards bonus,
conversions and both growth rates; an expert picks the point inside the band.
Items that only an expert can score are carried as their full range.  An expert
point given in ``EnterpriseFacts.expert_points`` replaces a range when it lies
inside it (otherwise it is ignored, and the reason says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from keqi.rules.context import Ctx
from keqi.rules.facts import FIELD_LABELS, EnterpriseFacts
from keqi.rules.model import Citation, ScoreItem
from keqi.rules.numbers import BandTable, exact, fmt_percent
from keqi.rules.programmes import common

GUIDE = "国科发火〔2016〕195号"
IP_CAP = 30
#: Items only an expert can score: id → (title, max, group).
EXPERT_ITEMS: dict[str, tuple[str, int, str]] = {
    "high_tech.tech_advance": ("技术的先进程度", 8, "知识产权"),
    "high_tech.core_support": (
        "对主要产品（服务）在技术上发挥核心支持作用",
        8,
        "知识产权",
    ),
    "high_tech.rd_management": (
        "研发组织管理制度、研发投入核算体系与辅助账",
        6,
        "研究开发组织管理水平",
    ),
    "high_tech.rd_platform": ("内部研发机构与产学研合作", 6, "研究开发组织管理水平"),
    "high_tech.conversion_scheme": (
        "成果转化组织实施与激励、创新创业平台",
        4,
        "研究开发组织管理水平",
    ),
    "high_tech.talent": (
        "科技人员培养、人才引进与绩效考核奖励",
        4,
        "研究开发组织管理水平",
    ),
}
GROWTH_ITEMS = {
    "high_tech.net_asset_growth": ("net_assets", "净资产增长率"),
    "high_tech.sales_growth": ("sales_revenue", "销售收入增长率"),
}


def cite(part: str, text: str) -> Citation:
    """Citation of one part of the 指引 score."""
    return Citation(GUIDE, f"企业创新能力评价·{part}", text)


def pin(facts: EnterpriseFacts, item: str, low: int, high: int) -> tuple[int, int, str]:
    """Apply an expert point inside ``[low, high]``; note when ignored."""
    point = facts.expert_points.get(item)
    if point is None or low == high:
        return low, high, ""
    if low <= point <= high:
        return point, point, f"，专家评分{point}分"
    return low, high, f"，专家评分{point}分不在本档{low}–{high}分内，未采用"


def band_range(table: BandTable, x: Fraction) -> tuple[int, int, str]:
    """Low/high points and label of the band holding ``x``."""
    band = table.find(x)
    value = band.value
    if isinstance(value, tuple):
        return int(value[0]), int(value[1]), band.label
    assert isinstance(value, int)
    return value, value, band.label


def table_top(table: BandTable) -> int:
    """Highest points anywhere in a points table."""
    tops = [v[1] if isinstance(v, tuple) else v for v in (b.value for b in table.bands)]
    return max(int(t) for t in tops if isinstance(t, int))


def single_range(ctx: Ctx, pid: str) -> tuple[int, int]:
    """The points range stored in a one-band parameter."""
    low, high, _ = band_range(ctx.bands(pid), Fraction(0))
    return low, high


def operating_years(facts: EnterpriseFacts, ctx: Ctx) -> list[int]:
    """The last three accounting years, or fewer since registration."""
    latest = ctx.as_of.year + ctx.integer("high_tech.latest_year_offset")
    first = latest - 2
    if facts.founded_on is not None:
        first = max(first, facts.founded_on.year)
    return list(range(first, latest + 1))


def expert_items(facts: EnterpriseFacts) -> list[ScoreItem]:
    """The six items only an expert can score."""
    out = []
    for item, (title, top, group) in EXPERT_ITEMS.items():
        low, high, note = pin(facts, item, 0, top)
        reason = (
            f"须专家评分（0–{top}分）{note}" if note else f"须专家评分（0–{top}分）"
        )
        out.append(
            ScoreItem(
                item,
                title,
                low,
                high,
                "专家",
                reason,
                cite(group, f"{title}，最高{top}分"),
                expert=True,
            )
        )
    return out


def ip_quantity(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """知识产权数量: Class I first, then Class II (related to main products)."""
    counts = common.ip_counts(facts, ctx)

    def pts(ci: int, cii: int) -> tuple[int, int, str]:
        found = band_range(ctx.bands("high_tech.ip_quantity_class_i"), Fraction(ci))
        if found[1] > 0:
            return found
        return band_range(ctx.bands("high_tech.ip_quantity_class_ii"), Fraction(cii))

    low, _, label = pts(counts.class_i_sure, counts.class_ii_sure)
    _, high, _ = pts(counts.class_i_max, counts.class_ii_max)
    low, high, note = pin(facts, "high_tech.ip_quantity", low, high)
    reason = (
        f"Ⅰ类{counts.class_i_sure}项、Ⅱ类{counts.class_ii_sure}项（{label}档）{note}"
    )
    if counts.class_i_maybe or counts.class_ii_maybe:
        reason += "；部分知识产权未填是否与主要产品相关"
    return ScoreItem(
        "high_tech.ip_quantity",
        "知识产权数量",
        low,
        high,
        label,
        reason,
        cite("知识产权", "按Ⅰ类、Ⅱ类知识产权数量分档，最高8分"),
        expert=True,
    )


def ip_acquisition(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """知识产权获得方式: own R&D (A) or only transfer, gift, M&A (B)."""
    sources = [
        i.acquisition
        for i in facts.ip
        if common.ip_valid_on(i.status, i.granted_on, ctx.as_of)
        and i.related_to_main is not False
    ]
    own = single_range(ctx, "high_tech.ip_acquisition_own")
    if not sources:
        low, high, label = 0, 0, "无"
    elif "自主研发" in sources:
        low, high, label = *own, "A"
    elif None in sources:
        other = single_range(ctx, "high_tech.ip_acquisition_other")
        low, high, label = min(own[0], other[0]), own[1], "?"
    else:
        low, high, label = *single_range(ctx, "high_tech.ip_acquisition_other"), "B"
    low, high, note = pin(facts, "high_tech.ip_acquisition", low, high)
    return ScoreItem(
        "high_tech.ip_acquisition",
        "知识产权获得方式",
        low,
        high,
        label,
        f"获得方式{label}档{note}",
        cite("知识产权", "有自主研发1–6分，仅受让、受赠、并购等1–3分"),
        expert=True,
    )


def standard_bonus(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """Bonus for taking part in national or industry standards."""
    rows = [
        q
        for q in common.quals(facts, ["主导制定标准", "参与制定标准"])
        if q.granted_on is None or q.granted_on <= ctx.as_of
    ]
    bonus = single_range(ctx, "high_tech.ip_standard_bonus")
    if any(q.level == "国家级" for q in rows):
        low, high, label = *bonus, "A"
    elif any(q.level is None for q in rows):
        low, high, label = 0, bonus[1], "?"
    else:
        low, high, label = 0, 0, "B"
    low, high, note = pin(facts, "high_tech.standard_bonus", low, high)
    return ScoreItem(
        "high_tech.standard_bonus",
        "参与制定标准加分",
        low,
        high,
        label,
        f"标准加分{label}档{note}",
        cite("知识产权", "参与编制国家或行业标准等加1–2分，知识产权合计不超过30分"),
        expert=True,
    )


def conversion(facts: EnterpriseFacts, ctx: Ctx, years: list[int]) -> ScoreItem:
    """科技成果转化能力 on the annual average number of conversions."""
    table = ctx.bands("high_tech.conversion_points")
    title, pid = "科技成果转化能力", "high_tech.conversion"
    citation = cite("科技成果转化能力", "按近三年年均转化数分档，最高30分")
    values = [facts.figure(y, "conversions") for y in years]
    if not years:
        return ScoreItem(pid, title, 0, 0, "F", "无会计年度，按0分计", citation)
    if any(v is None for v in values):
        low, high, note = pin(facts, pid, 0, table_top(table))
        return ScoreItem(
            pid, title, low, high, "?", "缺少科技成果转化数" + note, citation
        )
    total = sum(int(v) for v in values if v is not None)
    low, high, label = band_range(table, Fraction(total, len(years)))
    low, high, note = pin(facts, pid, low, high)
    reason = f"{len(years)}年共转化{total}项，年均{Fraction(total, len(years))}项（{label}档）{note}"
    return ScoreItem(pid, title, low, high, label, reason, citation, expert=True)


@dataclass(frozen=True)
class Growth:
    """A growth rate, or why none could be computed (then ``points`` applies)."""

    rate: Fraction | None
    points: int | None
    why: str


def growth_rate(values: list[Decimal | None], ctx: Ctx) -> Growth:
    """The 指引 formula with its special cases (values oldest first)."""
    if len(values) <= 1:
        pts = ctx.integer("high_tech.growth_one_year_points") if values else 0
        return Growth(None, pts, "经营不足两个会计年度")
    if any(v is None for v in values):
        return Growth(None, None, "数据缺失")
    vals = [exact(v) for v in values if v is not None]
    if vals[-2] == 0:
        return Growth(None, 0, "第二年数值为0")
    if len(vals) == 2 or vals[0] == 0:
        return Growth(vals[-1] / vals[-2] - 1, None, "按后两年计算")
    rate = (vals[1] / vals[0] + vals[2] / vals[1]) / 2 - 1
    return Growth(rate, None, "按三年公式计算")


def growth(facts: EnterpriseFacts, ctx: Ctx, years: list[int], item: str) -> ScoreItem:
    """净资产增长率 or 销售收入增长率 item."""
    name, title = GROWTH_ITEMS[item]
    table = ctx.bands("high_tech.growth_points")
    citation = cite("企业成长性", f"{title}最高10分")
    found = growth_rate([facts.figure(y, name) for y in years], ctx)  # type: ignore[misc]
    if found.rate is None:
        if found.points is None:
            low, high, note = pin(facts, item, 0, table_top(table))
            reason = f"缺少{FIELD_LABELS[name]}数据{note}"
            return ScoreItem(item, title, low, high, "?", reason, citation)
        return ScoreItem(
            item,
            title,
            found.points,
            found.points,
            "F",
            f"{found.why}，按{found.points}分计",
            citation,
        )
    low, high, label = band_range(table, found.rate)
    low, high, note = pin(facts, item, low, high)
    reason = f"{found.why}，增长率{fmt_percent(found.rate)}（{label}档）{note}"
    return ScoreItem(item, title, low, high, label, reason, citation, expert=True)


def listed_items(facts: EnterpriseFacts, ctx: Ctx) -> list[ScoreItem]:
    """The items that read lists (IP, titles, expert points), not yearly
    figures: the columnar path takes these from here and computes the rest."""
    experts = expert_items(facts)
    return [
        experts[0],
        experts[1],
        ip_quantity(facts, ctx),
        ip_acquisition(facts, ctx),
        standard_bonus(facts, ctx),
        *experts[2:],
    ]


def score_items(facts: EnterpriseFacts, ctx: Ctx) -> list[ScoreItem]:
    """Every item of the innovation score, in the 指引's order."""
    years = operating_years(facts, ctx)
    experts = expert_items(facts)
    return [
        experts[0],
        experts[1],
        ip_quantity(facts, ctx),
        ip_acquisition(facts, ctx),
        standard_bonus(facts, ctx),
        conversion(facts, ctx, years),
        *experts[2:],
        growth(facts, ctx, years, "high_tech.net_asset_growth"),
        growth(facts, ctx, years, "high_tech.sales_growth"),
    ]


IP_GROUP = (
    "high_tech.tech_advance",
    "high_tech.core_support",
    "high_tech.ip_quantity",
    "high_tech.ip_acquisition",
    "high_tech.standard_bonus",
)


def total(items: list[ScoreItem]) -> tuple[int, int]:
    """Total low/high, with the IP group capped at 30."""
    ip_low = sum(i.low for i in items if i.id in IP_GROUP)
    ip_high = sum(i.high for i in items if i.id in IP_GROUP)
    rest_low = sum(i.low for i in items if i.id not in IP_GROUP)
    rest_high = sum(i.high for i in items if i.id not in IP_GROUP)
    return min(ip_low, IP_CAP) + rest_low, min(ip_high, IP_CAP) + rest_high
