"""Generate docs/rules.md from the code and the shipped parameters.

``python -m keqi.rules > docs/rules.md``; a test checks the committed file
equals :func:`render_rules_markdown` so the page cannot drift from the rules.
"""

from __future__ import annotations

from keqi.rules.model import Programme, ProgrammeVersion
from keqi.rules.numbers import BandTable, Threshold, fmt_number
from keqi.rules.params import STATUS_LABELS, Parameter, ParamSet, default_params

HEADER = """# 评价引擎规则（keqi.rules）

> 本页由 `python -m keqi.rules > docs/rules.md` 从代码与参数文件生成，请勿手工修改；
> 测试会核对本页与代码一致。

## 约定

- **精确**：金额为 Decimal（万元）或整数，比例以交叉相乘比较（a/b ≥ p/q 即 a·q ≥ p·b），
  不使用浮点；每个阈值写明 ≥ 或 ＞，与原文一致。
- **三值**：条件状态为 满足 / 不满足 / 待定；缺失数据（空白）为待定，从不当作 0。
  结论为 符合 / 不符合 / 尚不能确定，后者列出缺少的数据或待专家判断的事项。
- **分母为 0**：比例无法计算时该项按 0 分计（或条件不满足），因为数据是已知的。
- **信用记录**：信用记录表只登记负面记录；没有记录即视为没有。
- **按日期**：规则版本与参数都有生效日期，由 `as_of` 选取，从不隐含“今天”。
- **出处**：每个条件带文号、条款与一句说明；单一来源或未核实的参数在每个用到它的结论上标记，
  总部可在界面中改写参数（`ParamSet.with_overrides`），改写同样经过加载检查；一个参数可有
  多次按日期的改写，每次自带来源状态（自某日起核实的取值不影响此前结论的标记）。
- **得分区间**：数据无法确定、须专家打分的项目以区间表示；只有最低分也达标才“符合”。
- **批量**：`keqi.rules.evaluate_batch` 以列（numpy int64，金额单位 0.0001 万元）计算，
  与逐户计算的结论、得分和每个条件状态完全一致（hypothesis 性质测试）。
"""

COMPOSED = """## 组合项目（总部定义）

技术领先型企业，以及条件未核实的 `tj_dengling`（瞪羚）、`tj_lingjun`（科技领军）、
`tj_lingjun_peiyu`（科技领军培育）由总部以数据定义（`compose_programmes`），在系统的
“评价规则”页面组合、保存为带生效日期的版本，未定义前不出现在结果中。构件：

| type | 含义 | 字段 |
|---|---|---|
| figure | 某年度数值与阈值比较 | field, year_offset（默认 -1）, op, value |
| ratio | 同年度两个数值之比 | numerator, denominator, year_offset, op, value（可写 3%） |
| ip_count | 有效知识产权项数 | class（I / II / any）, related_only, op, value |
| qualification | 于评价日持有某资质 | kinds, levels（可选） |

项目还须有 key、name、version、effective_from、document，可选 require（all / any）与
status（confirmed 以外的定义会在结论上标记）。
"""


def render_value(param: Parameter, value: object, raw: object) -> str:
    """One parameter value as short text."""
    if isinstance(value, BandTable):
        return "；".join(
            f"{b.label} {b.text(value.percent)} → {_points(b.value)}"
            for b in reversed(value.bands)
        )
    if isinstance(value, Threshold) and isinstance(raw, dict):
        return f"{raw['op']} {raw['value']}"
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value)
    if isinstance(raw, dict) and "ref" in raw:
        return f"同参数 {raw['ref']}"
    return str(raw)


def _points(value: object) -> str:
    if isinstance(value, tuple):
        return f"{value[0]}–{value[1]}"
    if isinstance(value, int):
        return str(value)
    return fmt_number(value) if hasattr(value, "denominator") else str(value)  # type: ignore[arg-type]


def render_version(programme: Programme, version: ProgrammeVersion) -> list[str]:
    """Section for one programme version."""
    lines = [
        f"### {programme.name}（`{programme.key}`）— {version.version} 版",
        "",
        f"《{version.title}》{version.document}，自 {version.effective_from} 起适用。",
    ]
    if version.note:
        lines.append(f"说明：{version.note}。")
    lines += ["", "| 条件 | 名称 | 出处 | 原文要点 | 参数 |", "|---|---|---|---|---|"]
    for cond in version.conditions:
        params = "、".join(f"`{p}`" for p in cond.params) or "—"
        lines.append(
            f"| {cond.id} | {cond.title} | {cond.citation.short()} | "
            f"{cond.citation.text} | {params} |"
        )
    return [*lines, ""]


def render_params(params: ParamSet) -> list[str]:
    """The parameter table."""
    lines = [
        "## 参数",
        "",
        "| 参数 | 名称 | 状态 | 出处 | 取值（自生效日起） |",
        "|---|---|---|---|---|",
    ]
    for param in params:
        values = "<br>".join(
            f"{v.effective_from}起：{render_value(param, v.value, v.raw)}"
            for v in param.versions
        )
        lines.append(
            f"| `{param.id}` | {param.title} | {STATUS_LABELS[param.status]} | "
            f"{param.citation.short()} | {values} |"
        )
    return [*lines, ""]


API_NAMES = (
    "evaluate",
    "evaluate_programme",
    "evaluate_many",
    "evaluate_batch",
    "evaluate_what_if",
    "apply_changes",
    "tier_of",
    "compose_programmes",
    "default_params",
    "report_to_dict",
    "report_to_json",
    "report_rows",
    "render_rules_markdown",
)


def render_api() -> list[str]:
    """Signatures and first docstring lines of the public functions."""
    import inspect

    import keqi.rules as api

    lines = ["## 公共接口（`keqi.rules`）", ""]
    for name in API_NAMES:
        func = getattr(api, name)
        doc = (inspect.getdoc(func) or "").splitlines()[0]
        shown = str(inspect.signature(func)).replace("'", "")
        lines += [f"- `{name}{shown}`", f"  — {doc}"]
    lines += [
        "- `ParamSet.with_overrides(overrides)` — "
        + (inspect.getdoc(ParamSet.with_overrides) or "").splitlines()[0],
        "",
    ]
    return lines


def render_rules_markdown(params: ParamSet | None = None) -> str:
    """The whole docs/rules.md text."""
    from keqi.rules.evaluate import programme_table

    lines = [HEADER, *render_api(), "## 项目与条件", ""]
    for programme in programme_table().values():
        for version in programme.versions:
            lines += render_version(programme, version)
    lines += [COMPOSED]
    lines += render_params(params or default_params())
    return "\n".join(lines).rstrip() + "\n"
