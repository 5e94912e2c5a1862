"""Evaluating a district's registry and storing every verdict (the one code path).

The background task, ``keqi evaluate --registry`` and the demo all call
:func:`evaluation_run_execute`.  A run fixes its engine setup when it is requested
(the snapshot on the run), and execution always rebuilds the setup from that
snapshot, so the stored snapshot is by construction the one the verdicts used.

The registry is read, evaluated and written a chunk at a time (memory flat in the
registry's size, one short write transaction per chunk).  Programmes with a
columnar path are evaluated for the whole chunk at once (keqi.rules.batch) and
stored as codes; their full text is produced when a verdict is read
(keqi.evaluations.texts).  Facts, and the texts of the other (composed)
programmes, are stored once per distinct text, compressed against a sample of
their kind (keqi.evaluations.models).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.constants import OnConflict
from django.utils import timezone

from keqi.accounts.models import District
from keqi.accounts.scopes import district_for
from keqi.core import audit
from keqi.criteria.engine import EngineSetup, engine_setup, engine_setup_from_snapshot
from keqi.cultivation.selectors import ladder_load
from keqi.evaluations.models import (
    DICTIONARY_BYTES,
    EvaluatedEnterprise,
    EvaluationRun,
    FactsText,
    RunStatus,
    RunTrigger,
    StoredVerdict,
    TextDictionary,
    VerdictText,
    text_digest,
    text_pack,
)
from keqi.evaluations.reading import facts_of as read_facts
from keqi.evaluations.texts import result_codes
from keqi.registry.models import Enterprise
from keqi.rules import (
    BATCH_PROGRAMMES,
    RULES_VERSION,
    BatchError,
    EnterpriseFacts,
    EnterpriseResult,
    Programme,
    ProgrammeResult,
    evaluate,
    evaluate_batch,
    evaluate_programme,
    programme_table,
)
from keqi.rules.batch import OUTCOME_CODE, ROUTE_CODE
from keqi.rules.stored import FACTS_FORMAT, facts_to_json, verdict_json

#: Enterprises evaluated and written per transaction; progress moves this often.
CHUNK = 500
#: The compression sample kind of facts texts.
FACTS_KIND = f"facts:{FACTS_FORMAT}"
#: Digests looked up per query (well under every database's parameter limit).
TEXT_LOOKUP = 900

Progress = Callable[[EvaluationRun], None]
Sink = Callable[[EnterpriseResult], None]


class EvaluationAction:
    """Audited actions of this app."""

    RUN_REQUEST = "evaluation.run_request"
    RUN_FINISH = "evaluation.run_finish"
    RUN_FAIL = "evaluation.run_fail"


def ensure_may_run(actor: Any) -> None:
    """Only HQ starts evaluations (``None`` is the system: CLI and demo); the
    city reads every district's runs but starts none."""
    if actor is not None and not actor.is_hq:
        raise PermissionDenied("只有指挥部办公室可以发起评价")


def run_district(actor: Any, district: District | None) -> District | None:
    """The district a new run evaluates: HQ's own (another is refused); for the
    system the one named, else the install's only district, else None (the
    whole city)."""
    own = district_for(actor)
    if actor is None or actor.is_superuser:
        return district or own
    if own is None or (district is not None and district.pk != own.pk):
        raise PermissionDenied("只能评价本区的企业")
    return own


@transaction.atomic
def evaluation_run_create(
    *,
    as_of: dt.date,
    trigger: str,
    actor: Any,
    programmes: Sequence[str] = (),
    setup: EngineSetup | None = None,
    district: District | None = None,
) -> EvaluationRun:
    """Record a requested run of a district (see :func:`run_district`) with the
    engine setup it will use (default: the current one, stored overrides
    included).  Only HQ or the system may do this."""
    ensure_may_run(actor)
    district = run_district(actor, district)
    snapshot = (setup or engine_setup()).snapshot()
    run = EvaluationRun.objects.create(
        district=district,
        as_of=as_of,
        trigger=trigger,
        requested_by=actor if getattr(actor, "pk", None) else None,
        programmes=list(programmes),
        setup=snapshot,
        rules_version=str(snapshot.get("rules_version", RULES_VERSION)),
    )
    audit.record(
        actor=actor,
        action=EvaluationAction.RUN_REQUEST,
        target=run,
        changes={
            "district": [None, district.code if district else None],
            "as_of": [None, as_of.isoformat()],
            "trigger": [None, trigger],
            "overrides": [None, sorted(run.overrides)],
        },
    )
    return run


