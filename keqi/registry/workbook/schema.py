"""The enterprise workbook's sheets and columns (exchange format v1).

One table says, for every sheet, which headers it has, which model field each
header fills, how its cells are cleaned and which columns must be present. The
reader, the validator, the writer and the template all work from this table, so
the format is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from keqi.registry.models import (
    AnnualFigures,
    CreditKind,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    IPAcquisition,
    IPCategory,
    IPStatus,
    Qualification,
    QualificationKind,
    QualificationLevel,
    TaxMethod,
    TechField,
)

# The USCC of the template's example rows; importing it is refused, so a template
# filled in below its example row does not create a fictitious enterprise.
EXAMPLE_USCC = "91120224MA05EXAMP9"

# How many 万元 one unit of each accepted money unit is worth.
MONEY_UNITS = {"万元": 1, "千元": 10, "元": 10000}
DEFAULT_MONEY_UNIT = "万元"


@dataclass(frozen=True)
class Column:
    """One header of a sheet and how its cells become a model value.

    kind is one of: uscc, text, date, year, int, money, bool, choice, area,
    key_industry (checked against the districts of the importer's areas).
    required: the column must be present; needs_value: its cells may not be blank.
    """

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    needs_value: bool = False
    choices: type[models.TextChoices] | None = None
    blank_value: str | None = None
    note: str = ""

    @property
    def base(self) -> str:
        """The header without its unit in brackets: 销售收入（万元） → 销售收入."""
        if not self.header.endswith("）") or "（" not in self.header:
            return self.header
        return self.header.rsplit("（", 1)[0]

    @property
    def unit(self) -> str:
        """The unit in the header's trailing brackets, or ""."""
        if not self.header.endswith("）") or "（" not in self.header:
            return ""
        return self.header.rsplit("（", 1)[1][:-1]


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its name, model, the columns that identify a row, and all columns."""

    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    keeps_extra: bool = True

    def column(self, field_name: str) -> Column:
        """The column that fills a model field."""
        return next(c for c in self.columns if c.field == field_name)


USCC = Column("统一社会信用代码", "uscc", "uscc", required=True, needs_value=True)
YES_NO = "是/否、Y/N、1/0、TRUE/FALSE"

ENTERPRISE = SheetSpec(
    "企业基本信息",
    Enterprise,
    ("uscc",),
    (
        USCC,
        Column("企业名称", "name", required=True, needs_value=True),
        Column("成立日期", "founded_on", "date", required=True, needs_value=True),
        Column("所属街镇/园区", "area", "area", required=True, needs_value=True),
        Column("注册地区", "registered_region"),
        Column("所属行业", "industry"),
        Column("技术领域", "tech_field", "choice", choices=TechField),
        Column(
            "重点产业",
            "key_industry",
            "key_industry",
            note="本区重点产业之一（由区配置文件规定）",
        ),
        Column("征收方式", "tax_method", "choice", choices=TaxMethod),
        Column("是否规上企业", "above_scale", "bool"),
        Column("是否上市", "listed", "bool", note="上市板块、上市日期可作为附加列"),
        Column("股份制改造完成日期", "joint_stock_on", "date"),
        Column("产品属于限制或淘汰类", "restricted_products", "bool"),
        Column(
            "从事细分市场年限（年）",
            "niche_years",
            "int",
            note="专精特新：截至上年末从事特定细分市场的整年数",
        ),
        Column(
            "主导产品属于战略性新兴产业",
            "strategic_emerging",
            "bool",
            note="按《战略性新兴产业分类》",
        ),
    ),
)

_FIGURE_COLUMNS = (
    USCC,
    Column("年度", "year", "year", required=True, needs_value=True),
    Column("职工总数（人）", "staff_total", "int", note="全年季度平均人数"),
    Column("科技人员数（人）", "tech_staff", "int"),
    Column("研发人员数（人）", "rd_staff", "int"),
    Column("销售收入（万元）", "sales_revenue", "money"),
    Column("营业收入（万元）", "operating_revenue", "money"),
    Column("主营业务收入（万元）", "main_revenue", "money"),
    Column("总收入（万元）", "total_revenue", "money"),
    Column("高新技术产品（服务）收入（万元）", "high_tech_revenue", "money"),
    Column("研发费用总额（万元）", "rd_expense", "money"),
    Column("其中：境内研发费用（万元）", "rd_domestic", "money"),
    Column("成本费用支出总额（万元）", "total_cost", "money"),
    Column("资产总额（万元）", "total_assets", "money", note="年末数"),
    Column("净资产（万元）", "net_assets", "money", note="年末数"),
    Column("利润总额（万元）", "profit_total", "money"),
    Column("纳税总额（万元）", "tax_total", "money"),
    Column("科技成果转化数（项）", "conversions", "int"),
    Column("股权融资额（万元）", "equity_financing", "money"),
)
FIGURES = SheetSpec("年度数据", AnnualFigures, ("uscc", "year"), _FIGURE_COLUMNS)

IP = SheetSpec(
    "知识产权",
    IntellectualProperty,
    ("uscc", "number"),
    (
        USCC,
        Column("知识产权编号", "number", required=True, needs_value=True),
        Column("知识产权名称", "name"),
        Column("类别", "category", "choice", needs_value=True, choices=IPCategory),
        Column("授权日期", "granted_on", "date"),
        Column("获得方式", "acquisition", "choice", choices=IPAcquisition),
        Column("状态", "status", "choice", choices=IPStatus, blank_value="有效"),
        Column("与主要产品相关", "related_to_main", "bool"),
        Column("高价值专利", "high_value", "bool", note="仅Ⅰ类知识产权适用"),
    ),
)

QUALIFICATIONS = SheetSpec(
    "资质荣誉",
    Qualification,
    ("uscc", "kind", "number", "granted_on"),
    (
        USCC,
        Column(
            "类型",
            "kind",
            "choice",
            required=True,
            needs_value=True,
            choices=QualificationKind,
        ),
        Column("级别", "level", "choice", choices=QualificationLevel),
        Column("编号", "number", note="证书编号或登记编号"),
        Column("取得日期", "granted_on", "date"),
        Column(
            "有效期至",
            "valid_until_entered",
            "date",
            note="留空则按该类资质的有效期规则推算",
        ),
        Column("名次", "rank", note="如一等奖、主导/参与"),
        Column("金额（万元）", "amount", "money"),
        Column("说明", "note"),
    ),
)

CREDIT = SheetSpec(
    "信用记录",
    CreditRecord,
    ("uscc", "kind", "occurred_on"),
    (
        USCC,
        Column(
            "类型",
            "kind",
            "choice",
            required=True,
            needs_value=True,
            choices=CreditKind,
        ),
        Column("发生日期", "occurred_on", "date", required=True, needs_value=True),
        Column("说明", "note"),
    ),
    keeps_extra=False,
)

SHEETS: tuple[SheetSpec, ...] = (ENTERPRISE, FIGURES, IP, QUALIFICATIONS, CREDIT)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}


def max_length(spec: SheetSpec, column: Column) -> int | None:
    """The model's length limit for a text column, if any."""
    if column.field in {"uscc"}:
        return None
    found = spec.model._meta.get_field(column.field)
    return getattr(found, "max_length", None)
