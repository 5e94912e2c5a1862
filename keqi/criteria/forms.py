"""Input shapes of the rules pages: a parameter edit, and the composer's rows.

The composer is a plain HTML table (no script): one row per condition, each row
a building block (a figure's threshold, a ratio, an IP count, a qualification
held).  Rows left blank are dropped and the rest renumbered, so "条件2" in an
error message is the second row on the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms

from keqi.core.forms import SafeForm
from keqi.core.query import whole_number
from keqi.criteria.models import ParamStatus
from keqi.registry.models import QualificationKind
from keqi.rules.facts import FIELD_LABELS
from keqi.rules.programmes.composed import FIGURES, LEVELS


class ParamEditForm(SafeForm):
    """A new value of one parameter from a date, with its status and reason."""

    value = forms.CharField(label="取值", widget=forms.Textarea(attrs={"rows": 4}))
    effective_from = forms.DateField(
        label="生效日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label="来源状态", choices=ParamStatus.choices)
    reason = forms.CharField(
        label="修改理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class WithdrawForm(SafeForm):
    """Why an edit or a version is taken back out."""

    reason = forms.CharField(label="撤销理由", max_length=500)


BLOCKS = (
    ("figure", "数值达到阈值"),
    ("ratio", "比例达到阈值"),
    ("ip_count", "知识产权项数"),
    ("qualification", "持有资质"),
    ("growth", "增长率（较前一年度）"),
    ("cagr", "复合增长率（N年）"),
    ("average", "近N年平均值"),
    ("age", "企业年龄（周年）"),
    ("compare", "跨年比较（较前一年度的倍数）"),
    ("credit", "无不良信用记录"),
)
AGE_AT = (
    ("as_of", "评价基准日"),
    ("year_start", "申报当年1月1日"),
    ("prev_year_end", "上年12月31日"),
)
#: Blocks that read one figure (the 指标 column) of a year.
FIELD_BLOCKS = ("figure", "growth", "cagr", "average", "compare")
OPS = ((">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<"))
YEARS = (("-1", "上一年度"), ("0", "当年度"), ("-2", "前两年度"))
IP_CLASSES = (("I", "Ⅰ类"), ("II", "Ⅱ类"), ("any", "不限类别"))
FIGURE_CHOICES = tuple((f, FIELD_LABELS[f]) for f in FIGURES)
STATUSES = (
    ("confirmed", "正式（结论不加标记）"),
    ("unconfirmed", "试行/未经确认（结论标记“未经确认”）"),
)
ROW_FIELDS = (
    "type",
    "title",
    "article",
    "text",
    "field",
    "denominator",
    "year_offset",
    "ip_class",
    "related_only",
    "kinds",
    "op",
    "value",
    "years",
    "at",
)
HEAD_FIELDS = ("version", "title", "document", "effective_from", "status", "require")


@dataclass
class ConditionRow:
    """One row of the composer as typed (strings), with its chosen levels."""

    values: dict[str, str] = field(default_factory=dict)
    levels: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        """A field's text ("" when absent)."""
        return self.values.get(name, "")

    @property
    def blank(self) -> bool:
        """Nothing chosen or typed but defaults."""
        return not (self.get("type") or self.get("title").strip())


@dataclass
class ComposerInput:
    """The composer as posted: header fields, rows, and the definition built."""

    head: dict[str, str]
    rows: list[ConditionRow]
    reason: str = ""
    errors: list[str] = field(default_factory=list)

    def definition(self) -> dict[str, Any]:
        """The mapping ``compose_programmes`` reads (without key and name)."""
        head = {k: v.strip() for k, v in self.head.items()}
        data: dict[str, Any] = {k: head.get(k, "") for k in HEAD_FIELDS}
        if not data["title"]:
            del data["title"]
        data["conditions"] = [
            condition_of(row, i) for i, row in enumerate(self.rows, 1)
        ]
        return data


def composer_from_post(post: Any, extra_rows: int = 0) -> ComposerInput:
    """Read the composer form; blank rows dropped, ``extra_rows`` blank ones added."""
    head = {name: str(post.get(name, "")) for name in HEAD_FIELDS}
    count = whole_number(post.get("rows", ""), digits=3) or 0
    rows = []
    for i in range(min(count, 50)):
        row = ConditionRow(
            {name: str(post.get(f"c{i}-{name}", "")) for name in ROW_FIELDS},
            [v for v in post.getlist(f"c{i}-levels") if v in LEVELS],
        )
        if not row.blank:
            rows.append(row)
    rows += [ConditionRow() for _ in range(extra_rows)]
    return ComposerInput(head, rows, str(post.get("reason", "")))