def evaluation_run_request(*, as_of: dt.date, actor: Any) -> EvaluationRun:
    """HQ's button: record a run and hand it to the background worker after commit.

    A second click for the same day and district while the first still waits is
    refused.
    """
    ensure_may_run(actor)
    waiting = EvaluationRun.objects.filter(
        as_of=as_of, status=RunStatus.QUEUED, district=run_district(actor, None)
    )
    if waiting.exists():
        raise ValidationError(
            f"基准日 {as_of.isoformat()} 的评价已在排队，请等待其完成后再发起"
        )
    with transaction.atomic():
        run = evaluation_run_create(as_of=as_of, trigger=RunTrigger.BUTTON, actor=actor)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from keqi.evaluations.tasks import evaluation_run_task

    result = evaluation_run_task.enqueue(run_id)
    EvaluationRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def evaluation_run_execute(
    *, run: EvaluationRun, progress: Progress | None = None, sink: Sink | None = None
) -> EvaluationRun:
    """Evaluate every enterprise of the run's district (of every district for
    a city-wide run) as of ``run.as_of`` and store each verdict.

    Streams the registry in chunks of ``CHUNK`` enterprises: facts are read and
    evaluated outside any transaction, then the chunk's rows are written in one
    short transaction (so progress shows while it runs, and a long run never holds
    the database's write lock for long).  Memory stays that of one chunk whatever
    the registry's size.  Calls ``progress`` after each chunk and ``sink`` with
    every result (the per-enterprise engine's, checked against the stored codes).
    On error the run is marked failed, its partial verdicts removed, and the
    error re-raised.
    """
    enterprises = Enterprise.objects.all()
    if run.district_id is not None:
        enterprises = enterprises.filter(area__district_id=run.district_id)
    ids = list(enterprises.order_by("uscc").values_list("pk", flat=True))
    _run_start(run, len(ids))
    try:
        plan, samples = _plan_for(run), _Samples()
        for start in range(0, len(ids), CHUNK):
            chunk = _evaluate_chunk(run, ids[start : start + CHUNK], plan, sink)
            _store_chunk(run, chunk, samples)
            if plan.conditions != run.conditions:  # readable while the run goes on
                _conditions_save(run, plan)
            run.refresh_from_db(fields=["done", "verdicts", "progressed_at"])
            if progress is not None:
                progress(run)
    except Exception as exc:
        _run_fail(run, exc)
        raise
    return _run_finish(run)


def _setup_for(run: EvaluationRun) -> EngineSetup:
    if run.rules_version != RULES_VERSION:
        raise ValidationError(
            f"发起评价时的规则版本为 {run.rules_version}，现已更新为 {RULES_VERSION}，"
            "请重新发起评价"
        )
    return engine_setup_from_snapshot(run.setup)


@dataclass
class _Plan:
    """What a run evaluates: the setup, and each programme in force with its
    version, split into those the columnar engine stores as codes and the rest
    (composed programmes), whose texts are stored."""

    setup: EngineSetup
    keys: list[str]
    programmes: dict[str, Programme]
    columnar: list[str]
    #: Condition ids of each columnar programme, in the order of the codes
    #: (fixed by the first chunk; saved on the run).
    conditions: dict[str, list[str]] = field(default_factory=dict)


def _plan_for(run: EvaluationRun) -> _Plan:
    setup = _setup_for(run)
    table = programme_table(setup.extra)
    composed = {p.key for p in setup.extra}
    keys = [
        k
        for k in (run.programmes or table)
        if k in table and table[k].version_for(run.as_of) is not None
    ]
    columnar = [k for k in keys if k in BATCH_PROGRAMMES and k not in composed]
    return _Plan(setup, keys, {k: table[k] for k in keys}, columnar)


@transaction.atomic
def _run_start(run: EvaluationRun, total: int) -> None:
    run.status, run.total, run.done, run.verdicts = RunStatus.RUNNING, total, 0, 0
    run.started_at = run.progressed_at = timezone.now()
    run.error = ""
    run.save(
        update_fields=[
            *("status", "total", "done", "verdicts"),
            *("started_at", "progressed_at", "error"),
        ]
    )


