"""Campaign targets counted from product and transformation records.

Registered in ProductsConfig.ready:
- `zjtx_products_in_year` (申报“专精特新产品”10家): enterprises with a “专精特新”
  product recognised (认定日期) from 1 January of the plan year up to the day asked
  about; the plan says 力争申报, the system counts what was recognised, as it does
  for 市级企业技术中心;
- `transformed_in_year` (完成创新转型企业100家): enterprises with at least one
  transformation record of the plan year completed (完成日期) by that day;
- `key_new_products_in_year`, `killer_products_in_year`, `brands_in_year`: records
  of those kinds recognised in the year, for plans that set a number for them.

Each lists its records (enterprise, kind, name, evidence, date) and names the
products page that shows them to the user, scoped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils.http import urlencode

from keqi.campaign.metrics import Evidence, Metric, in_district, metric_register
from keqi.products.models import Product, ProductKind, Transformation

ZJTX_METRIC = "zjtx_products_in_year"
TRANSFORMED_METRIC = "transformed_in_year"


def _end(year: int, as_of: dt.date) -> dt.date:
    return min(as_of, dt.date(year, 12, 31))


def recognised(kind: str) -> Callable[[int, dt.date], list[Evidence]]:
    """Products of `kind` recognised in the year up to `as_of`, oldest first."""

    def find(year: int, as_of: dt.date) -> list[Evidence]:
        rows = Product.objects.filter(
            in_district("enterprise__"),  # the plan's district (campaign.metrics)
            kind=kind,
            recognised_on__gte=dt.date(year, 1, 1),
            recognised_on__lte=_end(year, as_of),
        ).select_related("enterprise__area")
        return [
            Evidence(
                enterprise_id=p.enterprise_id,
                enterprise_name=p.enterprise.name,
                area_name=p.enterprise.area.name,
                what=f"{p.get_kind_display()}：{p.name}（{p.recognised_by}）",
                level=p.level,
                number=p.evidence,
                on=p.recognised_on,
            )
            for p in rows.order_by("recognised_on", "enterprise__name", "id")
        ]

    return find


def _recognised_tally(kind: str, per_enterprise: bool) -> Callable[[int, dt.date], int]:
    def tally(year: int, as_of: dt.date) -> int:
        rows = Product.objects.filter(
            in_district("enterprise__"),  # the plan's district (campaign.metrics)
            kind=kind,
            recognised_on__gte=dt.date(year, 1, 1),
            recognised_on__lte=_end(year, as_of),
        )
        if per_enterprise:
            return rows.values("enterprise_id").distinct().count()
        return rows.count()

    return tally


def _transformations(year: int, as_of: dt.date) -> list[Transformation]:
    rows = Transformation.objects.filter(
        in_district("enterprise__"), year=year, completed_on__lte=as_of
    )
    rows = rows.select_related("enterprise__area")
    return list(rows.order_by("completed_on", "enterprise__name", "id"))


def transformed(year: int, as_of: dt.date) -> list[Evidence]:
    """Transformation records of the plan year completed by `as_of`."""
    return [
        Evidence(
            enterprise_id=t.enterprise_id,
            enterprise_name=t.enterprise.name,
            area_name=t.enterprise.area.name,
            what=f"{t.get_kind_display()}：{t.description}"
            + (f"（{t.amount.normalize():f}万元）" if t.amount is not None else ""),
            level="",
            number="",
            on=t.completed_on,
        )
        for t in _transformations(year, as_of)
    ]


def transformed_tally(year: int, as_of: dt.date) -> int:
    """The same figure counted in the database (distinct enterprises)."""
    rows = Transformation.objects.filter(
        in_district("enterprise__"), year=year, completed_on__lte=as_of
    )
    return rows.values("enterprise_id").distinct().count()


def _list_url(name: str, kind: str = "") -> Callable[[int, dt.date], str]:
    def url(year: int, as_of: dt.date) -> str:
        query = {"year": str(year), "until": _end(year, as_of).isoformat()}
        if kind:
            query["kind"] = kind
        return f"{reverse(name)}?{urlencode(query)}"

    return url


def _products_metric(
    key: str, kind: str, label: str, unit_words: str, per_enterprise: bool
) -> Metric:
    return Metric(
        key,
        label,
        f"“产品与转型”中类型为“{kind}”、认定日期在本年度内（截至统计日）的{unit_words}",
        per_enterprise,
        recognised(kind),
        _recognised_tally(kind, per_enterprise),
        records_url=_list_url("products:product_list", kind),
        plan_words=(kind,) if per_enterprise else (),
    )


METRICS = (
    _products_metric(
        ZJTX_METRIC,
        ProductKind.ZJTX,
        "年内认定“专精特新产品”的企业",
        "企业数（同一企业多项产品只计一次）",
        True,
    ),
    _products_metric(
        "key_new_products_in_year",
        ProductKind.KEY_NEW,
        "年内认定的重点新产品",
        "产品项数",
        False,
    ),
    _products_metric(
        "killer_products_in_year",
        ProductKind.KILLER,
        "年内认定的“杀手锏”产品",
        "产品项数",
        False,
    ),
    _products_metric(
        "brands_in_year", ProductKind.BRAND, "年内认定的品牌", "品牌个数", False
    ),
    Metric(
        TRANSFORMED_METRIC,
        "年内完成创新转型的企业",
        "“产品与转型”中年度为本年度、完成日期截至统计日的创新转型记录（工业企业上云，"
        "“互联网+”“人工智能+”“制造+服务”模式创新，技改投入）所涉企业数"
        "（同一企业多项只计一次）",
        True,
        transformed,
        transformed_tally,
        records_url=_list_url("products:transformation_list"),
        plan_words=("创新转型企业",),
    ),
)


def metrics_register() -> None:
    """Add this app's metrics to the campaign's (called once from ready())."""
    for metric in METRICS:
        metric_register(metric)
