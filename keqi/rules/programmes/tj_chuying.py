"""天津市雏鹰企业: 津科规〔2019〕3号（试行） and 津科规〔2021〕3号.

Both versions: every basic condition, plus any one of a list.  The version is
chosen by ``as_of``: the 2021 rules from 2021-07-09; the 2019 rules from
2019-06-04 (the exact date of the 2019 document is unconfirmed; 2019-06-04 is
the publication of 津政发〔2019〕17号 which it implements).  Every value is a
single-source parameter, so every verdict is flagged.

Conventions: 在津注册 and 独立法人 are each three-valued; a national-level
创新创业大赛 record counts as "reached the national final"; prizes are read from
名次 (特等奖/一等奖/二等奖/三等奖/优秀奖).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.model import (
    Citation,
    Condition,
    ConditionResult,
    Programme,
    ProgrammeResult,
    ProgrammeVersion,
)
from keqi.rules.numbers import Tri, all_of, any_of, fmt_number, tri
from keqi.rules.programmes import common, tj_chuying_gaps

KEY = "tj_chuying"
NAME = "天津市雏鹰企业"
DOC_2019 = "津科规〔2019〕3号"
DOC_2021 = "津科规〔2021〕3号"
PRIZES = {"特等奖": 0, "一等奖": 1, "二等奖": 2, "三等奖": 3, "优秀奖": 4}
PROVINCIAL_UP = ("国家级", "省级（市级）")


def parse_prize(rank: str | None) -> int | None:
    """0 特等奖 … 4 优秀奖; ``None`` when not a prize."""
    if rank is None:
        return None
    for name, order in PRIZES.items():
        if name in rank:
            return order
    return None


def _c(
    doc: str, cid: str, title: str, article: str, text: str, *params: str
) -> Condition:
    return Condition(cid, title, Citation(doc, article, text), params)


def basic_identity(
    facts: EnterpriseFacts, spec: Condition, age: Tri, age_text: str
) -> ConditionResult:
    """Registered in Tianjin, independent legal person, and the age window."""
    parts = [tri(facts.registered_in_tianjin), tri(facts.independent_legal_person), age]
    missing = [
        n
        for n, v in (
            ("是否在津注册", facts.registered_in_tianjin),
            ("是否独立法人", facts.independent_legal_person),
            ("成立日期", facts.founded_on),
        )
        if v is None
    ]
    status = all_of(parts)
    reason = (
        f"在津注册：{tri(facts.registered_in_tianjin).label}；独立法人："
        f"{tri(facts.independent_legal_person).label}；{age_text}"
    )
    return common.result_of(
        spec,
        status,
        age_text,
        spec.citation.text,
        reason,
        missing if status is Tri.UNKNOWN else [],
    )


def revenue(
    facts: EnterpriseFacts, ctx: Ctx, spec: Condition, pid: str
) -> ConditionResult:
    """Previous-year operating revenue against a threshold."""
    year = ctx.as_of.year - 1
    value = facts.figure(year, "operating_revenue")
    limit = ctx.threshold(pid)
    if value is None:
        return common.result_of(
            spec,
            Tri.UNKNOWN,
            "未知",
            limit.text("万元"),
            f"缺少{year}年度营业收入",
            [f"{year}年度营业收入"],
        )
    ok = limit.test(value)
    return common.result_of(
        spec,
        Tri.MET if ok else Tri.NOT_MET,
        f"{fmt_number(value)}万元",
        limit.text("万元"),
        f"{year}年度营业收入{fmt_number(value)}万元",
    )


def credit(
    facts: EnterpriseFacts, ctx: Ctx, spec: Condition, pid: str
) -> ConditionResult:
    """No listed record in the application year or the year before."""
    status, reason = common.credit_status(
        facts, ctx.texts(pid), date(ctx.as_of.year - 1, 1, 1), ctx.as_of
    )
    missing = ["信用记录发生日期"] if status is Tri.UNKNOWN else []
    return common.result_of(spec, status, reason, "无相关记录", reason, missing)


def contest(
    facts: EnterpriseFacts,
    ctx: Ctx,
    years: int | None,
    national_max: int,
    provincial_max: int,
) -> Tri:
    """A 创新创业大赛 result good enough at national or provincial level."""
    start = date.min if years is None else common.years_before(ctx.as_of, years)
    found = []
    for q in common.quals(facts, ["创新创业大赛"]):
        when = tri(common.in_window(q.granted_on, start, ctx.as_of))
        prize = parse_prize(q.rank)
        limit = {"国家级": national_max, "省级（市级）": provincial_max}.get(
            q.level or ""
        )
        good = (
            None
            if q.level is None or prize is None and limit is not None
            else (limit is not None and prize is not None and prize <= limit)
        )
        found.append(all_of([when, tri(good)]))
    return any_of(found)


def software(facts: EnterpriseFacts, ctx: Ctx) -> Tri:
    """Both a 软件企业证书 and a 软件产品证书 held."""
    return all_of(
        [
            common.held_any(facts, ["软件企业证书"], ctx.as_of),
            common.held_any(facts, ["软件产品证书"], ctx.as_of),
        ]
    )


def any_route(
    spec: Condition, options: list[tuple[str, Tri]], notes: Sequence[str] = ()
) -> ConditionResult:
    """The any-one-of list as one condition, naming what was met.

    ``notes`` carry the deciding dates of the records that did not count (an
    expired certificate's 有效期至, an award outside the window)."""
    status = any_of(t for _, t in options)
    met = [n for n, t in options if t is Tri.MET]
    open_ = [n for n, t in options if t is Tri.UNKNOWN]
    if met:
        reason = "满足：" + "、".join(met)
    elif open_:
        reason = "无法判断：" + "、".join(open_)
    else:
        reason = common.with_notes("各项均未满足", notes)
    return common.result_of(
        spec,
        status,
        status.label,
        "任一项",
        reason,
        open_ if status is Tri.UNKNOWN else [],
    )


def route_notes(facts: EnterpriseFacts, ctx: Ctx, years: int | None) -> list[str]:
    """Dates of the titles and records of the any-one-of list that did not count."""
    cert_years = ctx.integer("high_tech.certificate_years")
    titles = ["软件企业证书", "软件产品证书", *ctx.texts("rd_institution.kinds")]
    return [
        *common.not_held_notes(facts, ["高新技术企业"], ctx.as_of, cert_years),
        *common.not_held_notes(facts, titles, ctx.as_of),
        *common.outside_window_notes(
            facts, ["科技奖励", "主导制定标准", "创新创业大赛"], ctx.as_of, years
        ),
    ]


def finish(
    version: str,
    doc: str,
    conds: list[ConditionResult],
    ctx: Ctx,
    facts: EnterpriseFacts,
) -> ProgrammeResult:
    """Combine all conditions into a result with gaps and explanation."""
    status = all_of(c.status for c in conds)
    found = (
        ()
        if status is Tri.MET
        else tuple(tj_chuying_gaps.programme_gaps(facts, ctx, conds, version))
    )
    result = ProgrammeResult(
        programme=KEY,
        name=NAME,
        version=version,
        document=doc,
        outcome=common.outcome_of(status),
        route=None,
        score_low=None,
        score_high=None,
        conditions=tuple(conds),
        gaps=found,
        missing=common.collect_missing(conds),
        flags=ctx.flags(),
        overridden=ctx.overridden(),
        data_year=ctx.as_of.year - 1,
    )
    return replace(result, explanation=common.explain(result))


# --- 2019 -----------------------------------------------------------------

A19 = _c(
    DOC_2019,
    "2019.1",
    "在津注册的独立法人，注册1至5年",
    "第一项条件",
    "在津注册、具有独立法人资格，注册时间1至5年（含），计至申报当年1月1日",
    "tj_chuying.2019.age_min_years",
    "tj_chuying.2019.age_max_years",
)
B19 = _c(
    DOC_2019,
    "2019.2",
    "信用与安全记录",
    "第二项条件",
    "申报当年及上一年度无重大安全、质量事故、严重环境违法和科研严重失信，未列入异常名录或失信名单",
    "tj_chuying.2019.credit_kinds",
)
C19 = _c(
    DOC_2019,
    "2019.3",
    "上一年度营业收入不超过1000万元",
    "第三项条件",
    "上一年度营业收入不超过1000万元",
    "tj_chuying.2019.revenue_max",
)
D19 = _c(DOC_2019, "2019.4", "拥有知识产权", "第四项条件", "拥有1项以上知识产权")
E19 = _c(
    DOC_2019,
    "2019.any",
    "择一条件",
    "择一条件",
    "高企资格、软件双证、创新创业大赛、Ⅰ类或5项Ⅱ类知识产权、科技奖励、研发机构、主导制定标准之一",
    "tj_chuying.2019.class_ii_min",
    "tj_chuying.recent_years",
)
CONDITIONS_2019 = (A19, B19, C19, D19, E19)


def age_2019(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, str]:
    """1–5 full years of registration as of 1 January of the application year."""
    if facts.founded_on is None:
        return Tri.UNKNOWN, "成立日期未知"
    jan1 = date(ctx.as_of.year, 1, 1)
    low = ctx.threshold("tj_chuying.2019.age_min_years")
    high = ctx.threshold("tj_chuying.2019.age_max_years")
    young = facts.founded_on <= common.years_before(jan1, int(low.value))
    old = facts.founded_on >= common.years_before(jan1, int(high.value))
    return tri(young and old), f"{facts.founded_on}成立（计至{jan1}）"


def options_2019(facts: EnterpriseFacts, ctx: Ctx) -> list[tuple[str, Tri]]:
    """The seven alternatives of the 2019 rules."""
    years = ctx.integer("tj_chuying.recent_years")
    counts = common.ip_counts(facts, ctx)
    many = ctx.threshold("tj_chuying.2019.class_ii_min").test(counts.class_ii_all)
    cert_years = ctx.integer("high_tech.certificate_years")
    return [
        (
            "有效高企资格",
            common.held_any(facts, ["高新技术企业"], ctx.as_of, None, cert_years),
        ),
        ("软件企业证书和软件产品证书", software(facts, ctx)),
        ("创新创业大赛成绩", contest(facts, ctx, years, 4, 3)),
        ("Ⅰ类或足量Ⅱ类知识产权", tri(counts.class_i_all >= 1 or many)),
        (
            "科技奖励排名前三",
            common.granted_within(
                facts, ["科技奖励"], ctx.as_of, years, PROVINCIAL_UP, 3
            ),
        ),
        (
            "省部级以上研发机构",
            common.held_any(
                facts, ctx.texts("rd_institution.kinds"), ctx.as_of, PROVINCIAL_UP
            ),
        ),
        (
            "主导制定标准",
            common.granted_within(
                facts, ["主导制定标准"], ctx.as_of, years, ["国家级"]
            ),
        ),
    ]


def evaluate_2019(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """津科规〔2019〕3号."""
    age, age_text = age_2019(facts, ctx)
    counts = common.ip_counts(facts, ctx)
    has_ip = common.result_of(
        D19,
        tri(counts.any_valid >= 1),
        f"{counts.any_valid}项",
        "≥1项",
        f"有效知识产权{counts.any_valid}项",
    )
    conds = [
        basic_identity(facts, A19, age, age_text),
        credit(facts, ctx, B19, "tj_chuying.2019.credit_kinds"),
        revenue(facts, ctx, C19, "tj_chuying.2019.revenue_max"),
        has_ip,
        any_route(
            E19,
            options_2019(facts, ctx),
            route_notes(facts, ctx, ctx.integer("tj_chuying.recent_years")),
        ),
    ]
    return finish("2019", DOC_2019, conds, ctx, facts)


# --- 2021 -----------------------------------------------------------------

A21 = _c(
    DOC_2021,
    "2021.1",
    "在津注册的独立法人，注册8年以内",
    "雏鹰企业第一项条件",
    "在津注册、具有独立法人资格，注册时间8年以内（计至上年12月31日），当年注册的不参评",
    "tj_chuying.2021.age_max_years",
)
B21 = _c(
    DOC_2021,
    "2021.2",
    "科研诚信与信用记录",
    "雏鹰企业第二项条件",
    "申报当年及上一年度无科研严重失信行为，未列入经营异常名录和严重违法失信企业名单",
    "tj_chuying.2021.credit_kinds",
)
C21 = _c(
    DOC_2021,
    "2021.3",
    "上一年度营业收入不低于10万元",
    "雏鹰企业第三项条件",
    "上一年度营业收入不低于10万元",
    "tj_chuying.2021.revenue_min",
)
E21 = _c(
    DOC_2021,
    "2021.any",
    "择一条件",
    "雏鹰企业择一条件",
    "知识产权、软件双证、大赛获奖、高企资格、科技奖励、研发机构、参与标准、创业投资、科技计划项目之一",
    "tj_chuying.2021.class_ii_min",
    "tj_chuying.2021.venture_min",
)
CONDITIONS_2021 = (A21, B21, C21, E21)


def age_2021(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, str]:
    """Within 8 years at 31 December of the previous year; not founded this year."""
    if facts.founded_on is None:
        return Tri.UNKNOWN, "成立日期未知"
    dec31 = date(ctx.as_of.year - 1, 12, 31)
    limit = ctx.threshold("tj_chuying.2021.age_max_years")
    inside = common.years_before(dec31, int(limit.value)) <= facts.founded_on <= dec31
    return tri(inside), f"{facts.founded_on}成立（计至{dec31}）"


def venture(facts: EnterpriseFacts, ctx: Ctx) -> Tri:
    """A single venture investment at or above the threshold."""
    limit = ctx.threshold("tj_chuying.2021.venture_min")
    found = [
        tri(None if q.amount_wan is None else limit.test(q.amount_wan))
        for q in common.quals(facts, ["创业投资"])
        if q.granted_on is None or q.granted_on <= ctx.as_of
    ]
    return any_of(found)


def options_2021(facts: EnterpriseFacts, ctx: Ctx) -> list[tuple[str, Tri]]:
    """The nine alternatives of the 2021 rules."""
    counts = common.ip_counts(facts, ctx)
    many = ctx.threshold("tj_chuying.2021.class_ii_min").test(counts.class_ii_all)
    cert_years = ctx.integer("high_tech.certificate_years")
    won = contest(facts, ctx, None, 4, 3)

    def check(kinds: list[str], levels: tuple[str, ...] | None) -> Tri:
        return common.granted_within(facts, kinds, ctx.as_of, None, levels)

    return [
        ("Ⅰ类或足量Ⅱ类知识产权", tri(counts.class_i_all >= 1 or many)),
        ("软件企业证书和软件产品证书", software(facts, ctx)),
        ("大赛获奖且有知识产权", all_of([won, tri(counts.any_valid >= 1)])),
        (
            "有效高企资格",
            common.held_any(facts, ["高新技术企业"], ctx.as_of, None, cert_years),
        ),
        ("国家级或省部级科技奖励", check(["科技奖励"], PROVINCIAL_UP)),
        (
            "国家级或省部级研发机构",
            common.held_any(
                facts, ctx.texts("rd_institution.kinds"), ctx.as_of, PROVINCIAL_UP
            ),
        ),
        ("参与制定标准", check(["主导制定标准", "参与制定标准"], None)),
        ("单笔创业投资", venture(facts, ctx)),
        ("国家或省部级科技计划项目", check(["科技计划项目"], PROVINCIAL_UP)),
    ]


def evaluate_2021(facts: EnterpriseFacts, ctx: Ctx) -> ProgrammeResult:
    """津科规〔2021〕3号."""
    age, age_text = age_2021(facts, ctx)
    conds = [
        basic_identity(facts, A21, age, age_text),
        credit(facts, ctx, B21, "tj_chuying.2021.credit_kinds"),
        revenue(facts, ctx, C21, "tj_chuying.2021.revenue_min"),
        any_route(E21, options_2021(facts, ctx), route_notes(facts, ctx, None)),
    ]
    return finish("2021", DOC_2021, conds, ctx, facts)


PROGRAMME = Programme(
    key=KEY,
    name=NAME,
    versions=(
        ProgrammeVersion(
            "2019",
            DOC_2019,
            "天津市雏鹰和瞪羚企业评价办法（试行）",
            date(2019, 6, 4),
            CONDITIONS_2019,
            evaluate_2019,
            "生效日期未核实，取2019-06-04；全部数值为单一来源",
        ),
        ProgrammeVersion(
            "2021",
            DOC_2021,
            "天津市雏鹰企业、瞪羚企业、科技领军企业和科技领军培育企业评价与支持办法",
            date(2021, 7, 9),
            CONDITIONS_2021,
            evaluate_2021,
            "全部数值为单一来源",
        ),
    ),
)