#: A verdict row as inserted: enterprise, programme, name, version, outcome,
#: score low and high, flags (None: read from the text), route, codes, and the
#: digest of its stored text ('' when stored as codes).
Row = tuple[int, str, str, str, str, int | None, int | None, Any, int, str, str]


@dataclass
class _Chunk:
    """One chunk evaluated, ready to write: (text, kind) by digest, rows by
    enterprise."""

    facts: dict[str, tuple[str, str]] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    entries: list[tuple[int, str]] = field(default_factory=list)
    verdicts: list[Row] = field(default_factory=list)


def _evaluate_chunk(
    run: EvaluationRun, ids: Sequence[int], plan: _Plan, sink: Sink | None
) -> _Chunk:
    """Read and evaluate one chunk (reads only, no transaction held)."""
    pks, facts_of = read_facts(ids)
    out = _Chunk()
    for pk, facts in zip(pks, facts_of, strict=True):
        text = facts_to_json(facts)
        digest = text_digest(text)
        out.facts[digest] = (text, FACTS_KIND)
        out.entries.append((pk, digest))
    rows: dict[str, list[Row]] = {}
    scalar = [k for k in plan.keys if k not in plan.columnar]
    for key in plan.columnar:
        found = _columnar(run, plan, key, pks, facts_of)
        if found is None:  # amounts finer than the columns hold: per enterprise
            scalar.append(key)
        else:
            rows[key] = found
    for key in scalar:
        rows[key] = [
            _text_row(out, pk, key, verdict)
            for pk, facts in zip(pks, facts_of, strict=True)
            if (verdict := _scalar(run, plan, key, facts)) is not None
        ]
    for i in range(len(pks)):
        out.verdicts += [rows[key][i] for key in plan.keys if key in rows]
    if sink is not None:
        _sink_checked(run, plan, facts_of, rows, sink)
    return out


def _scalar(
    run: EvaluationRun, plan: _Plan, key: str, facts: EnterpriseFacts
) -> ProgrammeResult | None:
    return evaluate_programme(
        facts, plan.programmes[key], as_of=run.as_of, params=plan.setup.params
    )


def _text_row(out: _Chunk, pk: int, key: str, verdict: ProgrammeResult) -> Row:
    """A verdict stored with its text (once per distinct text)."""
    body = verdict_json(verdict)
    digest = text_digest(body)
    out.texts[digest] = (body, f"verdict:{key}:{verdict.version}")
    low, high = verdict.score_low, verdict.score_high
    return (
        *(pk, key, verdict.name[:60], verdict.version, verdict.outcome.value),
        *(low, high, list(verdict.flags), ROUTE_CODE[verdict.route], "", digest),
    )


def _columnar(
    run: EvaluationRun,
    plan: _Plan,
    key: str,
    pks: list[int],
    facts_of: list[EnterpriseFacts],
) -> list[Row] | None:
    """The chunk's verdicts of ``key`` from the columnar engine, as codes; None
    when it cannot evaluate the chunk exactly (the caller goes per enterprise)."""
    try:
        found = evaluate_batch(key, facts_of, as_of=run.as_of, params=plan.setup.params)
    except BatchError:
        return None
    ids = plan.conditions.setdefault(key, list(found.statuses))
    if ids != list(found.statuses):
        return None
    version = plan.programmes[key].version_for(run.as_of)
    assert version is not None
    name, label = plan.programmes[key].name[:60], version.version
    flags: list[str] | None = None if found.flags else []
    codes = _code_strings([found.statuses[c] for c in ids], len(pks))
    outcomes = [OUTCOMES[int(c)] for c in found.outcome]
    routes = found.route.tolist()
    lows = found.score_low.tolist() if found.scored else [None] * len(pks)
    highs = found.score_high.tolist() if found.scored else [None] * len(pks)
    return [
        (pk, key, name, label, outcomes[i], lows[i], highs[i], flags)
        + (routes[i], codes[i], "")
        for i, pk in enumerate(pks)
    ]


#: Outcome code (keqi.rules.batch) → stored outcome.
OUTCOMES = {code: outcome.value for outcome, code in OUTCOME_CODE.items()}


def _code_strings(columns: list[Any], n: int) -> list[str]:
    """One string of status digits per enterprise (one digit per column)."""
    if not columns:
        return [""] * n
    width = len(columns)
    digits = (np.stack(columns, axis=1).astype(np.uint8) + ord("0")).tobytes()
    text = digits.decode("ascii")
    return [text[i * width : (i + 1) * width] for i in range(n)]