def condition_of(row: ConditionRow, index: int) -> dict[str, Any]:
    """One row as a condition mapping, keeping only the block's own fields."""
    kind = row.get("type")
    out: dict[str, Any] = {"id": str(index), "type": kind}
    for name in ("title", "article", "text"):
        if row.get(name).strip():
            out[name] = row.get(name).strip()
    if kind in ("ratio", *FIELD_BLOCKS):
        offset = row.get("year_offset")
        out["year_offset"] = int(offset) if offset in dict(YEARS) else -1
    if kind in ("cagr", "average", "credit"):
        years = row.get("years").strip()
        out["years"] = int(years) if years.isdigit() else years or None
    if kind == "age":
        out["at"] = row.get("at") or "as_of"
    if kind in FIELD_BLOCKS:
        out["field"] = row.get("field")
    elif kind == "ratio":  # the one 指标 column is the numerator of a ratio
        out["numerator"] = row.get("field")
        out["denominator"] = row.get("denominator")
    elif kind == "ip_count":
        out["class"] = row.get("ip_class") or "any"
        out["related_only"] = row.get("related_only") == "1"
    if kind in ("qualification", "credit"):
        out["kinds"] = [k for k in _split(row.get("kinds"))]
        if row.levels and kind == "qualification":
            out["levels"] = list(row.levels)
    else:
        out["op"] = row.get("op")
        out["value"] = row.get("value").strip()
    return out


def _split(text: str) -> list[str]:
    parts = text.replace("，", "、").replace(",", "、").replace("\n", "、").split("、")
    return [p.strip() for p in parts if p.strip()]


def row_problems(rows: list[ConditionRow]) -> list[str]:
    """What the form can tell before the engine: a figure not chosen, a
    qualification kind the registry does not know (by row, in Chinese)."""
    known = set(QualificationKind.values)
    problems = []
    for i, row in enumerate(rows, 1):
        kind = row.get("type")
        if kind in ("ratio", *FIELD_BLOCKS) and not row.get("field"):
            problems.append(f"条件{i}：请选择指标")
        if kind == "ratio" and not row.get("denominator"):
            problems.append(f"条件{i}：请选择分母")
        bad = [k for k in _split(row.get("kinds")) if k not in known]
        if kind == "qualification" and bad:
            problems.append(f"条件{i}：资质类型“{'、'.join(bad)}”不在资质荣誉类型之中")
    return problems


def composer_from_definition(data: Mapping[str, Any] | None) -> ComposerInput:
    """The composer prefilled from a stored definition (or empty)."""
    if not data:
        head = {"status": "confirmed", "require": "all"}
        return ComposerInput(head, [ConditionRow() for _ in range(3)])
    head = {name: str(data.get(name, "")) for name in HEAD_FIELDS}
    rows = [_row_of(c) for c in data.get("conditions", ())]
    return ComposerInput(head, [*rows, ConditionRow()])


def _row_of(cond: Mapping[str, Any]) -> ConditionRow:
    values = {
        name: str(cond.get(name, ""))
        for name in ROW_FIELDS
        if cond.get(name) is not None
    }
    values["field"] = str(cond.get("field") or cond.get("numerator") or "")
    values["ip_class"] = str(cond.get("class", ""))
    values["related_only"] = "1" if cond.get("related_only") else ""
    values["kinds"] = "、".join(str(k) for k in cond.get("kinds", ()))
    values["year_offset"] = str(cond.get("year_offset", -1))
    values["years"] = str(cond.get("years") or "")
    values["at"] = str(cond.get("at") or "")
    return ConditionRow(values, [str(v) for v in cond.get("levels", ())])


DEFINITION_TEXT_LIMIT = 64 * 1024


class DefinitionTextForm(SafeForm):
    """A whole definition as text (YAML, as in docs/adding-a-programme.md): the way
    to save what the row table cannot hold, such as an "any k of these" group."""

    definition = forms.CharField(
        label="定义文本",
        max_length=DEFINITION_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
    reason = forms.CharField(label="修改理由", max_length=500)

    def clean_definition(self) -> dict[str, Any]:
        import yaml

        text = self.cleaned_data["definition"]
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = (
                f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "文本中"
            )
            raise forms.ValidationError(
                f"定义文本{where}的格式有误，请核对缩进和冒号"
            ) from None
        if not isinstance(data, Mapping) or not isinstance(
            data.get("conditions"), list
        ):
            raise forms.ValidationError(
                "定义文本应含有 version、effective_from 和 conditions（条件列表）"
            )
        return {str(k): _plain(v) for k, v in data.items()}


def _plain(value: Any) -> Any:
    """YAML's dates as ISO text, as the composer's rows store them."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
