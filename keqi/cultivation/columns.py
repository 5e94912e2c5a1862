"""One programme's verdict figures for the whole registry, from the columnar engine.

A reserve list ranks every enterprise in scope, so it needs each one's outcome,
blocking conditions and score shortfall; the explanation (what is missing, in
words) is needed only for the rows on screen. This module computes the figures
with ``keqi.rules`` batch path (``evaluate_batch`` per chunk, then
``closeness_codes``), which a property test proves equal to the scalar engine,
and keeps them in this process until the registry changes.

"Changes" is read from a fingerprint taken with a few aggregate queries on every
request: the audit trail's last event (every service that changes a fact writes
one, with its time), and each fact table's row count and last id (rows added in
bulk). Scope is applied afterwards, on the ids the user may see, so one cached
table serves every user.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Count, Max

from keqi.core.models import AuditEvent
from keqi.criteria.engine import EngineSetup
from keqi.registry.facts import iter_facts
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.rules import BATCH_PROGRAMMES, evaluate
from keqi.rules.batch import closeness_codes
from keqi.rules.closeness import route_ids
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.ladder import title_held

#: Enterprises evaluated per batch (bounded memory whatever the registry's size).
CHUNK = 5000
#: Tables kept per process (programme × day × rules × registry state).
KEEP = 16
FACT_MODELS = (Enterprise, AnnualFigures, IntellectualProperty, Qualification)


@dataclass(frozen=True)
class ProgrammeColumns:
    """Per enterprise (``ids`` ascending): title held, outcome code, blocking
    conditions and score shortfall (``short_known`` False: no score)."""

    ids: npt.NDArray[np.int64]
    holds: npt.NDArray[np.bool_]
    outcome: npt.NDArray[np.int8]
    not_met: npt.NDArray[np.int64]
    short: npt.NDArray[np.int64]
    short_known: npt.NDArray[np.bool_]

    def positions(self, pks: list[int]) -> npt.NDArray[np.intp]:
        """Where each of `pks` sits in the table (all must be present)."""
        wanted = np.asarray(pks, dtype=np.int64)
        found = np.searchsorted(self.ids, wanted)
        found = np.minimum(found, max(len(self.ids) - 1, 0))
        if len(wanted) and not np.array_equal(self.ids[found], wanted):
            raise LookupError("企业库已变化，请刷新页面")
        return found


_CACHE: OrderedDict[tuple[Any, ...], ProgrammeColumns] = OrderedDict()
_LOCK = threading.Lock()


def registry_fingerprint() -> tuple[Any, ...]:
    """Changes whenever a fact the engine reads may have changed (see module doc)."""
    last = AuditEvent.objects.aggregate(top=Max("pk"), at=Max("at"))
    parts: list[Any] = [last["top"], str(last["at"])]
    for model in (*FACT_MODELS, CreditRecord):
        found = model.objects.aggregate(n=Count("pk"), top=Max("pk"))
        parts += [found["n"], found["top"]]
    parts.append(str(Enterprise.objects.aggregate(at=Max("updated_at"))["at"]))
    return tuple(parts)


def holds_title(facts: EnterpriseFacts, kind: str, day: dt.date) -> bool:
    """Whether the enterprise holds a valid title of `kind` on `day`."""
    return any(q.kind == kind and title_held(q, day) for q in facts.qualifications)


def programme_columns(
    key: str, kind: str, day: dt.date, setup: EngineSetup, mark: int | None
) -> ProgrammeColumns | None:
    """The figures of programme `key` on `day` for every enterprise, or None when
    the programme has no columnar path (a composed one)."""
    if key not in BATCH_PROGRAMMES:
        return None
    rules = json.dumps(setup.snapshot(), sort_keys=True, default=str)
    cache_key = (key, kind, day, rules, mark, registry_fingerprint())
    with _LOCK:
        found = _CACHE.get(cache_key)
        if found is not None:
            _CACHE.move_to_end(cache_key)
            return found
    found = _compute(key, kind, day, setup, mark)
    with _LOCK:
        _CACHE[cache_key] = found
        while len(_CACHE) > KEEP:
            _CACHE.popitem(last=False)
    return found


def columns_cache_clear() -> None:
    """Forget every table (tests; a process that changed data outside services)."""
    with _LOCK:
        _CACHE.clear()


def _enterprises(pks: list[int]) -> Iterator[Enterprise]:
    """Every enterprise in id order, noting each id (facts keep the same order)."""
    for enterprise in Enterprise.objects.order_by("pk").iterator(chunk_size=CHUNK):
        pks.append(enterprise.pk)
        yield enterprise


def _chunks(pks: list[int]) -> Iterator[list[EnterpriseFacts]]:
    batch: list[EnterpriseFacts] = []
    for facts in iter_facts(_enterprises(pks), chunk=CHUNK):
        batch.append(facts)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _compute(
    key: str, kind: str, day: dt.date, setup: EngineSetup, mark: int | None
) -> ProgrammeColumns:
    spec = BATCH_PROGRAMMES[key]
    params = setup.params
    ids: list[int] = []
    parts: dict[str, list[Any]] = {
        k: [] for k in ("holds", "outcome", "not_met", "short", "known")
    }
    routes: tuple[str, ...] | None = None
    for rows in _chunks(ids):
        if routes is None:
            first = evaluate(rows[0], as_of=day, params=params, programmes=[key])
            routes = route_ids(first.programmes[key])
        result = spec.evaluate(spec.build(rows, day, params), day, params)
        blocked, short = closeness_codes(result, routes, mark)
        parts["holds"].append(np.array([holds_title(f, kind, day) for f in rows]))
        parts["outcome"].append(result.outcome)
        parts["not_met"].append(blocked)
        parts["short"].append(short.values)
        parts["known"].append(short.known)
    if routes is None:  # an empty registry
        empty = np.zeros(0, dtype=np.int64)
        none = np.zeros(0, dtype=np.bool_)
        return ProgrammeColumns(empty, none, empty.astype(np.int8), empty, empty, none)
    return ProgrammeColumns(
        np.asarray(ids, dtype=np.int64),
        np.concatenate(parts["holds"]).astype(np.bool_),
        np.concatenate(parts["outcome"]).astype(np.int8),
        np.concatenate(parts["not_met"]).astype(np.int64),
        np.concatenate(parts["short"]).astype(np.int64),
        np.concatenate(parts["known"]).astype(np.bool_),
    )