def _sink_checked(
    run: EvaluationRun,
    plan: _Plan,
    facts_of: list[EnterpriseFacts],
    rows: dict[str, list[Row]],
    sink: Sink,
) -> None:
    """Hand every enterprise's full result to ``sink`` (the CLI's report), after
    checking it says what the stored codes say (the two engines agree). A
    district's run reports tiers on that district's ladder."""
    ladder = ladder_load(run.district_id)[0]
    for i, facts in enumerate(facts_of):
        whole = evaluate(
            facts,
            as_of=run.as_of,
            params=plan.setup.params,
            extra=plan.setup.extra,
            programmes=run.programmes or None,
            ladder=ladder,
        )
        for key, verdict in whole.programmes.items():
            row = rows[key][i] if key in rows else None
            if (
                row is not None
                and row[-1] == ""
                and not _row_matches(row, verdict, plan.conditions[key])
            ):
                raise ValidationError(
                    f"企业 {facts.uscc} 的“{verdict.name}”批量评价与逐家评价结果不一致，"
                    "请联系系统管理员"
                )
        sink(whole)


def _row_matches(row: Row, verdict: ProgrammeResult, ids: list[str]) -> bool:
    scores = (verdict.score_low, verdict.score_high)
    return (
        row[4] == verdict.outcome.value
        and (row[5], row[6]) == scores
        and row[8] == ROUTE_CODE[verdict.route]
        and row[9] == result_codes(verdict, ids)
        and (row[7] is None or row[7] == list(verdict.flags))
    )


def _conditions_save(run: EvaluationRun, plan: _Plan) -> None:
    """The order of the codes, saved once the first chunk fixed it."""
    EvaluationRun.objects.filter(pk=run.pk).update(conditions=plan.conditions)
    run.conditions = {k: list(v) for k, v in plan.conditions.items()}


class _Samples:
    """The compression sample of each kind of text, looked up or made (from the
    first text of its kind) once per run."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[str, bytes]] = {}

    def get(self, kind: str, text: str) -> tuple[str, bytes]:
        if kind not in self.found:
            row = _sample_row(kind)
            if row is None:
                body = text.encode()[-DICTIONARY_BYTES:]
                digest = hashlib.blake2b(body, digest_size=16).hexdigest()
                TextDictionary.objects.bulk_create(
                    [TextDictionary(digest=digest, kind=kind[:80], body=body)],
                    ignore_conflicts=True,  # another run may make it meanwhile
                )
                row = _sample_row(kind)
            assert row is not None
            self.found[kind] = row
        return self.found[kind]


def _sample_row(kind: str) -> tuple[str, bytes] | None:
    row = TextDictionary.objects.filter(kind=kind[:80]).values_list("pk", "body")
    found = row.first()
    return None if found is None else (found[0], bytes(found[1]))


_Text = TypeVar("_Text", FactsText, VerdictText)


@dataclass
class _Texts:
    """A chunk's texts of one kind: ids of those stored, packed rows of the rest."""

    found: dict[str, int]
    rows: list[Any]


def _texts_prepare(
    model: type[_Text],
    texts: dict[str, tuple[str, str]],
    samples: _Samples,
) -> _Texts:
    """Look the texts up and compress the missing ones (before the write
    transaction, so compressing never holds the database's write lock)."""
    digests = list(texts)
    found = _stored_ids(model, digests)
    rows: list[tuple[str, str, bytes]] = []
    for digest in digests:
        if digest in found:
            continue
        text, kind = texts[digest]
        sample, body = samples.get(kind, text)
        rows.append((digest, sample, text_pack(text, body)))
    return _Texts(found, rows)


def _text_ids(model: type[_Text], texts: _Texts) -> dict[str, int]:
    """The row id of every text, adding those not stored yet (once per digest)."""
    found = dict(texts.found)
    if texts.rows:
        # another run may store the same text meanwhile: that row serves
        _insert(model, ("digest", "dictionary", "body"), texts.rows, ignore=True)
        found |= _stored_ids(model, [row[0] for row in texts.rows])
    return found


