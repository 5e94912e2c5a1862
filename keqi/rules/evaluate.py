"""Evaluate one enterprise: per-programme verdicts with explanation and gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.ladder import DEFAULT_ORDER, tier_of
from keqi.rules.model import EnterpriseResult, Programme, ProgrammeResult
from keqi.rules.params import ParamSet, default_params
from keqi.rules.programmes import builtin_programmes

RULES_VERSION = "keqi-rules/2"  # 2: gaps for every programme, dated reasons, 高价值专利


def programme_table(extra: Iterable[Programme] = ()) -> dict[str, Programme]:
    """Built-in programmes plus ``extra`` (composed ones), by key."""
    table = builtin_programmes()
    for programme in extra:
        table[programme.key] = programme
    return table


def evaluate_programme(
    facts: EnterpriseFacts,
    programme: Programme,
    *,
    as_of: date,
    params: ParamSet | None = None,
    version: str | None = None,
) -> ProgrammeResult | None:
    """One programme for one enterprise; ``None`` if no version is in force.

    ``version`` picks a named version instead of the one in force on ``as_of``,
    so that two versions can be compared on the same date.
    """
    chosen = (
        programme.version_named(version) if version else programme.version_for(as_of)
    )
    if chosen is None:
        return None
    ctx = Ctx(params or default_params(), as_of)
    return chosen.evaluate(facts, ctx)


def evaluate(
    facts: EnterpriseFacts,
    *,
    as_of: date,
    params: ParamSet | None = None,
    programmes: Sequence[str] | None = None,
    extra: Iterable[Programme] = (),
    ladder: Sequence[str] = DEFAULT_ORDER,
) -> EnterpriseResult:
    """Evaluate ``facts`` on ``as_of`` under every programme in force.

    ``params`` defaults to the shipped parameters (use
    ``default_params().with_overrides({...})`` for HQ edits); ``programmes``
    restricts the keys evaluated; ``extra`` adds composed programmes.  A
    programme with no version in force on ``as_of`` is absent from the result.
    ``ladder`` is the tier order used for ``tier`` and ``tier_gap``.
    """
    table = programme_table(extra)
    keys = list(programmes) if programmes is not None else list(table)
    results: dict[str, ProgrammeResult] = {}
    for key in keys:
        if key not in table:
            continue
        result = evaluate_programme(facts, table[key], as_of=as_of, params=params)
        if result is not None:
            results[key] = result
    tier = tier_of(facts, as_of, order=ladder, results=results)
    return EnterpriseResult(
        facts.uscc, facts.name, as_of, tier.label, results, tier.gap
    )


def evaluate_many(
    facts: Iterable[EnterpriseFacts],
    *,
    as_of: date,
    params: ParamSet | None = None,
    programmes: Sequence[str] | None = None,
    extra: Iterable[Programme] = (),
) -> list[EnterpriseResult]:
    """:func:`evaluate` for each enterprise, in order."""
    return [
        evaluate(f, as_of=as_of, params=params, programmes=programmes, extra=extra)
        for f in facts
    ]


def results_by_key(result: EnterpriseResult) -> Mapping[str, ProgrammeResult]:
    """The programme results of ``result``."""
    return result.programmes
