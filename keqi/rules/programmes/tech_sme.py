"""科技型中小企业评价（国科发政〔2017〕115号）.

Conditions 6(1)–6(4) gate everything; the enterprise then passes by the score
(6(5): ≥ 60 with a non-zero 科技人员 score) or by any direct route of Art. 8.
Evaluated for year Y = ``as_of.year`` on the figures of year Y−1 (a single-source
parameter, flagged on every verdict).

Conventions chosen here (documented in docs/rules.md):
- 6(1): registered in Tianjin → met (Tianjin is in mainland China); otherwise
  unknown, because "not Tianjin" does not say "outside the mainland".
- 6(4): the 信用记录 sheet lists negative records only; no record → met.
- A ratio whose denominator is 0 cannot be computed and scores 0 (the data is
  known; the measure simply gives nothing).
- A score with unknown inputs is a range; 6(5) is met only when the low end passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from keqi.rules.context import Ctx
from keqi.rules.facts import FIELD_LABELS, EnterpriseFacts, YearFigures
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
    BandTable,
    Tri,
    all_of,
    any_of,
    exact,
    fmt_number,
    fmt_percent,
    tri,
)
from keqi.rules.programmes import common
from keqi.rules.programmes import gaps as gaps_lib
from keqi.rules.programmes.tech_sme_gaps import score_gaps, size_gaps

KEY = "tech_sme"
NAME = "科技型中小企业"
DOC = "国科发政〔2017〕115号"
TITLE = "科技型中小企业评价办法"
EFFECTIVE = date(2017, 5, 3)


def _c(cid: str, title: str, article: str, text: str, *params: str) -> Condition:
    return Condition(cid, title, Citation(DOC, article, text), params)


C_RESIDENT = _c(
    "6.1",
    "境内注册的居民企业",
    "第六条第（一）项",
    "在中国境内（不包括港、澳、台地区）注册的居民企业",
)
C_SIZE = _c(
    "6.2",
    "规模",
    "第六条第（二）项",
    "职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元",
    "tech_sme.data_year_offset",
    "tech_sme.staff_max",
    "tech_sme.sales_max",
    "tech_sme.assets_max",
)
C_PRODUCTS = _c(
    "6.3",
    "产品和服务不属限制或淘汰类",
    "第六条第（三）项",
    "企业提供的产品和服务不属于国家规定的禁止、限制和淘汰类",
)
C_CREDIT = _c(
    "6.4",
    "信用与安全记录",
    "第六条第（四）项",
    "申报当年及上一年度无重大安全、质量事故和严重环境违法、科研严重失信行为，"
    "且未列入经营异常名录和严重违法失信企业名单",
    "tech_sme.credit_kinds",
)
C_SCORE = _c(
    "6.5",
    "综合评价得分",
    "第六条第（五）项",
    "综合评价得分不低于60分，且科技人员指标得分不得为0分",
    "tech_sme.pass_score",
    "tech_sme.staff_points",
    "tech_sme.rd_sales_points",
    "tech_sme.rd_cost_points",
    "tech_sme.ip_class_i_points",
    "tech_sme.ip_class_ii_points",
)
C_HIGH_TECH = _c(
    "8.1",
    "有效期内的高新技术企业资格",
    "第八条第（一）项",
    "企业拥有有效期内高新技术企业资格证书",
    "high_tech.certificate_years",
)
C_AWARD = _c(
    "8.2",
    "近五年国家级科技奖励且排名前三",
    "第八条第（二）项",
    "企业近五年内获得过国家级科技奖励，并在获奖单位中排在前三名",
    "tech_sme.direct_years",
    "tech_sme.award_rank_max",
)
C_INSTITUTION = _c(
    "8.3",
    "省部级以上研发机构",
    "第八条第（三）项",
    "企业拥有经认定的省部级以上研发机构",
    "rd_institution.kinds",
    "tech_sme.institution_levels",
)
C_STANDARD = _c(
    "8.4",
    "近五年主导制定标准",
    "第八条第（四）项",
    "企业近五年内主导制定过国际标准、国家标准或行业标准",
    "tech_sme.direct_years",
)
C_DIRECT = _c(
    "8",
    "直接确认途径",
    "第八条",
    "符合第六条（一）至（四）项且满足第八条任一项的，可直接确认符合科技型中小企业条件",
)
CONDITIONS = (
    C_RESIDENT,
    C_SIZE,
    C_PRODUCTS,
    C_CREDIT,
    C_SCORE,
    C_HIGH_TECH,
    C_AWARD,
    C_INSTITUTION,
    C_STANDARD,
    C_DIRECT,
)
CITE_STAFF = Citation(DOC, "第七条及附件", "科技人员数占职工总数的比例，满分20分")
CITE_RD = Citation(
    DOC, "第七条及附件", "研发费用占销售收入或成本费用支出总额的比例，满分50分"
)
CITE_IP = Citation(DOC, "第七条及附件", "拥有的有效知识产权，满分30分，先看Ⅰ类再看Ⅱ类")


def data_year(ctx: Ctx) -> int:
    """Accounting year whose figures are used (Y−1 by default, flagged)."""
    return ctx.as_of.year + ctx.integer("tech_sme.data_year_offset")


def band_max(table: BandTable) -> int:
    """Highest integer points in a band table."""
    return max(b.value for b in table.bands if isinstance(b.value, int))


def points(table: BandTable, x: Fraction) -> tuple[int, str]:
    """Points and band label of ``x``."""
    band = table.find(x)
    assert isinstance(band.value, int)
    return band.value, band.label


def resident(facts: EnterpriseFacts) -> ConditionResult:
    """6(1): registered in Tianjin proves it; otherwise unknown."""
    if facts.registered_in_tianjin:
        return common.result_of(
            C_RESIDENT,
            Tri.MET,
            "天津市注册",
            "境内注册",
            "企业在天津市注册，属境内注册",
        )
    why = "未登记注册地" if facts.registered_in_tianjin is None else "注册地不在天津"
    return common.result_of(
        C_RESIDENT,
        Tri.UNKNOWN,
        "未知",
        "境内注册",
        f"{why}，须核实是否在境内（不含港澳台）注册",
        ["注册地（是否在境内注册）"],
    )


def size(fig: YearFigures, year: int, ctx: Ctx) -> ConditionResult:
    """6(2): head count, sales revenue and total assets under the caps."""
    checks = [
        ("staff_total", "tech_sme.staff_max", "人"),
        ("sales_revenue", "tech_sme.sales_max", "万元"),
        ("total_assets", "tech_sme.assets_max", "万元"),
    ]
    statuses, values, limits, missing = [], [], [], []
    for name, pid, unit in checks:
        limit = ctx.threshold(pid)
        value = fig.get(name)
        label = FIELD_LABELS[name]
        limits.append(label + limit.text(unit))
        if value is None:
            statuses.append(Tri.UNKNOWN)
            missing.append(f"{year}年度{label}")
            values.append(f"{label}未知")
            continue
        statuses.append(Tri.MET if limit.test(value) else Tri.NOT_MET)
        values.append(f"{label}{fmt_number(value)}{unit}")
    status = all_of(statuses)
    reason = f"按{year}年度数据：" + "，".join(values)
    return common.result_of(
        C_SIZE, status, "；".join(values), "；".join(limits), reason, missing
    )


def products(facts: EnterpriseFacts) -> ConditionResult:
    """6(3): products not in the restricted or eliminated categories."""
    flag = facts.restricted_products
    if flag is None:
        return common.result_of(
            C_PRODUCTS,
            Tri.UNKNOWN,
            "未知",
            "不属于",
            "未填报产品是否属于限制或淘汰类",
            ["产品是否属于限制或淘汰类"],
        )
    status = Tri.NOT_MET if flag else Tri.MET
    value = "属于" if flag else "不属于"
    return common.result_of(
        C_PRODUCTS, status, value, "不属于", f"产品{value}国家限制或淘汰类"
    )


def credit(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """6(4): no listed record in the reporting year or the year before."""
    start = date(ctx.as_of.year - 1, 1, 1)
    kinds = ctx.texts("tech_sme.credit_kinds")
    status, reason = common.credit_status(facts, kinds, start, ctx.as_of)
    missing = ["信用记录发生日期"] if status is Tri.UNKNOWN else []
    return common.result_of(C_CREDIT, status, reason, "无相关记录", reason, missing)


def staff_item(fig: YearFigures, year: int, ctx: Ctx) -> ScoreItem:
    """科技人员 item: 科技人员 ÷ 职工总数."""
    table = ctx.bands("tech_sme.staff_points")
    tech, total = fig.tech_staff, fig.staff_total
    if tech is None or total is None:
        return ScoreItem(
            "staff",
            "科技人员指标",
            0,
            band_max(table),
            "?",
            f"缺少{year}年度科技人员数或职工总数",
            CITE_STAFF,
        )
    if total <= 0:
        return ScoreItem(
            "staff",
            "科技人员指标",
            0,
            0,
            "-",
            "职工总数为0，比例无法计算，按0分计",
            CITE_STAFF,
        )
    ratio = Fraction(tech, total)
    pts, label = points(table, ratio)
    reason = f"科技人员{tech}人÷职工总数{total}人={fmt_percent(ratio)}，{label}档"
    return ScoreItem("staff", "科技人员指标", pts, pts, label, reason, CITE_STAFF)


@dataclass(frozen=True)
class Measure:
    """One R&D ratio measure: points range, band and a sentence."""

    low: int
    high: int
    band: str
    text: str


def rd_measure(
    rd: Decimal | None, den: Decimal | None, label: str, table: BandTable
) -> Measure:
    """Points of R&D ÷ ``den`` on ``table``; a range when unknown."""
    if rd is None or den is None:
        return Measure(0, band_max(table), "?", f"研发费用占{label}比例未知")
    if den <= 0:
        return Measure(0, 0, "-", f"{label}为0，比例无法计算")
    ratio = exact(rd) / exact(den)
    pts, band = points(table, ratio)
    return Measure(pts, pts, band, f"研发费用占{label}{fmt_percent(ratio)}（{band}档）")


def rd_item(fig: YearFigures, ctx: Ctx) -> ScoreItem:
    """研发投入 item: the better of the two ratios (择高)."""
    by_sales = rd_measure(
        fig.rd_expense,
        fig.sales_revenue,
        "销售收入",
        ctx.bands("tech_sme.rd_sales_points"),
    )
    by_cost = rd_measure(
        fig.rd_expense,
        fig.total_cost,
        "成本费用支出总额",
        ctx.bands("tech_sme.rd_cost_points"),
    )
    low = max(by_sales.low, by_cost.low)
    high = max(by_sales.high, by_cost.high)
    best = by_sales if by_sales.low >= by_cost.low else by_cost
    reason = f"{by_sales.text}；{by_cost.text}；取较高者"
    return ScoreItem("rd", "研发投入指标", low, high, best.band, reason, CITE_RD)


def ip_points(ctx: Ctx, class_i: int, class_ii: int) -> tuple[int, str]:
    """Points for IP counts: Class I first, then Class II."""
    pts, label = points(ctx.bands("tech_sme.ip_class_i_points"), Fraction(class_i))
    if pts > 0:
        return pts, label
    return points(ctx.bands("tech_sme.ip_class_ii_points"), Fraction(class_ii))


def ip_item(facts: EnterpriseFacts, ctx: Ctx) -> ScoreItem:
    """科技成果 item from valid IP related to the main products."""
    counts = common.ip_counts(facts, ctx)
    low, band = ip_points(ctx, counts.class_i_sure, counts.class_ii_sure)
    high, _ = ip_points(ctx, counts.class_i_max, counts.class_ii_max)
    reason = (
        f"有效且与主要产品相关的Ⅰ类{counts.class_i_sure}项、Ⅱ类{counts.class_ii_sure}项"
    )
    if counts.class_i_maybe or counts.class_ii_maybe:
        reason += (
            f"；另有Ⅰ类{counts.class_i_maybe}项、Ⅱ类{counts.class_ii_maybe}项"
            "未填是否与主要产品相关"
        )
    return ScoreItem(
        "ip", "科技成果指标", low, high, band if low == high else "?", reason, CITE_IP
    )


SCORE_FIELDS = (
    "tech_staff",
    "staff_total",
    "rd_expense",
    "sales_revenue",
    "total_cost",
)


def score_missing(fig: YearFigures, year: int, facts: EnterpriseFacts) -> list[str]:
    """Names of the unknown inputs of the score."""
    out = [f"{year}年度{FIELD_LABELS[f]}" for f in SCORE_FIELDS if fig.get(f) is None]
    if any(i.related_to_main is None for i in facts.ip):
        out.append("知识产权是否与主要产品相关")
    return out


def score_condition(
    items: tuple[ScoreItem, ...], ctx: Ctx, missing: list[str]
) -> ConditionResult:
    """6(5): total ≥ 60 and staff score ≠ 0, decided on the score range."""
    need = ctx.threshold("tech_sme.pass_score")
    low, high = sum(i.low for i in items), sum(i.high for i in items)
    staff = items[0]
    if need.test(low) and staff.low > 0:
        status = Tri.MET
    elif not need.test(high) or staff.high == 0:
        status = Tri.NOT_MET
    else:
        status = Tri.UNKNOWN
    value = common.score_text(low, high)
    reason = (
        f"{value}（"
        + "；".join(f"{i.title}{i.low}–{i.high}分：{i.reason}" for i in items)
        + "）"
    )
    if staff.high == 0:
        reason += "；科技人员指标为0分"
    missing = missing if status is Tri.UNKNOWN else []
    return common.result_of(
        C_SCORE, status, value, need.text("分") + "且科技人员指标非0", reason, missing
    )


def high_tech_cert(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """8(1): a 高企 certificate valid on ``as_of``."""
    years = ctx.integer("high_tech.certificate_years")
    certs = common.quals(facts, ["高新技术企业"])
    held = [q for q in certs if common.held_on(q, ctx.as_of, years)]
    if held:
        number = held[0].number or "编号未填"
        return common.result_of(
            C_HIGH_TECH,
            Tri.MET,
            number,
            "有效期内",
            f"持有有效期内的高企证书（{number}）",
        )
    notes = common.not_held_notes(facts, ["高新技术企业"], ctx.as_of, years)
    reason = common.with_notes(f"{ctx.as_of}无有效期内的高企证书", notes)
    return common.result_of(C_HIGH_TECH, Tri.NOT_MET, "无", "有效期内", reason)


def award(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """8(2): national S&T award in the last five years, among the top three."""
    start = common.years_before(ctx.as_of, ctx.integer("tech_sme.direct_years"))
    limit = ctx.threshold("tech_sme.award_rank_max")
    statuses = []
    for q in common.quals(facts, ["科技奖励"]):
        if q.level != "国家级":
            continue
        rank = common.parse_rank(q.rank)
        when = common.in_window(q.granted_on, start, ctx.as_of)
        rank_ok = None if rank is None else limit.test(rank)
        statuses.append(all_of([tri(when), tri(rank_ok)]))
    status = any_of(statuses)
    reason = {
        Tri.MET: "近五年获国家级科技奖励且排名前三",
        Tri.NOT_MET: "近五年无排名前三的国家级科技奖励",
        Tri.UNKNOWN: "国家级科技奖励的日期或名次未填，无法判断",
    }[status]
    if status is Tri.NOT_MET:
        reason = common.with_notes(
            reason,
            common.outside_window_notes(
                facts, ["科技奖励"], ctx.as_of, ctx.integer("tech_sme.direct_years")
            ),
        )
    missing = ["国家级科技奖励的取得日期或名次"] if status is Tri.UNKNOWN else []
    return common.result_of(C_AWARD, status, status.label, "前三名", reason, missing)


def institution(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """8(3): a provincial/ministerial or higher R&D institution held on ``as_of``."""
    levels = set(ctx.texts("tech_sme.institution_levels"))
    statuses = []
    for q in common.quals(facts, ctx.texts("rd_institution.kinds")):
        if not common.held_on(q, ctx.as_of, None):
            continue
        statuses.append(tri(None if q.level is None else q.level in levels))
    status = any_of(statuses)
    reason = {
        Tri.MET: "拥有省部级以上研发机构",
        Tri.NOT_MET: "无省部级以上研发机构",
        Tri.UNKNOWN: "研发机构级别未填，无法判断",
    }[status]
    missing = ["研发机构级别"] if status is Tri.UNKNOWN else []
    return common.result_of(
        C_INSTITUTION, status, status.label, "省部级以上", reason, missing
    )


def standard(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """8(4): led an international/national/industry standard (级别 国家级)."""
    start = common.years_before(ctx.as_of, ctx.integer("tech_sme.direct_years"))
    statuses = []
    for q in common.quals(facts, ["主导制定标准"]):
        when = common.in_window(q.granted_on, start, ctx.as_of)
        level = None if q.level is None else q.level == "国家级"
        statuses.append(all_of([tri(when), tri(level)]))
    status = any_of(statuses)
    reason = {
        Tri.MET: "近五年主导制定国际、国家或行业标准",
        Tri.NOT_MET: "近五年无主导制定的国际、国家或行业标准",
        Tri.UNKNOWN: "主导制定标准的日期或级别未填，无法判断",
    }[status]
    if status is Tri.NOT_MET:
        reason = common.with_notes(
            reason,
            common.outside_window_notes(
                facts, ["主导制定标准"], ctx.as_of, ctx.integer("tech_sme.direct_years")
            ),
        )
    missing = ["主导制定标准的日期或级别"] if status is Tri.UNKNOWN else []
    return common.result_of(
        C_STANDARD, status, status.label, "国家级及以上", reason, missing
    )


def direct(routes: list[ConditionResult]) -> ConditionResult:
    """Art. 8 as a whole: any one route."""
    status = any_of(r.status for r in routes)
    met = [r.title for r in routes if r.status is Tri.MET]
    reason = "满足：" + "、".join(met) if met else "第八条各项均未满足"
    if status is Tri.NOT_MET:
        notes = [
            r.reason.split("（", 1)[1].rstrip("）") for r in routes if "（" in r.reason
        ]
        reason = common.with_notes(reason, notes)
    if status is Tri.UNKNOWN:
        reason = "第八条部分项目无法判断"
    return common.result_of(C_DIRECT, status, status.label, "任一项", reason)


def gate_conditions(facts: EnterpriseFacts, ctx: Ctx) -> list[ConditionResult]:
    """6(1)–6(4), which apply to both routes."""
    year = data_year(ctx)
    return [
        resident(facts),
        size(facts.year(year), year, ctx),
        products(facts),
        credit(facts, ctx),
    ]


def route_conditions(facts: EnterpriseFacts, ctx: Ctx) -> list[ConditionResult]:
    """8(1)–8(4) and their union."""
    routes = [
        high_tech_cert(facts, ctx),
        award(facts, ctx),
        institution(facts, ctx),
        standard(facts, ctx),
    ]
    return [*routes, direct(routes)]


def score_items(facts: EnterpriseFacts, ctx: Ctx) -> tuple[ScoreItem, ...]:
    """The three scored items (staff, R&D, IP), each a points range."""
    year = data_year(ctx)
    fig = facts.year(year)
    return (staff_item(fig, year, ctx), rd_item(fig, ctx), ip_item(facts, ctx))


def evaluate(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """Evaluate one enterprise under 国科发政〔2017〕115号."""
    year = data_year(ctx)
    gates = gate_conditions(facts, ctx)
    items = score_items(facts, ctx)
    scored = score_condition(items, ctx, score_missing(facts.year(year), year, facts))
    routes = route_conditions(facts, ctx)
    path = any_of([scored.status, routes[-1].status])
    status = all_of([*(g.status for g in gates), path])
    route = None
    if status is Tri.MET:
        route = "direct" if routes[-1].status is Tri.MET else "score"
    conds = (*gates[:4], scored, *routes)
    gaps: list[Gap] = []
    if status is not Tri.MET:
        gaps = size_gaps(facts.year(year), ctx) + score_gaps(facts, items, ctx, year)
        if gates[3].status is Tri.NOT_MET:
            gaps += gaps_lib.credit_year_gap(
                facts.credit_records,
                ctx.texts("tech_sme.credit_kinds"),
                ctx.as_of,
                "6.4",
            )
    result = ProgrammeResult(
        programme=KEY,
        name=NAME,
        version="2017",
        document=DOC,
        outcome=common.outcome_of(status),
        route=route,
        score_low=sum(i.low for i in items),
        score_high=sum(i.high for i in items),
        conditions=conds,
        score_items=items,
        gaps=tuple(gaps),
        missing=common.collect_missing(conds),
        flags=ctx.flags(),
        overridden=ctx.overridden(),
        data_year=year,
    )
    return _with_explanation(result)


def _with_explanation(result: ProgrammeResult) -> ProgrammeResult:
    from dataclasses import replace

    return replace(result, explanation=common.explain(result))


PROGRAMME = Programme(
    key=KEY,
    name=NAME,
    has_direct_route=True,
    versions=(
        ProgrammeVersion(
            "2017",
            DOC,
            TITLE,
            EFFECTIVE,
            CONDITIONS,
            evaluate,
            "按评价年度上一会计年度数据评价（单一来源，已标记）",
        ),
    ),
)
