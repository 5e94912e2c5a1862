"""Demo data for `keqi demo`: the 2019 products and transformations (区工信局).

Written through the services as the system, after the enterprises are loaded and
before the campaign's demo (so its monthly reports pre-fill the live counts).
Enterprises are picked by code, so every run picks the same ones and a second run
changes nothing. By the demo's 30 September: 6 enterprises hold a “专精特新”
product recognised in 2019 (target 10), 28 enterprises have completed a
transformation (target 100), plus a few 重点新产品、“杀手锏”产品 and brands.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from keqi.products.models import Product, ProductKind, Transformation
from keqi.products.models import TransformationKind as T
from keqi.products.services import product_save, transformation_save
from keqi.registry.models import Enterprise, QualificationLevel

D = dt.date
CITY = QualificationLevel.PROVINCIAL
GXJ = "天津市工业和信息化局"
# (kind, product name, recognised on, level, by, evidence) — one per enterprise.
PRODUCTS: tuple[tuple[str, str, dt.date, str, str, str], ...] = (
    (ProductKind.ZJTX, "高精度伺服控制器", D(2019, 5, 28), CITY, GXJ, "津工信中小〔2019〕12号"),
    (ProductKind.ZJTX, "石墨烯导热膜", D(2019, 6, 20), CITY, GXJ, "津工信中小〔2019〕15号"),
    (ProductKind.ZJTX, "植保无人机飞控系统", D(2019, 7, 18), CITY, GXJ, "津工信中小〔2019〕19号"),
    (ProductKind.ZJTX, "新能源汽车线束总成", D(2019, 7, 18), CITY, GXJ, "津工信中小〔2019〕19号"),
    (ProductKind.ZJTX, "医用敷料", D(2019, 8, 22), CITY, GXJ, "津工信中小〔2019〕23号"),
    (ProductKind.ZJTX, "智能仓储分拣线", D(2019, 9, 26), CITY, GXJ, "津工信中小〔2019〕27号"),
    (ProductKind.KEY_NEW, "轻量化铝合金轮毂", D(2019, 6, 28), CITY, "天津市科学技术局", "津科高〔2019〕88号"),
    (ProductKind.KEY_NEW, "节能型变频空压机", D(2019, 8, 30), CITY, "天津市科学技术局", "津科高〔2019〕120号"),
    (ProductKind.KILLER, "特高压绝缘子", D(2019, 9, 12), CITY, GXJ, "天津市“杀手锏”产品名单（2019年第一批）"),
    (ProductKind.BRAND, "宝坻名品·潮白河", D(2019, 7, 2), "区级", "宝坻区市场监管局", "宝坻区知名品牌公示名单（2019年）"),
)  # fmt: skip
# Transformations completed each month of 2019 (May–September): 28 enterprises.
MONTHLY = {5: 5, 6: 7, 7: 8, 8: 8}
TRANSFORMATION_KINDS = (
    T.CLOUD,
    T.INTERNET_PLUS,
    T.AI_PLUS,
    T.MFG_SERVICE,
    T.TECH_UPGRADE,
)
WORDS = {
    T.CLOUD: "生产设备和经营管理系统迁移至工业云平台",
    T.INTERNET_PLUS: "上线网上订货与售后服务平台",
    T.AI_PLUS: "质检工序引入机器视觉缺陷识别",
    T.MFG_SERVICE: "由单一设备销售转向“设备+运维服务”",
    T.TECH_UPGRADE: "生产线自动化技术改造",
}


def _enterprises(count: int, skip: int = 0) -> list[Enterprise]:
    rows = Enterprise.objects.order_by("uscc", "id")
    return list(rows[skip : skip + count])


def _products(picked: list[Enterprise]) -> int:
    made = 0
    for enterprise, (kind, name, day, level, by, evidence) in zip(
        picked, PRODUCTS, strict=False
    ):
        values: dict[str, Any] = {
            "enterprise": enterprise,
            "kind": kind,
            "name": name,
            "recognised_by": by,
            "level": level,
            "recognised_on": day,
            "evidence": evidence,
        }
        row = Product.objects.filter(
            enterprise=enterprise, kind=kind, name=name
        ).first()
        if product_save(values=values, actor=None, row=row).outcome == "created":
            made += 1
    return made


def _transformations(picked: list[Enterprise]) -> int:
    days = [
        D(2019, month, 10 + n % 15)
        for month, count in MONTHLY.items()
        for n in range(count)
    ]
    made = 0
    for n, (enterprise, day) in enumerate(zip(picked, days, strict=False)):
        kind = TRANSFORMATION_KINDS[n % len(TRANSFORMATION_KINDS)]
        values: dict[str, Any] = {
            "enterprise": enterprise,
            "kind": kind,
            "year": 2019,
            "completed_on": day,
            "amount": Decimal(120 + 35 * n) if kind == T.TECH_UPGRADE else None,
            "description": WORDS[kind],
        }
        row = Transformation.objects.filter(
            enterprise=enterprise, kind=kind, year=2019
        ).first()
        if transformation_save(values=values, actor=None, row=row).outcome == "created":
            made += 1
    return made


def demo_load(as_of: Any) -> list[str]:
    """Write the demo products and transformations; say what was done."""
    picked = _enterprises(len(PRODUCTS))
    if not picked:
        return ["产品与转型：企业库为空，未生成演示记录"]
    products = _products(picked)
    transformations = _transformations(_enterprises(sum(MONTHLY.values()), skip=3))
    return [
        f"产品与转型：新建产品与品牌 {products} 条、创新转型 {transformations} 条"
        f"（共 {Product.objects.count()} 条、{Transformation.objects.count()} 条）"
    ]


# 示范区（虚构）: a few rows so its district's pages are not empty.
SHIFAN_PRODUCTS = (
    (ProductKind.ZJTX, "示范牌精密减速器", D(2019, 7, 18), CITY, GXJ, "演示数据（虚构文号）"),
    (ProductKind.BRAND, "示范高新·智造", D(2019, 8, 8), "区级", "示范区市场监管局", "演示数据"),
)  # fmt: skip


def shifan_demo_load() -> None:
    """示范区's products and transformations (the second district's demo)."""
    firms = list(
        Enterprise.objects.filter(area__district__code="shifan").order_by("uscc")[:6]
    )
    if len(firms) < 6:
        return
    for enterprise, (kind, name, day, level, by, evidence) in zip(
        firms, SHIFAN_PRODUCTS, strict=False
    ):
        values: dict[str, Any] = {
            "enterprise": enterprise, "kind": kind, "name": name,
            "recognised_by": by, "level": level, "recognised_on": day,
            "evidence": evidence,
        }  # fmt: skip
        row = Product.objects.filter(
            enterprise=enterprise, kind=kind, name=name
        ).first()
        product_save(values=values, actor=None, row=row)
    for n, firm in enumerate(firms[2:]):
        change = TRANSFORMATION_KINDS[n % len(TRANSFORMATION_KINDS)]
        done: dict[str, Any] = {
            "enterprise": firm, "kind": change, "year": 2019,
            "completed_on": D(2019, 6 + n, 15),
            "amount": Decimal(200) if change == T.TECH_UPGRADE else None,
            "description": WORDS[change],
        }  # fmt: skip
        found = Transformation.objects.filter(
            enterprise=firm, kind=change, year=2019
        ).first()
        transformation_save(values=done, actor=None, row=found)
