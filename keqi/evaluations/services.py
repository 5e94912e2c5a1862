"""Evaluating the whole registry and storing every verdict (the one code path).

The background task, ``keqi evaluate --registry`` and the demo all call
:func:`evaluation_run_execute`.  A run fixes its engine setup when it is requested
(the snapshot on the run), and execution always rebuilds the setup from that
snapshot, so the stored snapshot is by construction the one the verdicts used.

The registry is read, evaluated and written a chunk at a time (memory flat in the
registry's size, one short write transaction per chunk).  Facts and verdict texts
are stored once per distinct text, compressed against a sample of their kind
(keqi.evaluations.models), and a rerun on the same day copies the verdicts of
enterprises whose facts did not change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from keqi.core import audit
from keqi.criteria.engine import EngineSetup, engine_setup, engine_setup_from_snapshot
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
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.rules import (
    RULES_VERSION,
    EnterpriseFacts,
    EnterpriseResult,
    ProgrammeResult,
    evaluate,
    evaluate_programme,
    programme_table,
)
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
    """Only HQ starts evaluations (``None`` is the system: CLI and demo)."""
    if actor is not None and not actor.is_hq:
        raise PermissionDenied("只有指挥部办公室可以发起评价")


@transaction.atomic
def evaluation_run_create(
    *,
    as_of: dt.date,
    trigger: str,
    actor: Any,
    programmes: Sequence[str] = (),
    setup: EngineSetup | None = None,
) -> EvaluationRun:
    """Record a requested run with the engine setup it will use (default: the
    current one, stored overrides included).  Only HQ or the system may do this."""
    ensure_may_run(actor)
    snapshot = (setup or engine_setup()).snapshot()
    run = EvaluationRun.objects.create(
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
            "as_of": [None, as_of.isoformat()],
            "trigger": [None, trigger],
            "overrides": [None, sorted(run.overrides)],
        },
    )
    return run


def evaluation_run_request(*, as_of: dt.date, actor: Any) -> EvaluationRun:
    """HQ's button: record a run and hand it to the background worker after commit.

    A second click for the same day while the first still waits is refused.
    """
    ensure_may_run(actor)
    waiting = EvaluationRun.objects.filter(as_of=as_of, status=RunStatus.QUEUED)
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
    """Evaluate every enterprise as of ``run.as_of`` and store each verdict.

    Streams the registry in chunks of ``CHUNK`` enterprises: facts are read and
    evaluated outside any transaction, then the chunk's rows are written in one
    short transaction (so progress shows while it runs, and a long run never holds
    the database's write lock for long).  Memory stays that of one chunk whatever
    the registry's size.  Calls ``progress`` after each chunk and ``sink`` with
    every result.  On error the run is marked failed, its partial verdicts
    removed, and the error re-raised.
    """
    ids = list(Enterprise.objects.order_by("uscc").values_list("pk", flat=True))
    _run_start(run, len(ids))
    try:
        setup, samples = _setup_for(run), _Samples()
        base = None if sink is not None else _same_day_run(run)
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            chunk = _evaluate_chunk(run, part, setup, sink, base)
            _store_chunk(run, chunk, samples)
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


@dataclass
class _Chunk:
    """One chunk evaluated, ready to write: (text, kind) by digest, rows by
    enterprise."""

    facts: dict[str, tuple[str, str]] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    entries: list[tuple[int, str]] = field(default_factory=list)
    verdicts: list[tuple[int, str, ProgrammeResult, str]] = field(default_factory=list)
    copied: list[StoredVerdict] = field(default_factory=list)


def _same_day_run(run: EvaluationRun) -> EvaluationRun | None:
    """The latest finished run with the same day, rules, parameters and programmes:
    its verdicts on enterprises whose facts have not changed are this run's too
    (the engine is a pure function of those), so they are copied, not recomputed."""
    same = EvaluationRun.objects.filter(
        status=RunStatus.DONE,
        as_of=run.as_of,
        rules_version=run.rules_version,
    ).exclude(pk=run.pk)
    for other in same.order_by("-finished_at", "-pk")[:20]:
        if other.setup == run.setup and other.programmes == run.programmes:
            return other
    return None


def _unchanged(
    base: EvaluationRun | None, digests: dict[int, str]
) -> dict[int, list[dict[str, Any]]]:
    """The base run's verdict values for enterprises whose facts are the same."""
    if base is None:
        return {}
    same = [
        pk
        for pk, digest in EvaluatedEnterprise.objects.filter(
            run=base, enterprise_id__in=list(digests)
        ).values_list("enterprise_id", "facts_text__digest")
        if digests.get(pk) == digest
    ]
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in same}
    for row in StoredVerdict.objects.filter(run=base, enterprise_id__in=same).values(
        *COPIED
    ):
        found[row["enterprise_id"]].append(row)
    return found


