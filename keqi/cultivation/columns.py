"""One programme's verdict figures for the whole registry, kept as a stored table.

A reserve list ranks every enterprise in scope, so it needs each one's outcome,
blocking conditions and score shortfall; the explanation (what is missing, in
words) is needed only for the rows on screen. Computing the figures for a city's
registry takes a minute or more of CPU, so no page request does it: the page reads
the last table the background worker stored (``ReserveTable``), and when the
registry changed since, asks the worker for a new one and says so ("正在更新",
with the time the shown table was computed and the worker's progress).

The worker computes with ``keqi.rules`` batch path (``evaluate_batch`` per chunk,
then ``closeness_codes``, which a property test proves equal to the scalar
engine); a programme HQ composed, which has no columnar path, is evaluated by the
scalar engine in the same chunks. The arrays are stored compressed (about 1 MB
at 100 000 enterprises) and kept in each web process once read.

"Changed" is read from a fingerprint taken with a few aggregate queries: the
audit trail's last event (every service that changes a fact writes one, with its
time), and each fact table's row count and last id (rows added in bulk). Scope is
applied afterwards, on the ids the user may see, so one table serves every user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import OperationalError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from keqi.core.models import AuditEvent
from keqi.criteria.engine import EngineSetup, engine_setup
from keqi.cultivation.models import ReserveTable, TableState
from keqi.registry.facts import iter_facts
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.rules import BATCH_PROGRAMMES, evaluate
from keqi.rules.batch import OUTCOME_CODE, closeness_codes
from keqi.rules.closeness import blocking, route_ids, shortfall
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.ladder import title_held

#: Enterprises evaluated per batch (bounded memory whatever the registry's size).
CHUNK = 5000
#: Tables kept in memory per process.
KEEP = 16
#: A table asked for longer ago than this and not finished is taken as lost (a
#: worker stopped) and asked for again.
LOST_AFTER = dt.timedelta(hours=2)
FACT_MODELS = (Enterprise, AnnualFigures, IntellectualProperty, Qualification)
#: Outcome code of an enterprise the programme gives no verdict for.
NO_VERDICT = -1
_FIELDS = ("ids", "holds", "outcome", "not_met", "short", "short_known")


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

    def present(self, pks: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which of `pks` the table has (enterprises added since are not in it)."""
        if not len(self.ids):
            return np.zeros(len(pks), dtype=np.bool_)
        at = np.minimum(np.searchsorted(self.ids, pks), len(self.ids) - 1)
        return np.asarray(self.ids[at] == pks, dtype=np.bool_)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **{name: getattr(self, name) for name in _FIELDS})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> ProgrammeColumns:
        with np.load(io.BytesIO(data), allow_pickle=False) as found:
            return cls(*(found[name] for name in _FIELDS))


@dataclass(frozen=True)
class TableView:
    """What a page shows of a programme's table: the last one stored (None when
    none is yet), when it was computed, and whether a newer one is on its way."""

    columns: ProgrammeColumns | None
    computed_at: dt.datetime | None
    updating: bool
    done: int = 0
    total: int = 0
    failed: str = ""


_CACHE: OrderedDict[int, ProgrammeColumns] = OrderedDict()
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


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def rules_digest(kind: str, setup: EngineSetup, mark: int | None) -> str:
    """The rules in force, the title kind and the pass mark, as one short key."""
    return _digest([setup.snapshot(), kind, mark])


def holds_title(facts: EnterpriseFacts, kind: str, day: dt.date) -> bool:
    """Whether the enterprise holds a valid title of `kind` on `day`."""
    return any(q.kind == kind and title_held(q, day) for q in facts.qualifications)


