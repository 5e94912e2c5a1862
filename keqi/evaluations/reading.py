"""Reading a chunk of the registry's facts for a whole-registry run, set-based.

The same facts as :func:`keqi.registry.facts.iter_facts` (the registry's own
conversions build every record, from the same rows in the same order), with the
rows read as plain tuples rather than model instances: at the registry's size
building a model instance per row costs more than the query.  Five queries per
chunk (enterprises, figures, IP, qualifications, credit records) plus one per
registered contributor.  The chunk's ids go into each query as one list of
placeholders, and the database's values get Django's own conversions only
where they are not NULL (Django prepares each of 500 ids per query and calls
every converter on every NULL: together a third of the reading time).  ``test_every_stored_code_and_text_is_what_the_per_
enterprise_engine_gives`` checks the facts equal ``facts_for`` on the demo's
enterprises.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from keqi.registry.facts import (
    YEAR_FIELDS,
    _contributed,
    _merged,
    ip_item,
    legal_person_from,
    qualification_fact,
    tianjin_from,
)
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.rules.facts import CreditFact, EnterpriseFacts, YearFigures

ENTERPRISE_FIELDS = (
    *("pk", "uscc", "name", "founded_on", "registered_region", "extra"),
    *("restricted_products", "tech_field", "key_industry", "niche_years"),
    "strategic_emerging",
)
IP_FIELDS = (
    *("enterprise_id", "number", "category", "granted_on", "acquisition"),
    *("status", "related_to_main", "high_value"),
)
QUALIFICATION_FIELDS = (
    *("enterprise_id", "kind", "level", "number", "granted_on", "valid_until"),
    *("revoked_on", "rank", "amount", "note"),
)


def _of(model: Any, column: str, ids: Sequence[int]) -> QuerySet[Any]:
    """Rows of ``model`` whose ``column`` is one of ``ids`` (integers)."""
    name = f"{connection.ops.quote_name(model._meta.db_table)}.{column}"
    marks = ", ".join(["%s"] * len(ids))
    where = f"{name} IN ({marks})" if ids else "1 = 0"
    found: QuerySet[Any] = model.objects.extra(where=[where], params=list(ids))
    return found


@cache
def _row_type(fields: tuple[str, ...]) -> Any:
    return namedtuple("Row", fields)


def _values(
    query: QuerySet[Any], fields: Sequence[str], named: bool = False
) -> list[Any]:
    """``query.values_list(*fields)`` as tuples (named: with attribute names),
    converted as Django converts them, NULLs left as they are."""
    compiler = query.values_list(*fields).query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    columns = [s[0] for s in compiler.select[: compiler.col_count]]
    steps = [
        (i, fns, expr) for i, (fns, expr) in compiler.get_converters(columns).items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Any] = cursor.fetchall()
    if steps:
        converted = []
        for raw in rows:
            row = list(raw)
            for i, fns, expr in steps:
                value = row[i]
                if value is not None:
                    for fn in fns:
                        value = fn(value, expr, connection)
                    row[i] = value
            converted.append(row)
        rows = converted
    if named:
        make = _row_type(tuple(fields))._make
        return [make(row) for row in rows]
    return rows


def _grouped(
    model: Any, ids: Sequence[int], fields: Sequence[str], order: Sequence[str]
) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    rows = _of(model, "enterprise_id", ids).order_by(*order)
    for row in _values(rows, fields, named=True):
        grouped[row.enterprise_id].append(row)
    return grouped


def facts_of(ids: Sequence[int]) -> tuple[list[int], list[EnterpriseFacts]]:
    """The enterprises ``ids`` (by USCC) and their facts, in the same order."""
    firms = _values(
        _of(Enterprise, "id", ids).order_by("uscc"), ENTERPRISE_FIELDS, named=True
    )
    ids = [e.pk for e in firms]
    figures: dict[int, dict[int, YearFigures]] = defaultdict(dict)
    for row in _values(
        _of(AnnualFigures, "enterprise_id", ids).order_by("year"),
        ("enterprise_id", "year", *YEAR_FIELDS),
    ):
        figures[row[0]][row[1]] = YearFigures(
            **dict(zip(YEAR_FIELDS, row[2:], strict=True))
        )
    ip = _grouped(IntellectualProperty, ids, IP_FIELDS, ("granted_on", "number"))
    quals = _grouped(
        Qualification, ids, QUALIFICATION_FIELDS, ("kind", "granted_on", "id")
    )
    credit = _grouped(
        CreditRecord,
        ids,
        ("enterprise_id", "kind", "occurred_on"),
        ("occurred_on", "kind"),
    )
    extra = _contributed(ids)
    return ids, [
        EnterpriseFacts(
            uscc=e.uscc,
            name=e.name,
            founded_on=e.founded_on,
            registered_in_tianjin=tianjin_from(e.registered_region, e.uscc),
            independent_legal_person=legal_person_from(e.uscc, e.extra),
            restricted_products=e.restricted_products,
            tech_field=e.tech_field or None,
            key_industry=e.key_industry or None,
            years=figures[e.pk],
            ip=tuple(ip_item(r) for r in ip[e.pk]),
            qualifications=_merged(
                tuple(qualification_fact(r) for r in quals[e.pk]), extra.get(e.pk, [])
            ),
            credit_records=tuple(
                CreditFact(kind=r.kind, occurred_on=r.occurred_on) for r in credit[e.pk]
            ),
            niche_years=e.niche_years,
            strategic_emerging=e.strategic_emerging,
        )
        for e in firms
    ]