#: What a copied verdict takes from the run it is copied from.
COPIED = (
    *("enterprise_id", "programme", "programme_name", "version", "outcome"),
    *("score_low", "score_high", "flags", "text_id"),
)


def _evaluate_chunk(
    run: EvaluationRun,
    ids: Sequence[int],
    setup: EngineSetup,
    sink: Sink | None,
    base: EvaluationRun | None = None,
) -> _Chunk:
    """Read and evaluate one chunk (reads only, no transaction held)."""
    enterprises = list(Enterprise.objects.filter(pk__in=ids).order_by("uscc"))
    table = programme_table(setup.extra)
    keys = [k for k in (run.programmes or table) if k in table]
    out = _Chunk()
    facts_of = list(iter_facts(enterprises, chunk=len(enterprises)))
    texts = [facts_to_json(f) for f in facts_of]
    digests = [text_digest(t) for t in texts]
    reuse = _unchanged(
        base, {e.pk: d for e, d in zip(enterprises, digests, strict=True)}
    )
    for enterprise, facts, text, digest in zip(
        enterprises, facts_of, texts, digests, strict=True
    ):
        out.facts[digest] = (text, FACTS_KIND)
        out.entries.append((enterprise.pk, digest))
        if enterprise.pk in reuse:
            out.copied += [StoredVerdict(run=run, **v) for v in reuse[enterprise.pk]]
            continue
        if sink is not None:
            whole = _evaluate(run, facts, setup)
            sink(whole)
            results = dict(whole.programmes)
        else:  # the same verdicts, without the tier the CLI output adds
            results = {}
            for key in keys:
                found = evaluate_programme(
                    facts, table[key], as_of=run.as_of, params=setup.params
                )
                if found is not None:
                    results[key] = found
        for key, verdict in results.items():
            body = verdict_json(verdict)
            hashed = text_digest(body)
            out.texts[hashed] = (body, f"verdict:{key}:{verdict.version}")
            out.verdicts.append((enterprise.pk, key, verdict, hashed))
    return out


def _evaluate(
    run: EvaluationRun, facts: EnterpriseFacts, setup: EngineSetup
) -> EnterpriseResult:
    result = evaluate(
        facts,
        as_of=run.as_of,
        params=setup.params,
        extra=setup.extra,
        programmes=run.programmes or None,
    )
    return result


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
    found: dict[str, int] = {}
    digests = list(texts)
    for start in range(0, len(digests), TEXT_LOOKUP):
        part = digests[start : start + TEXT_LOOKUP]
        found |= dict(model.objects.filter(digest__in=part).values_list("digest", "pk"))
    rows: list[_Text] = []
    for digest in digests:
        if digest in found:
            continue
        text, kind = texts[digest]
        sample, body = samples.get(kind, text)
        rows.append(
            model(digest=digest, dictionary_id=sample, body=text_pack(text, body))
        )
    return _Texts(found, rows)


def _text_ids(model: type[_Text], texts: _Texts) -> dict[str, int]:
    """The row id of every text, adding those not stored yet (once per digest)."""
    found = dict(texts.found)
    if texts.rows:
        model.objects.bulk_create(
            texts.rows,
            batch_size=500,
            ignore_conflicts=True,  # another run may store the same text meanwhile
        )
        missing = [row.digest for row in texts.rows]
        for start in range(0, len(missing), TEXT_LOOKUP):
            part = missing[start : start + TEXT_LOOKUP]
            found |= dict(
                model.objects.filter(digest__in=part).values_list("digest", "pk")
            )
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
    EvaluatedEnterprise.objects.bulk_create(
        [
            EvaluatedEnterprise(
                run=run, enterprise_id=pk, facts_text_id=facts_ids[digest]
            )
            for pk, digest in chunk.entries
        ],
        batch_size=1000,
    )
    StoredVerdict.objects.bulk_create(
        [
            _verdict(run, pk, key, verdict, text_ids[digest])
            for pk, key, verdict, digest in chunk.verdicts
        ]
        + chunk.copied,
        batch_size=1000,
    )
    EvaluationRun.objects.filter(pk=run.pk).update(
        done=F("done") + len(chunk.entries),
        verdicts=F("verdicts") + len(chunk.verdicts) + len(chunk.copied),
        progressed_at=timezone.now(),
    )


def _verdict(
    run: EvaluationRun,
    enterprise_id: int,
    key: str,
    verdict: ProgrammeResult,
    text: int,
) -> StoredVerdict:
    return StoredVerdict(
        run=run,
        enterprise_id=enterprise_id,
        programme=key,
        programme_name=verdict.name[:60],
        version=verdict.version,
        outcome=verdict.outcome.value,
        score_low=verdict.score_low,
        score_high=verdict.score_high,
        flags=list(verdict.flags),
        text_id=text,
    )


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
