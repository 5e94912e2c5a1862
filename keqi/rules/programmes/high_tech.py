"""高新技术企业认定（国科发火〔2016〕32号 第十一条；指引 国科发火〔2016〕195号）.

All eight conditions must hold.  The innovation score (condition 7) is a range:
data fixes the bands it can, experts fill the rest.  Eligible only when every
hard condition is met and even the lowest total is above 70; ineligible when a
hard condition fails or even the highest total is not above 70; otherwise
undetermined, naming the open judgements.  Data years: the three accounting
years before the application year (fewer since registration).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

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
from keqi.rules.numbers import Tri, all_of, ceil_decimal, exact, fmt_number, fmt_percent
from keqi.rules.programmes import common
from keqi.rules.programmes import gaps as gaps_lib
from keqi.rules.programmes import high_tech_score as score

KEY = "high_tech"
NAME = "高新技术企业"
DOC = "国科发火〔2016〕32号"
TITLE = "高新技术企业认定管理办法"
EFFECTIVE = date(2016, 1, 1)


def _c(cid: str, title: str, item: str, text: str, *params: str) -> Condition:
    return Condition(cid, title, Citation(DOC, f"第十一条第（{item}）项", text), params)


C_AGE = _c(
    "11.1",
    "注册成立一年以上",
    "一",
    "企业申请认定时须注册成立一年以上",
    "high_tech.registered_min_days",
)
C_IP = _c(
    "11.2",
    "拥有核心支持作用的知识产权",
    "二",
    "通过自主研发、受让、受赠、并购等方式，获得对其主要产品（服务）在技术上发挥核心支持作用的知识产权的所有权",
    "ip.class_i",
    "ip.class_ii",
)
C_FIELD = _c(
    "11.3",
    "技术属于国家重点支持的高新技术领域",
    "三",
    "对企业主要产品（服务）发挥核心支持作用的技术属于《国家重点支持的高新技术领域》规定的范围",
    "high_tech.fields",
)
C_STAFF = _c(
    "11.4",
    "科技人员占比",
    "四",
    "科技人员占企业当年职工总数的比例不低于10%",
    "high_tech.latest_year_offset",
    "high_tech.staff_ratio",
)
C_RD = _c(
    "11.5",
    "近三年研发费用占比",
    "五",
    "近三个会计年度研究开发费用总额占同期销售收入总额的比例符合分档要求",
    "high_tech.latest_year_offset",
    "high_tech.rd_rate_bands",
)
C_DOMESTIC = _c(
    "11.5b",
    "境内研发费用占比",
    "五",
    "在中国境内发生的研究开发费用总额占全部研究开发费用总额的比例不低于60%",
    "high_tech.domestic_share",
)
C_PRODUCT = _c(
    "11.6",
    "高新技术产品（服务）收入占比",
    "六",
    "近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%",
    "high_tech.product_share",
)
C_SCORE = _c(
    "11.7",
    "创新能力评价",
    "七",
    "企业创新能力评价应达到相应要求（70分以上，不含70分）",
    "high_tech.pass_score",
    "high_tech.growth_points",
    "high_tech.conversion_points",
)
C_INCIDENT = _c(
    "11.8",
    "申请前一年内无重大事故或严重环境违法",
    "八",
    "企业申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
    "high_tech.incident_kinds",
)
CONDITIONS = (
    C_AGE,
    C_IP,
    C_FIELD,
    C_STAFF,
    C_RD,
    C_DOMESTIC,
    C_PRODUCT,
    C_SCORE,
    C_INCIDENT,
)


def latest_year(ctx: Ctx) -> int:
    """The most recent accounting year before the application."""
    return ctx.as_of.year + ctx.integer("high_tech.latest_year_offset")


def age(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 1: days since registration against the (flagged) day rule."""
    need = ctx.threshold("high_tech.registered_min_days")
    if facts.founded_on is None:
        return common.result_of(
            C_AGE, Tri.UNKNOWN, "未知", need.text("天"), "未填成立日期", ["成立日期"]
        )
    days = (ctx.as_of - facts.founded_on).days
    status = Tri.MET if need.test(days) else Tri.NOT_MET
    reason = f"{facts.founded_on}成立，至{ctx.as_of}共{days}天"
    return common.result_of(C_AGE, status, f"{days}天", need.text("天"), reason)


