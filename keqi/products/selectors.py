"""Reads of product and transformation records, always scoped to the user.

A row is visible when its enterprise is (keqi.accounts.scopes.enterprise_q): a
town or park sees its own enterprises' rows, and asking for another's is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from keqi.accounts.scopes import enterprise_q
from keqi.products.models import Product, Transformation


@dataclass(frozen=True)
class RecordFilter:
    """What a list is narrowed to; blank fields do not filter."""

    kind: str = ""
    year: int | None = None
    until: dt.date | None = None
    area_id: int | None = None
    q: str = ""
    #: The city's pick of one district (``?district=``); None: all it may see.
    district_id: int | None = None


def _narrowed(rows: QuerySet[Any], flt: RecordFilter, day_field: str) -> QuerySet[Any]:
    if flt.kind:
        rows = rows.filter(kind=flt.kind)
    if flt.until is not None:
        rows = rows.filter(**{f"{day_field}__lte": flt.until})
    if flt.area_id is not None:
        rows = rows.filter(enterprise__area_id=flt.area_id)
    if flt.district_id is not None:
        rows = rows.filter(enterprise__area__district_id=flt.district_id)
    if flt.q:
        rows = rows.filter(
            Q(enterprise__name__icontains=flt.q)
            | Q(enterprise__uscc__icontains=flt.q)
            | Q(description__icontains=flt.q)
            if rows.model is Transformation
            else Q(enterprise__name__icontains=flt.q)
            | Q(enterprise__uscc__icontains=flt.q)
            | Q(name__icontains=flt.q)
            | Q(evidence__icontains=flt.q)
        )
    return rows


def product_list_for(user: Any, flt: RecordFilter | None = None) -> QuerySet[Product]:
    """Products and brands of the enterprises the user may see."""
    flt = flt or RecordFilter()
    rows = Product.objects.filter(enterprise_q(user, "enterprise__"))
    if flt.year is not None:
        rows = rows.filter(recognised_on__year=flt.year)
    rows = _narrowed(rows, flt, "recognised_on")
    return rows.select_related("enterprise__area__district").order_by(
        "-recognised_on", "enterprise__name", "id"
    )


def transformation_list_for(
    user: Any, flt: RecordFilter | None = None
) -> QuerySet[Transformation]:
    """Transformation records of the enterprises the user may see."""
    flt = flt or RecordFilter()
    rows = Transformation.objects.filter(enterprise_q(user, "enterprise__"))
    if flt.year is not None:
        rows = rows.filter(year=flt.year)
    rows = _narrowed(rows, flt, "completed_on")
    return rows.select_related("enterprise__area__district").order_by(
        "-year", "-completed_on", "enterprise__name", "id"
    )


def product_get_for(user: Any, pk: int) -> Product:
    """One product the user may see, or 404 (another town's is not found)."""
    row = product_list_for(user).filter(pk=pk).first()
    if row is None:
        raise Http404("没有这条记录，或不在您的管辖范围内")
    return row


def transformation_get_for(user: Any, pk: int) -> Transformation:
    """One transformation the user may see, or 404."""
    row = transformation_list_for(user).filter(pk=pk).first()
    if row is None:
        raise Http404("没有这条记录，或不在您的管辖范围内")
    return row


@dataclass(frozen=True)
class KindTotal:
    """A kind's row count, distinct enterprises and (技改投入) amount."""

    kind: str
    label: str
    records: int
    enterprises: int
    amount: Decimal | None = None


def totals_by_kind(rows: QuerySet[Any], choices: Any) -> list[KindTotal]:
    """Per-kind totals of a filtered list (amounts summed exactly in Python)."""
    seen: dict[str, set[int]] = {k: set() for k in choices.values}
    counts = dict.fromkeys(choices.values, 0)
    sums: dict[str, Decimal | None] = dict.fromkeys(choices.values, None)
    has_amount = rows.model is Transformation
    fields = (
        ("kind", "enterprise_id", "amount") if has_amount else ("kind", "enterprise_id")
    )
    for values in rows.order_by().values_list(*fields):
        kind, enterprise_id = values[0], values[1]
        counts[kind] += 1
        seen[kind].add(enterprise_id)
        if has_amount and values[2] is not None:
            sums[kind] = (sums[kind] or Decimal(0)) + values[2]
    return [
        KindTotal(value, label, counts[value], len(seen[value]), sums[value])
        for value, label in choices.choices
    ]
