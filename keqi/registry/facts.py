"""Turning registry rows into the rules engine's plain facts (keqi.rules.facts).

The engine knows nothing of Django; this is the one place that reads the registry
for it. Queries are batched: facts for a whole queryset cost a fixed number of
queries, whatever its size.

Other apps that keep facts the engine needs (a venture investment recorded by the
finance ledger of keqi.partners, for instance) add them through
`facts_contributor_register`, so data still flows registry → engine and the
registry never imports those apps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.rules.facts import (
    AMOUNT_FIELDS,
    COUNT_FIELDS,
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)

YEAR_FIELDS = (*COUNT_FIELDS, *AMOUNT_FIELDS, "conversions")
_TIANJIN_DIVISION = "12"

#: Given the ids of a batch of enterprises, the extra qualification facts of each.
FactsContributor = Callable[[Sequence[int]], Mapping[int, Sequence[QualificationFact]]]
_CONTRIBUTORS: dict[str, FactsContributor] = {}


def facts_contributor_register(key: str, contributor: FactsContributor) -> None:
    """Let another app add qualification facts it keeps (call from AppConfig.ready).

    The contributor is called once per batch of enterprises with their ids and
    should answer with one query. Registering the same key again replaces it.
    A contributed fact equal to one the registry already holds (same kind, date
    and amount) is the same fact entered twice: the registry row is kept and the
    contributed one dropped, so nothing is counted twice.
    """
    _CONTRIBUTORS[key] = contributor


def facts_contributors() -> dict[str, FactsContributor]:
    """The registered contributors by key (a copy)."""
    return dict(_CONTRIBUTORS)


def _merged(
    own: tuple[QualificationFact, ...], extra: list[QualificationFact]
) -> tuple[QualificationFact, ...]:
    """The registry's facts, then contributed ones it does not already hold."""
    held = {(q.kind, q.granted_on, q.amount_wan) for q in own}
    added = []
    for q in extra:
        key = (q.kind, q.granted_on, q.amount_wan)
        if key not in held:
            held.add(key)
            added.append(q)
    return own + tuple(added)


def _contributed(ids: list[int]) -> dict[int, list[QualificationFact]]:
    found: dict[int, list[QualificationFact]] = defaultdict(list)
    for contributor in _CONTRIBUTORS.values():
        for pk, facts in contributor(ids).items():
            found[pk].extend(facts)
    return found


def registered_in_tianjin(enterprise: Enterprise) -> bool | None:
    """From 注册地区 when filled, else from the USCC's administrative division code."""
    return tianjin_from(enterprise.registered_region, enterprise.uscc)


def tianjin_from(region: str | None, uscc: str) -> bool | None:
    """registered_in_tianjin on plain values (also used for workbook rows)."""
    region = (region or "").strip()
    if region:
        return "天津" in region
    division = uscc[2:4]
    return True if division == _TIANJIN_DIVISION else None


def independent_legal_person(enterprise: Enterprise) -> bool | None:
    """Category 1 in the USCC is an enterprise legal person; anything else unknown.

    A branch (分公司) also carries category 1, so staff can override this with
    extra["独立法人"] = 是/否 (kept from the workbook's extra columns).
    """
    return legal_person_from(enterprise.uscc, enterprise.extra)


def legal_person_from(uscc: str, extra: Mapping[str, Any] | None) -> bool | None:
    """independent_legal_person on plain values (also used for workbook rows)."""
    override = extra.get("独立法人") if extra else None
    if isinstance(override, bool):
        return override
    if override in ("是", "否"):
        return bool(override == "是")
    return True if uscc[1:2] == "1" else None


def year_figures(row: AnnualFigures) -> YearFigures:
    """One registry year as the engine's YearFigures."""
    return YearFigures(**{name: getattr(row, name) for name in YEAR_FIELDS})


def ip_item(row: IntellectualProperty) -> IPItem:
    return IPItem(
        number=row.number,
        category=row.category,
        granted_on=row.granted_on,
        acquisition=row.acquisition or None,
        status=row.status,
        related_to_main=row.related_to_main,
        high_value=row.high_value,
    )


def qualification_fact(row: Qualification) -> QualificationFact:
    """A qualification; a revoked one ends on the day before its revocation."""
    valid_until = row.valid_until
    if row.revoked_on is not None:
        last_day = row.revoked_on - dt.timedelta(days=1)
        valid_until = last_day if valid_until is None else min(valid_until, last_day)
    return QualificationFact(
        kind=row.kind,
        level=row.level or None,
        number=row.number or None,
        granted_on=row.granted_on,
        valid_until=valid_until,
        rank=row.rank or None,
        amount_wan=row.amount,
        note=row.note or None,
    )


def _grouped(model: Any, ids: list[int], order: Iterable[str]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in model.objects.filter(enterprise_id__in=ids).order_by(*order):
        grouped[row.enterprise_id].append(row)
    return grouped


def facts_for(enterprise: Enterprise) -> EnterpriseFacts:
    """Facts for one enterprise."""
    return next(iter_facts([enterprise]))


def iter_facts(
    enterprises: Iterable[Enterprise] | QuerySet[Enterprise], chunk: int = 2000
) -> Iterator[EnterpriseFacts]:
    """Facts for many enterprises: per chunk of `chunk` enterprises, four queries
    plus one per registered contributor."""
    batch: list[Enterprise] = []
    for enterprise in enterprises:
        batch.append(enterprise)
        if len(batch) >= chunk:
            yield from _facts_chunk(batch)
            batch = []
    if batch:
        yield from _facts_chunk(batch)


def _facts_chunk(enterprises: list[Enterprise]) -> Iterator[EnterpriseFacts]:
    ids = [e.pk for e in enterprises]
    figures = _grouped(AnnualFigures, ids, ["year"])
    ip = _grouped(IntellectualProperty, ids, ["granted_on", "number"])
    quals = _grouped(Qualification, ids, ["kind", "granted_on", "id"])
    credit = _grouped(CreditRecord, ids, ["occurred_on", "kind"])
    extra = _contributed(ids)
    for e in enterprises:
        yield EnterpriseFacts(
            uscc=e.uscc,
            name=e.name,
            founded_on=e.founded_on,
            registered_in_tianjin=registered_in_tianjin(e),
            independent_legal_person=independent_legal_person(e),
            restricted_products=e.restricted_products,
            tech_field=e.tech_field or None,
            key_industry=e.key_industry or None,
            years={row.year: year_figures(row) for row in figures[e.pk]},
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