def reserve_table(
    key: str, kind: str, day: dt.date, setup: EngineSetup, mark: int | None
) -> TableView:
    """The last stored table of programme `key` on `day` under these rules, for a
    page; when the registry changed since (or there is none), one request to the
    background worker for a new table, never the computation itself."""
    rules = rules_digest(kind, setup, mark)
    fingerprint = _digest(registry_fingerprint())
    tables = ReserveTable.objects.filter(programme=key, day=day, rules=rules)
    last = (
        tables.filter(state=TableState.DONE)
        .defer("data")
        .order_by("-finished_at", "-pk")
        .first()
    )
    pending = None
    if last is None or last.fingerprint != fingerprint:
        pending = _pending(tables) or _request(key, kind, day, rules, fingerprint)
        if pending.state == TableState.DONE:  # a worker that runs at once
            last, pending = pending, None
    failed = pending.error if pending is not None else ""
    return TableView(
        _load(last.pk) if last is not None else None,
        last.finished_at if last is not None else None,
        pending is not None and pending.state != TableState.FAILED,
        pending.done if pending is not None else 0,
        pending.total if pending is not None else 0,
        failed,
    )


def _pending(tables: Any) -> ReserveTable | None:
    """A table of the same list already asked for and not lost (one at a time)."""
    since = timezone.now() - LOST_AFTER
    found: ReserveTable | None = (
        tables.filter(
            state__in=(TableState.WAITING, TableState.RUNNING),
            requested_at__gte=since,
        )
        .defer("data")
        .order_by("-pk")
        .first()
    )
    return found


def _request(
    key: str, kind: str, day: dt.date, rules: str, fingerprint: str
) -> ReserveTable:
    from keqi.cultivation.tasks import reserve_table_task

    with transaction.atomic():
        table = ReserveTable.objects.create(
            programme=key, kind=kind, day=day, rules=rules, fingerprint=fingerprint
        )
        reserve_table_task.enqueue(table.pk)
    table.refresh_from_db(
        fields=["state", "done", "total", "error", "finished_at", "fingerprint"]
    )
    return table


def _load(pk: int) -> ProgrammeColumns:
    with _LOCK:
        found = _CACHE.get(pk)
        if found is not None:
            _CACHE.move_to_end(pk)
            return found
    data = ReserveTable.objects.values_list("data", flat=True).get(pk=pk)
    assert data is not None  # a finished table always has its data
    found = ProgrammeColumns.from_bytes(bytes(data))
    with _LOCK:
        _CACHE[pk] = found
        while len(_CACHE) > KEEP:
            _CACHE.popitem(last=False)
    return found


def columns_cache_clear() -> None:
    """Forget the tables read into this process (tests)."""
    with _LOCK:
        _CACHE.clear()