def _stored_ids(model: type[_Text], digests: list[str]) -> dict[str, int]:
    """The row id of each of ``digests`` that is stored, in one query per
    ``TEXT_LOOKUP`` digests (plain SQL: the ORM prepares every value of an IN
    list, which cost more than the query)."""
    table = connection.ops.quote_name(model._meta.db_table)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(digests), TEXT_LOOKUP):
            part = digests[start : start + TEXT_LOOKUP]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT digest, id FROM {table} WHERE digest IN ({marks})", part
            )
            found |= dict(cursor.fetchall())
    return found


def _store_chunk(run: EvaluationRun, chunk: _Chunk, samples: _Samples) -> None:
    """Write one evaluated chunk: new texts, then its entries and verdicts, in one
    short transaction (texts are looked up and compressed before it)."""
    facts = _texts_prepare(FactsText, chunk.facts, samples)
    texts = _texts_prepare(VerdictText, chunk.texts, samples)
    with transaction.atomic():
        _chunk_write(run, chunk, facts, texts)


def _chunk_write(
    run: EvaluationRun, chunk: _Chunk, facts: _Texts, texts: _Texts
) -> None:
    facts_ids = _text_ids(FactsText, facts)
    text_ids = _text_ids(VerdictText, texts)
    _insert(
        EvaluatedEnterprise,
        ("run", "enterprise", "facts_text"),
        [(run.pk, pk, facts_ids[digest]) for pk, digest in chunk.entries],
    )
    flags = StoredVerdict._meta.get_field("flags")
    prepared = {
        "[]": flags.get_db_prep_save([], connection),
        "null": flags.get_db_prep_save(None, connection),
    }
    rows = []
    for (
        pk,
        key,
        name,
        label,
        outcome,
        low,
        high,
        used,
        route,
        codes,
        digest,
    ) in chunk.verdicts:
        value = (
            prepared["[]"]
            if used == []
            else prepared["null"]
            if used is None
            else flags.get_db_prep_save(used, connection)
        )
        rows.append(
            (run.pk, pk, key, name, label, outcome, low, high, value, route, codes)
            + (text_ids[digest] if digest else None,)
        )
    _insert(StoredVerdict, VERDICT_COLUMNS, rows)
    EvaluationRun.objects.filter(pk=run.pk).update(
        done=F("done") + len(chunk.entries),
        verdicts=F("verdicts") + len(chunk.verdicts),
        progressed_at=timezone.now(),
    )


#: The stored verdict's fields in the order of :func:`_chunk_write`'s rows.
VERDICT_COLUMNS = (
    *("run", "enterprise", "programme", "programme_name", "version", "outcome"),
    *("score_low", "score_high", "flags", "route", "codes", "text"),
)


def _column(found: Any) -> str:
    column = found.column
    assert isinstance(column, str)
    return column


def _insert(
    model: type[models.Model],
    names: Sequence[str],
    rows: list[Any],
    ignore: bool = False,
) -> None:
    """Insert plain rows in one ``executemany`` (no model instance per row: at
    a registry's size the ORM's per-row work costs more than the database's).
    ``ignore``: a row that would break a unique constraint is left out."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(n) for n in names]
    columns = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(names))
    table = connection.ops.quote_name(meta.db_table)
    conflict = OnConflict.IGNORE if ignore else None
    head = connection.ops.insert_statement(on_conflict=conflict)
    tail = connection.ops.on_conflict_suffix_sql(fields, conflict, [], [])
    sql = f"{head} {table} ({columns}) VALUES ({marks}) {tail}".rstrip()
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def _run_finish(run: EvaluationRun) -> EvaluationRun:
    run.refresh_from_db()
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    audit.record(
        actor=run.requested_by,
        action=EvaluationAction.RUN_FINISH,
        target=run,
        changes={"done": [None, run.done], "verdicts": [None, run.verdicts]},
    )
    return run


@transaction.atomic
def _run_fail(run: EvaluationRun, exc: Exception) -> None:
    """Mark the run failed with a readable message; drop its partial verdicts."""
    message = "；".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
    StoredVerdict.objects.filter(run=run).delete()
    EvaluatedEnterprise.objects.filter(run=run).delete()
    run.status, run.finished_at, run.error = RunStatus.FAILED, timezone.now(), message
    run.done = run.verdicts = 0
    run.save(update_fields=["status", "finished_at", "error", "done", "verdicts"])
    audit.record(
        actor=run.requested_by,
        action=EvaluationAction.RUN_FAIL,
        target=run,
        reason=message[:500],
    )
