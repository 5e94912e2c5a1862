"""Records for the products tests, made through the services as the system."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from keqi.products.models import Product, ProductKind, Transformation
from keqi.products.models import TransformationKind as T
from keqi.products.services import product_save, transformation_save
from keqi.registry.models import Enterprise


def add_product(
    enterprise: Enterprise,
    day: dt.date = dt.date(2019, 6, 1),
    kind: str = ProductKind.ZJTX,
    name: str = "高精度伺服控制器",
    actor: Any = None,
) -> Product:
    values = {
        "enterprise": enterprise,
        "kind": kind,
        "name": name,
        "recognised_by": "天津市工业和信息化局",
        "level": "省级（市级）",
        "recognised_on": day,
        "evidence": "津工信中小〔2019〕12号",
    }
    return product_save(values=values, actor=actor).row


def add_transformation(
    enterprise: Enterprise,
    day: dt.date = dt.date(2019, 6, 1),
    kind: str = T.CLOUD,
    amount: Decimal | None = None,
    actor: Any = None,
) -> Transformation:
    values = {
        "enterprise": enterprise,
        "kind": kind,
        "year": day.year,
        "completed_on": day,
        "amount": amount,
        "description": "生产设备迁移至工业云平台",
    }
    return transformation_save(values=values, actor=actor).row