def reserve_table_compute(table_id: int) -> int:
    """The worker's part: compute table `table_id` for the whole registry under
    the rules now in force, with progress, store it, and drop the older tables of
    the same list. Returns the number of enterprises."""
    from keqi.cultivation.reserve import RESERVE_BY_KEY, pass_mark

    table = ReserveTable.objects.defer("data").get(pk=table_id)
    setup = engine_setup()
    mark = pass_mark(RESERVE_BY_KEY[table.programme], setup.params, table.day)
    table.rules = rules_digest(table.kind, setup, mark)
    table.fingerprint = _digest(registry_fingerprint())
    table.total = Enterprise.objects.count()
    table.state, table.started_at = TableState.RUNNING, timezone.now()
    table.save(update_fields=["rules", "fingerprint", "total", "state", "started_at"])

    def progress(done: int) -> None:
        # SQLite busy with another writer: this progress mark is skipped, not fatal.
        with contextlib.suppress(OperationalError):
            ReserveTable.objects.filter(pk=table_id).update(done=done)

    try:
        found = _compute(table.programme, table.kind, table.day, setup, mark, progress)
    except Exception as exc:
        ReserveTable.objects.filter(pk=table_id).update(
            state=TableState.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        ReserveTable.objects.filter(pk=table_id).update(
            state=TableState.DONE,
            data=found.to_bytes(),
            done=len(found.ids),
            finished_at=timezone.now(),
        )
    reserve_tables_prune()
    return len(found.ids)


def reserve_tables_prune(now: dt.datetime | None = None) -> int:
    """Drop the tables no page reads. Per programme and day the newest finished
    table stays (the one pages show), and so does every table in flight; older
    finished tables, failures before the newest finished one, and requests lost
    for LOST_AFTER (the page has asked again) go. Returns how many went."""
    lost = (now or timezone.now()) - LOST_AFTER
    rows = ReserveTable.objects.order_by("finished_at", "pk").values_list(
        "pk", "programme", "day", "state", "requested_at"
    )
    newest: dict[tuple[str, dt.date], int] = {}
    doomed: list[int] = []
    rest: list[tuple[int, tuple[str, dt.date], str, dt.datetime]] = []
    for pk, programme, day, state, requested_at in rows.iterator():
        if state != TableState.DONE:
            rest.append((pk, (programme, day), state, requested_at))
            continue
        superseded = newest.get((programme, day))
        if superseded is not None:
            doomed.append(superseded)
        newest[(programme, day)] = pk
    for pk, key, state, requested_at in rest:
        lost_or_old = requested_at < lost  # lost in flight, or an old failure
        superseded = state == TableState.FAILED and pk < newest.get(key, 0)
        if lost_or_old or superseded:
            doomed.append(pk)
    deleted, _ = ReserveTable.objects.filter(pk__in=doomed).delete()
    return deleted


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
    key: str,
    kind: str,
    day: dt.date,
    setup: EngineSetup,
    mark: int | None,
    progress: Callable[[int], None] = lambda done: None,
) -> ProgrammeColumns:
    ids: list[int] = []
    parts: dict[str, list[Any]] = {
        k: [] for k in ("holds", "outcome", "not_met", "short", "known")
    }
    figures = _batch_figures if key in BATCH_PROGRAMMES else _scalar_figures
    for rows in _chunks(ids):
        outcome, blocked, short, known = figures(rows, key, day, setup, mark)
        parts["holds"].append(np.array([holds_title(f, kind, day) for f in rows]))
        parts["outcome"].append(outcome)
        parts["not_met"].append(blocked)
        parts["short"].append(short)
        parts["known"].append(known)
        progress(len(ids))
    if not ids:  # an empty registry
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


Figures = tuple[Any, Any, Any, Any]


def _batch_figures(
    rows: list[EnterpriseFacts],
    key: str,
    day: dt.date,
    setup: EngineSetup,
    mark: int | None,
) -> Figures:
    """Outcome, blocking count, shortfall and whether it is known, by the
    columnar engine."""
    spec = BATCH_PROGRAMMES[key]
    params = setup.params
    first = evaluate(rows[0], as_of=day, params=params, programmes=[key])
    routes = route_ids(first.programmes[key])
    result = spec.evaluate(spec.build(rows, day, params), day, params)
    blocked, short = closeness_codes(result, routes, mark)
    return result.outcome, blocked, short.values, short.known


def _scalar_figures(
    rows: list[EnterpriseFacts],
    key: str,
    day: dt.date,
    setup: EngineSetup,
    mark: int | None,
) -> Figures:
    """The same figures by the scalar engine, for a programme HQ composed."""
    outcome, blocked, short, known = [], [], [], []
    for facts in rows:
        result = evaluate(
            facts, as_of=day, params=setup.params, programmes=[key], extra=setup.extra
        )
        verdict = result.programmes.get(key)
        if verdict is None:
            outcome.append(NO_VERDICT)
            blocked.append(0)
            short.append(0)
            known.append(False)
            continue
        gap = shortfall(verdict, mark)
        outcome.append(OUTCOME_CODE[verdict.outcome])
        blocked.append(len(blocking(verdict)))
        short.append(gap or 0)
        known.append(gap is not None)
    return (
        np.asarray(outcome, dtype=np.int8),
        np.asarray(blocked, dtype=np.int64),
        np.asarray(short, dtype=np.int64),
        np.asarray(known, dtype=np.bool_),
    )
