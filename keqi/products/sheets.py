"""The exchange format of the two lists (one sheet each) and how a row is applied.

| list | sheet | a row is matched by |
|---|---|---|
| 产品与品牌 | 产品与品牌 | 统一社会信用代码 + 类型 + 产品（品牌）名称 |
| 创新转型 | 创新转型 | 统一社会信用代码 + 类型 + 年度 |

Import is all or nothing (keqi.partners.excel): every problem is named by row and
column, and when there is one nothing is saved. The export of a list re-imports
unchanged. Enterprises must already be in the registry and within the importer's
scope.
"""

from __future__ import annotations

from typing import Any

from keqi.partners.excel import (
    Column,
    Sheet,
    choice,
    date,
    integer,
    lookup,
    money,
    text,
)
from keqi.partners.selectors import enterprise_resolve
from keqi.products import services
from keqi.products.models import (
    Product,
    ProductKind,
    Transformation,
    TransformationKind,
)
from keqi.products.selectors import product_list_for, transformation_list_for
from keqi.registry.models import Enterprise, QualificationLevel


def _enterprise(text_: str, user: Any) -> Enterprise:
    return enterprise_resolve(user, text_)


ENTERPRISE = Column(
    "统一社会信用代码",
    "enterprise",
    lookup(_enterprise),
    True,
    lambda row: row.enterprise.uscc,
)
ENTERPRISE_NAME = Column(
    "企业名称",
    "enterprise_name",
    text(200),
    export=lambda row: row.enterprise.name,
    imported=False,
)
AREA = Column(
    "所属街镇/园区",
    "area_name",
    text(80),
    export=lambda row: row.enterprise.area.name,
    imported=False,
)


def _outcome(saved: Any) -> str:
    return str(saved.outcome)


def _product_apply(values: dict[str, Any], user: Any) -> str:
    existing = Product.objects.filter(
        enterprise=values["enterprise"], kind=values["kind"], name=values["name"]
    ).first()
    return _outcome(services.product_save(values=values, actor=user, row=existing))


PRODUCTS = Sheet(
    "products",
    "产品与品牌",
    (
        ENTERPRISE,
        ENTERPRISE_NAME,
        AREA,
        Column("类型", "kind", choice(ProductKind), True),
        Column("产品（品牌）名称", "name", text(200), True),
        Column("认定部门", "recognised_by", text(100), True),
        Column("级别", "level", choice(QualificationLevel)),
        Column("认定日期", "recognised_on", date, True, kind="date"),
        Column("证明材料", "evidence", text(300), True),
        Column("说明", "note", text(500)),
    ),
    _product_apply,
    lambda user: product_list_for(user).order_by(
        "recognised_on", "enterprise__uscc", "id"
    ),
    notes=(
        "类型可填："
        + "、".join(ProductKind.values)
        + "；级别可填："
        + "、".join(QualificationLevel.values)
        + "，可空。",
        "“证明材料”写认定文件文号、证书编号或公示名单，统计明细据此追溯。",
    ),
)


def _transformation_apply(values: dict[str, Any], user: Any) -> str:
    existing = Transformation.objects.filter(
        enterprise=values["enterprise"], kind=values["kind"], year=values["year"]
    ).first()
    saved = services.transformation_save(values=values, actor=user, row=existing)
    return _outcome(saved)


TRANSFORMATIONS = Sheet(
    "transformations",
    "创新转型",
    (
        ENTERPRISE,
        ENTERPRISE_NAME,
        AREA,
        Column("类型", "kind", choice(TransformationKind), True),
        Column("年度", "year", integer, True),
        Column("完成日期", "completed_on", date, True, kind="date"),
        Column("技改投入（万元）", "amount", money),
        Column("内容", "description", text(500), True),
    ),
    _transformation_apply,
    lambda user: transformation_list_for(user).order_by(
        "year", "completed_on", "enterprise__uscc", "id"
    ),
    notes=(
        "类型可填：" + "、".join(TransformationKind.values) + "。",
        "“技改投入（万元）”只有类型为技改投入时填写，须大于0，按万元精确保存；其他类型留空。",
        "完成日期须在所填年度内；同一企业同一年度同一类型只登记一条。",
    ),
)

SHEETS = {sheet.slug: sheet for sheet in (PRODUCTS, TRANSFORMATIONS)}
