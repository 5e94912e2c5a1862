"""Writing many registry rows at once in plain SQL (the workbook import's path).

Django's bulk_create and bulk_update spend most of their time building the SQL
for each row (and bulk_update one CASE per field); at 100 000 enterprises that is
minutes. Here one INSERT or UPDATE statement is prepared per table and run with
`executemany`, each value converted once by its field's own database conversion.
The callers (keqi.registry.services) have checked every value and the user's
scope already; these functions only write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

BATCH = 2000


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How one field's Python value becomes a query parameter on this database."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        if connection.vendor == "sqlite" and field.encoder is None:
            # what the field writes on SQLite, without its per-value overhead
            return lambda value: (
                "{}" if value == {} else None if value is None else json.dumps(value)
            )
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return lambda value: value


def _stamped(field: models.Field[Any, Any]) -> bool:
    return bool(
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    )


def insert_rows(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """INSERT the unsaved rows (their primary keys stay unset); `auto_now` and
    `auto_now_add` fields get the current time as save() would give them."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for field in fields:
        if _stamped(field):
            for row in rows:
                setattr(row, field.attname, now)
    convert = [(f.attname, _converter(f)) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(
                sql, [[c(getattr(r, name)) for name, c in convert] for r in batch]
            )


def insert_dicts(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows given as {field name: value}; a field left out gets its
    default, `auto_now`/`auto_now_add` fields the current time, and a foreign
    key may be given as its object or its id."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    plan = []
    for field in fields:
        convert = _converter(field)
        if field.is_relation:
            convert = _key_of
        default = now if _stamped(field) else field.get_default()
        plan.append((field.name, convert, default, _stamped(field)))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(
                sql,
                [
                    [
                        convert(default if stamped else r.get(name, default))
                        for name, convert, default, stamped in plan
                    ]
                    for r in batch
                ],
            )


def _key_of(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def update_rows(
    model: type[models.Model], rows: Sequence[tuple[models.Model, Sequence[str]]]
) -> None:
    """UPDATE each row's named fields (by primary key), one statement per set of
    field names; `auto_now` fields are set to the current time."""
    meta = model._meta
    stamped = [f.name for f in meta.concrete_fields if getattr(f, "auto_now", False)]
    now = timezone.now()
    groups: dict[tuple[str, ...], list[models.Model]] = {}
    for row, names in rows:
        for name in stamped:
            setattr(row, name, now)
        groups.setdefault(tuple(sorted({*names, *stamped})), []).append(row)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for names, group in groups.items():
            fields = [cast(models.Field[Any, Any], meta.get_field(n)) for n in names]
            convert = [(f.attname, _converter(f)) for f in fields]
            sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
            key = meta.pk
            sql = (
                f"UPDATE {quote(meta.db_table)} SET {sets} "
                f"WHERE {quote(str(key.column))} = %s"
            )
            for batch in _batches(group):
                cursor.executemany(
                    sql,
                    [[c(getattr(r, a)) for a, c in convert] + [r.pk] for r in batch],
                )
