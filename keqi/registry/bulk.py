"""Writing many registry rows at once in plain SQL (the workbook import's path).

Django's bulk_create and bulk_update spend most of their time building the SQL
for each row (and bulk_update one CASE per field); at 100 000 enterprises that is
minutes. Here one INSERT or UPDATE statement is prepared per table and run with
`executemany`, each value converted once by its field's own database conversion.
The callers (keqi.registry.services) have checked every value and the user's
scope already; these functions only write.
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

BATCH = 2000
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _batches(items: Iterable[Any]) -> Iterator[Sequence[Any]]:
    if isinstance(items, Sequence):
        for start in range(0, len(items), BATCH):
            yield items[start : start + BATCH]
        return
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def _same(value: Any) -> Any:
    return value


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How one field's Python value becomes a query parameter on this database."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        if connection.vendor == "sqlite" and field.encoder is None:
            # what the field writes on SQLite, without its per-value overhead,
            # and as UTF-8 text: the trail of a first import of 100 000
            # enterprises is half the bytes it would be with every Chinese
            # character as \uXXXX (json.loads reads both the same)
            return _json_texts()
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        if (
            type(ops).adapt_decimalfield_value
            is BaseDatabaseOperations.adapt_decimalfield_value
        ):
            return _same  # the driver takes the Decimal as it is
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return _same


def _json_texts() -> Callable[[Any], Any]:
    """How a JSON value is stored on SQLite; a small {text: text} (the original
    money units and extra columns of a row: the same few for many rows) is
    encoded once per insert."""
    texts: dict[tuple[tuple[str, str], ...], str] = {}

    def text_of(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is dict and len(value) <= 8:
            if not value:
                return "{}"
            items = tuple(value.items())
            if all(type(k) is str and type(v) is str for k, v in items):
                found = texts.get(items)
                if found is None:
                    found = _dumps(value)
                    if len(texts) < 1000:
                        texts[items] = found
                return found
        return _dumps(value)

    return text_of


def _stamped(field: models.Field[Any, Any]) -> bool:
    return bool(
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    )


def insert_dicts(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """INSERT rows given as {field name: value}; a field left out gets its
    default, `auto_now`/`auto_now_add` fields the current time, and a foreign
    key may be given as its object or its id. `rows` may be a generator (it is
    read BATCH rows at a time); returns how many rows were inserted.

    The parameters are built a column at a time for each batch: a field no row
    of the batch names is its (converted) default repeated, a field every row
    names is read with one `itemgetter` pass, and only fields whose database
    conversion changes something (dates, JSON, keys…) are converted; a time
    stamp is converted once for all rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    plan: list[tuple[str, Any, Callable[[Any], Any], Any]] = []
    for field in fields:
        convert = _key_of if field.is_relation else _converter(field)
        fixed = convert(now) if _stamped(field) else _UNSET
        plan.append((field.name, field.get_default(), convert, fixed))

    def parameters(batch: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        count = len(batch)
        named: set[str] = set().union(*batch)
        columns: list[Sequence[Any]] = []
        for name, default, convert, fixed in plan:
            if fixed is not _UNSET:
                columns.append([fixed] * count)
                continue
            if name not in named:
                columns.append([convert(default)] * count)
                continue
            try:
                column = list(map(operator.itemgetter(name), batch))
            except KeyError:  # some rows leave it out: their default
                column = [row.get(name, default) for row in batch]
            columns.append(column if convert is _same else list(map(convert, column)))
        return list(zip(*columns, strict=True))

    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    written = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(sql, parameters(batch))
            written += len(batch)
    return written


_UNSET = object()


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


def statistics_refresh(tables: Iterable[type[models.Model]], rows: int) -> bool:
    """After a large bulk write on PostgreSQL, ANALYZE the tables written.

    The planner chooses its joins from each table's statistics; after a first
    import of a city's registry they describe empty tables until autovacuum
    comes round (or never, where it is switched off), and the pages' queries
    fall back to nested loops that take seconds at 100 000 enterprises. Only
    writes of at least ``KEQI_ANALYZE_AFTER_ROWS`` rows (10 000) do it: ANALYZE
    reads a sample of each table, a second or two at that size. SQLite plans
    without such statistics. Returns whether it ran."""
    from django.conf import settings

    limit = int(settings.KEQI_ANALYZE_AFTER_ROWS)
    if connection.vendor != "postgresql" or rows < limit:
        return False
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True