def core_ip(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 2: at least one valid IP item related to the main products."""
    counts = common.ip_counts(facts, ctx)
    sure = counts.class_i_sure + counts.class_ii_sure
    maybe = counts.class_i_maybe + counts.class_ii_maybe
    if sure:
        status, reason = Tri.MET, f"有{sure}项与主要产品相关的有效知识产权"
    elif maybe:
        status, reason = Tri.UNKNOWN, f"有{maybe}项有效知识产权未填是否与主要产品相关"
    else:
        status, reason = Tri.NOT_MET, "无与主要产品相关的有效知识产权"
    missing = ["知识产权是否与主要产品相关"] if status is Tri.UNKNOWN else []
    return common.result_of(C_IP, status, f"{sure}项", "≥1项", reason, missing)


def field_condition(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 3: by the declared 技术领域; the final call is an expert's."""
    fields = ctx.texts("high_tech.fields")
    if facts.tech_field is None:
        return common.result_of(
            C_FIELD,
            Tri.UNKNOWN,
            "未填",
            "八大领域之一",
            "未填技术领域，须专家判断",
            ["技术领域"],
        )
    inside = facts.tech_field in fields
    reason = f"企业填报的技术领域为{facts.tech_field}，" + (
        "属于八大领域（以专家认定为准）" if inside else "不属于八大领域"
    )
    return common.result_of(
        C_FIELD,
        Tri.MET if inside else Tri.NOT_MET,
        facts.tech_field,
        "八大领域之一",
        reason,
    )


def staff(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 4: 科技人员 ÷ 职工总数 of the latest year ≥ 10%."""
    year = latest_year(ctx)
    need = ctx.threshold("high_tech.staff_ratio")
    fig = facts.year(year)
    tech, total = fig.tech_staff, fig.staff_total
    if tech is None or total is None:
        missing = [
            f"{year}年度{FIELD_LABELS[n]}"
            for n in ("tech_staff", "staff_total")
            if fig.get(n) is None
        ]
        return common.result_of(
            C_STAFF,
            Tri.UNKNOWN,
            "未知",
            need.text(percent=True),
            "缺少科技人员或职工人数",
            missing,
        )
    ok = need.test_ratio(tech, total)
    value = fmt_percent(Fraction(tech, total)) if total > 0 else "无法计算"
    reason = f"{year}年度科技人员{tech}人，职工总数{total}人，占比{value}"
    return common.result_of(
        C_STAFF, Tri.MET if ok else Tri.NOT_MET, value, need.text(percent=True), reason
    )


def sums(facts: EnterpriseFacts, years: list[int], name: str) -> Decimal | None:
    """Sum of a figure over ``years``; ``None`` if any year is unknown."""
    values = [facts.figure(y, name) for y in years]
    if not years or any(v is None for v in values):
        return None
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


def _missing(
    facts: EnterpriseFacts, years: list[int], names: tuple[str, ...]
) -> list[str]:
    if not years:
        return ["会计年度数据（成立不满一个会计年度）"]
    return [
        f"{y}年度{FIELD_LABELS[n]}"
        for n in names
        for y in years
        if facts.figure(y, n) is None
    ]


def rd(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 5: 3-year R&D ÷ sales against the rate of the latest-year band."""
    years = score.operating_years(facts, ctx)
    bands = ctx.bands("high_tech.rd_rate_bands")
    total_rd, total_sales = (
        sums(facts, years, "rd_expense"),
        sums(facts, years, "sales_revenue"),
    )
    latest = facts.figure(years[-1], "sales_revenue") if years else None
    if total_rd is None or total_sales is None or latest is None:
        return common.result_of(
            C_RD,
            Tri.UNKNOWN,
            "未知",
            "按销售收入分档",
            "缺少研发费用或销售收入",
            _missing(facts, years, ("rd_expense", "sales_revenue")),
        )
    band = bands.find(latest)
    rate = band.value
    assert isinstance(rate, Fraction)
    ok = total_sales > 0 and exact(
        total_rd
    ) * rate.denominator >= rate.numerator * exact(total_sales)
    value = (
        fmt_percent(exact(total_rd) / exact(total_sales))
        if total_sales > 0
        else "无法计算"
    )
    reason = (
        f"{years[0]}–{years[-1]}年研发费用合计{fmt_number(total_rd)}万元，"
        f"销售收入合计{fmt_number(total_sales)}万元，占比{value}；"
        f"最近一年销售收入{fmt_number(latest)}万元，属{band.label}，须≥{fmt_percent(rate)}"
    )
    return common.result_of(
        C_RD, Tri.MET if ok else Tri.NOT_MET, value, f"≥{fmt_percent(rate)}", reason
    )


def domestic(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 5 (second half): domestic R&D ≥ 60% of all R&D."""
    years = score.operating_years(facts, ctx)
    need = ctx.threshold("high_tech.domestic_share")
    inside, total = sums(facts, years, "rd_domestic"), sums(facts, years, "rd_expense")
    if inside is None or total is None:
        return common.result_of(
            C_DOMESTIC,
            Tri.UNKNOWN,
            "未知",
            need.text(percent=True),
            "缺少境内研发费用或研发费用",
            _missing(facts, years, ("rd_domestic", "rd_expense")),
        )
    ok = need.test_ratio(inside, total)
    value = fmt_percent(exact(inside) / exact(total)) if total > 0 else "无法计算"
    reason = f"境内研发费用{fmt_number(inside)}万元，占研发费用{value}"
    return common.result_of(
        C_DOMESTIC,
        Tri.MET if ok else Tri.NOT_MET,
        value,
        need.text(percent=True),
        reason,
    )


def product(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 6: high-tech revenue ÷ total revenue of the latest year ≥ 60%."""
    year = latest_year(ctx)
    need = ctx.threshold("high_tech.product_share")
    fig = facts.year(year)
    part, whole = fig.high_tech_revenue, fig.total_revenue
    if part is None or whole is None:
        missing = [
            f"{year}年度{FIELD_LABELS[n]}"
            for n in ("high_tech_revenue", "total_revenue")
            if fig.get(n) is None
        ]
        return common.result_of(
            C_PRODUCT,
            Tri.UNKNOWN,
            "未知",
            need.text(percent=True),
            "缺少高新技术产品（服务）收入或总收入",
            missing,
        )
    ok = need.test_ratio(part, whole)
    value = fmt_percent(exact(part) / exact(whole)) if whole > 0 else "无法计算"
    reason = f"{year}年度高新技术产品（服务）收入占总收入{value}"
    return common.result_of(
        C_PRODUCT,
        Tri.MET if ok else Tri.NOT_MET,
        value,
        need.text(percent=True),
        reason,
    )


def incident(facts: EnterpriseFacts, ctx: Ctx) -> ConditionResult:
    """Condition 8: no listed record within one year before the application."""
    start = common.years_before(ctx.as_of, 1)
    kinds = ctx.texts("high_tech.incident_kinds")
    status, reason = common.credit_status(facts, kinds, start, ctx.as_of)
    missing = ["信用记录发生日期"] if status is Tri.UNKNOWN else []
    return common.result_of(C_INCIDENT, status, reason, "无相关记录", reason, missing)


def innovation(items: list[ScoreItem], ctx: Ctx) -> tuple[ConditionResult, list[str]]:
    """Condition 7 on the score range; also the open judgements."""
    need = ctx.threshold("high_tech.pass_score")
    low, high = score.total(items)
    if need.test(low):
        status = Tri.MET
    elif not need.test(high):
        status = Tri.NOT_MET
    else:
        status = Tri.UNKNOWN
    open_items = [i.title for i in items if i.low != i.high and i.expert]
    missing = [i.title for i in items if i.low != i.high and not i.expert]
    value = common.score_text(low, high)
    reason = (
        value + "（" + "；".join(f"{i.title}{i.low}–{i.high}分" for i in items) + "）"
    )
    cond = common.result_of(
        C_SCORE,
        status,
        value,
        need.text("分"),
        reason,
        missing if status is Tri.UNKNOWN else [],
    )
    return cond, open_items if status is Tri.UNKNOWN else []


def hard_conditions(facts: EnterpriseFacts, ctx: Ctx) -> list[ConditionResult]:
    """Conditions 1–6 and 8."""
    return [
        age(facts, ctx),
        core_ip(facts, ctx),
        field_condition(facts, ctx),
        staff(facts, ctx),
        rd(facts, ctx),
        domestic(facts, ctx),
        product(facts, ctx),
        incident(facts, ctx),
    ]


def evaluate(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """Evaluate one enterprise under 32号 and its 指引."""
    hard = hard_conditions(facts, ctx)
    items = score.score_items(facts, ctx)
    scored, open_items = innovation(items, ctx)
    conds = (*hard[:7], scored, hard[7])
    status = all_of(c.status for c in conds)
    if facts.tech_field is None:
        open_items = ["技术领域归属", *open_items]
    low, high = score.total(items)
    result = ProgrammeResult(
        programme=KEY,
        name=NAME,
        version="2016",
        document=DOC,
        outcome=common.outcome_of(status),
        route=None,
        score_low=low,
        score_high=high,
        conditions=conds,
        score_items=tuple(items),
        gaps=tuple(gaps(facts, conds, ctx, (low, high)))
        if status is not Tri.MET
        else (),
        missing=common.collect_missing(conds),
        open_judgements=tuple(open_items) if status is Tri.UNKNOWN else (),
        flags=ctx.flags(),
        overridden=ctx.overridden(),
        data_year=latest_year(ctx),
    )
    return replace(result, explanation=common.explain(result))


def gaps(
    facts: EnterpriseFacts,
    conds: tuple[ConditionResult, ...],
    ctx: Ctx,
    score_range: tuple[int, int] | None = None,
) -> list[Gap]:
    """Concrete shortfalls of the conditions that are not met."""
    failed = {c.id for c in conds if c.status is Tri.NOT_MET}
    out: list[Gap] = []
    if "11.1" in failed and facts.founded_on is not None:
        need = int(ctx.threshold("high_tech.registered_min_days").value)
        days = need - (ctx.as_of - facts.founded_on).days
        out.append(
            Gap("11.1", f"注册成立时间还差{days}天", "founded_on", str(days), "天")
        )
    if "11.2" in failed:
        out.append(Gap("11.2", "再需1项与主要产品相关的有效知识产权", "ip", "1", "项"))
    if "11.4" in failed:
        out += _staff_gap(facts, ctx)
    if "11.5" in failed:
        out += _rd_gap(facts, ctx)
    if "11.6" in failed:
        out += _share_gap(facts, ctx)
    if "11.3" in failed:
        out.append(
            Gap("11.3", "核心技术须属于《国家重点支持的高新技术领域》", "tech_field")
        )
    score_cond = next(c for c in conds if c.id == "11.7")
    if score_cond.status is not Tri.MET:
        out += _score_gap(
            ctx, score_range or score.total(score.score_items(facts, ctx))
        )
    if "11.8" in failed:
        out += _incident_gap(facts, ctx)
    return out


def _score_gap(ctx: Ctx, score_range: tuple[int, int]) -> list[Gap]:
    """Condition 7: how many points the lower end of the score is short."""
    need = gaps_lib.need_points(ctx.threshold("high_tech.pass_score"))
    low, high = score_range
    if low >= need:
        return []
    text = f"创新能力评价得分还差{need - low}分（现{low}–{high}分，须≥{need}分）"
    if high < need:
        text += f"，即使专家评分项均取最高也差{need - high}分"
    else:
        text += "，须专家评分项目补足或提高知识产权、成果转化、研发管理、成长性得分"
    return [Gap("11.7", text, None, str(need - low), "分")]


def _incident_gap(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
    """Condition 8: the day the last record leaves the one-year window."""
    kinds = set(ctx.texts("high_tech.incident_kinds"))
    start = common.years_before(ctx.as_of, 1)
    inside = [
        r.occurred_on
        for r in facts.credit_records
        if r.kind in kinds
        and r.occurred_on is not None
        and start <= r.occurred_on <= ctx.as_of
    ]
    if not inside:
        return []
    clear = common.years_after(max(inside), 1) + timedelta(days=1)
    days = (clear - ctx.as_of).days
    text = f"{max(inside)}的记录在申请前一年内，最早{clear}可申请（还需等待{days}天）"
    return [Gap("11.8", text, "credit_records", str(days), "天")]


def _staff_gap(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
    fig = facts.year(latest_year(ctx))
    tech, total = fig.tech_staff or 0, fig.staff_total or 0
    ratio = ctx.threshold("high_tech.staff_ratio").value
    need = (ratio * total - tech) / (1 - ratio)
    hires = max(-(-need.numerator // need.denominator), 1)
    return [
        Gap(
            "11.4",
            f"科技人员还差{hires}人（按新增人员同时计入职工总数）",
            "tech_staff",
            str(hires),
            "人",
        )
    ]


def _rd_gap(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
    years = score.operating_years(facts, ctx)
    total_rd, total_sales = (
        sums(facts, years, "rd_expense"),
        sums(facts, years, "sales_revenue"),
    )
    latest = facts.figure(years[-1], "sales_revenue") if years else None
    if total_rd is None or total_sales is None or latest is None or total_sales <= 0:
        return []
    rate = ctx.bands("high_tech.rd_rate_bands").find(latest).value
    assert isinstance(rate, Fraction)
    short = ceil_decimal(rate * exact(total_sales) - exact(total_rd), 2)
    return [
        Gap(
            "11.5",
            f"近三年研发费用还差{fmt_number(short)}万元（占比达到{fmt_percent(rate)}）",
            "rd_expense",
            fmt_number(short),
            "万元",
        )
    ]


def _share_gap(facts: EnterpriseFacts, ctx: Ctx) -> list[Gap]:
    fig = facts.year(latest_year(ctx))
    if fig.high_tech_revenue is None or fig.total_revenue is None:
        return []
    share = ctx.threshold("high_tech.product_share").value
    need = (share * exact(fig.total_revenue) - exact(fig.high_tech_revenue)) / (
        1 - share
    )
    short = ceil_decimal(max(need, Fraction(0)), 2)
    text = f"高新技术产品（服务）收入还差{fmt_number(short)}万元（按新增收入同时计入总收入）"
    return [Gap("11.6", text, "high_tech_revenue", fmt_number(short), "万元")]


PROGRAMME = Programme(
    key=KEY,
    name=NAME,
    versions=(
        ProgrammeVersion(
            "2016",
            DOC,
            TITLE,
            EFFECTIVE,
            CONDITIONS,
            evaluate,
            "指引：国科发火〔2016〕195号",
        ),
    ),
)
