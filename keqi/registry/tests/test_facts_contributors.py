"""Other apps add facts through the registry's contributor hook, never twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

import pytest

from keqi.core.testing import make_enterprise
from keqi.registry import facts as registry_facts
from keqi.registry.facts import facts_contributor_register, facts_for, iter_facts
from keqi.registry.models import Enterprise
from keqi.registry.services import qualification_upsert
from keqi.rules.facts import QualificationFact

VENTURE = QualificationFact(
    kind="创业投资", granted_on=dt.date(2021, 3, 1), amount_wan=Decimal("120")
)


@pytest.fixture
def contributor() -> Iterator[list[Sequence[int]]]:
    """A test contributor giving every enterprise one venture investment."""
    calls: list[Sequence[int]] = []

    def give(ids: Sequence[int]) -> Mapping[int, Sequence[QualificationFact]]:
        calls.append(list(ids))
        return {pk: [VENTURE] for pk in ids}

    saved = dict(registry_facts._CONTRIBUTORS)
    facts_contributor_register("test", give)
    yield calls
    registry_facts._CONTRIBUTORS.clear()
    registry_facts._CONTRIBUTORS.update(saved)


@pytest.mark.django_db
def test_a_contributed_fact_reaches_the_enterprises_facts(
    contributor: list[Sequence[int]],
) -> None:
    firm = make_enterprise()
    assert VENTURE in facts_for(firm).qualifications


@pytest.mark.django_db
def test_contributors_are_called_once_per_batch(
    contributor: list[Sequence[int]],
) -> None:
    for _ in range(5):
        make_enterprise()
    facts = list(iter_facts(Enterprise.objects.all(), chunk=3))
    assert len(facts) == 5
    assert [len(ids) for ids in contributor] == [3, 2]


@pytest.mark.django_db
def test_the_same_investment_in_the_registry_is_not_counted_twice(
    contributor: list[Sequence[int]],
) -> None:
    firm = make_enterprise()
    qualification_upsert(
        enterprise=firm,
        kind="创业投资",
        values={"granted_on": dt.date(2021, 3, 1), "amount": Decimal("120.000000")},
        actor=None,
    )
    quals = [q for q in facts_for(firm).qualifications if q.kind == "创业投资"]
    assert len(quals) == 1
