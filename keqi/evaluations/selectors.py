"""Reading stored evaluations, always within what the user may see.

A run belongs to a district: its users (every role) see that district's runs
and no other's, which are a 404 with their verdicts; the city reads every
district's runs and the city-wide ones. Within a run, verdicts are per
enterprise and follow the registry's scope: area staff see only their own
area's enterprises, and another area's verdict is a 404.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from keqi.accounts.scopes import district_q, enterprise_q
from keqi.evaluations.models import EvaluationRun, Outcome, RunStatus, StoredVerdict
from keqi.registry.models import Enterprise

OUTCOME_ORDER = [o.value for o in Outcome]


def run_q(user: Any, prefix: str = "") -> Q:
    """Runs the user may see: their district's (every one for the city)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return district_q(user, f"{prefix}district_id")


def run_list_for(user: Any) -> QuerySet[EvaluationRun]:
    """The runs the user may see, latest first."""
    return EvaluationRun.objects.filter(run_q(user)).select_related(
        "requested_by", "district"
    )


def run_get_for(user: Any, pk: int) -> EvaluationRun:
    """One run, 404 when there is none or it is another district's."""
    return get_object_or_404(run_list_for(user), pk=pk)


def runs_done_for(user: Any) -> QuerySet[EvaluationRun]:
    """The user's finished runs, the ones that can be compared."""
    return run_list_for(user).filter(status=RunStatus.DONE)


def verdicts_for(
    user: Any, run: EvaluationRun, area_id: int | None = None
) -> QuerySet[StoredVerdict]:
    """The run's verdicts on enterprises the user may see (in one area if given);
    none of a run the user may not see.

    The area is the enterprise's area now, as everywhere in the registry."""
    rows = StoredVerdict.objects.filter(run=run).filter(
        enterprise_q(user, "enterprise__"), run_q(user, "run__")
    )
    return rows if area_id is None else rows.filter(enterprise__area_id=area_id)


def verdict_get_for(user: Any, pk: int) -> StoredVerdict:
    """One stored verdict; 404 when missing, outside the user's scope or of a
    run the user may not see."""
    found = (
        StoredVerdict.objects.filter(enterprise_q(user, "enterprise__"))
        .filter(run_q(user, "run__"))
        .select_related("run", "text", "enterprise__area")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("没有这条评价结论，或不在您的查看范围内")
    return found


@dataclass(frozen=True)
class ProgrammeCounts:
    """One programme's verdicts in a run, counted by outcome."""

    programme: str
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[tuple[str, str, int]]:
        """(outcome, label, count) in the usual order."""
        return [(o.value, o.label, self.counts.get(o.value, 0)) for o in Outcome]


def outcome_counts_for(
    user: Any, run: EvaluationRun, area_id: int | None = None
) -> list[ProgrammeCounts]:
    """Per programme, how many of the user's enterprises got each outcome."""
    rows = (
        verdicts_for(user, run, area_id)
        .values("programme", "programme_name", "outcome")
        .annotate(n=Count("pk"))
        .order_by("programme")
    )
    found: dict[str, ProgrammeCounts] = {}
    for row in rows:
        key = row["programme"]
        if key not in found:
            found[key] = ProgrammeCounts(key, row["programme_name"], {})
        found[key].counts[row["outcome"]] = row["n"]
    return list(found.values())


def verdict_list_for(
    user: Any,
    run: EvaluationRun,
    programme: str,
    outcome: str = "",
    area_id: int | None = None,
) -> QuerySet[StoredVerdict]:
    """The run's verdicts for one programme (and outcome), by USCC."""
    rows = verdicts_for(user, run, area_id).filter(programme=programme)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.select_related("enterprise__area").order_by("enterprise__uscc")


def verdict_history_for(user: Any, verdict: StoredVerdict) -> QuerySet[StoredVerdict]:
    """The same enterprise and programme in every finished run, latest first."""
    return (
        StoredVerdict.objects.filter(
            enterprise_id=verdict.enterprise_id,
            programme=verdict.programme,
            run__status=RunStatus.DONE,
        )
        .filter(enterprise_q(user, "enterprise__"), run_q(user, "run__"))
        .select_related("run")
        .order_by("-run__requested_at", "-run_id")
    )


@dataclass(frozen=True)
class Flip:
    """An enterprise whose outcome differs between two runs."""

    enterprise: Enterprise
    before_pk: int
    before: str
    after_pk: int
    after: str

    @property
    def before_label(self) -> str:
        return Outcome(self.before).label

    @property
    def after_label(self) -> str:
        return Outcome(self.after).label


@dataclass
class FlipGroup:
    """One programme's flips, with a count per direction."""

    programme: str
    name: str
    flips: list[Flip] = field(default_factory=list)
    compared: int = 0

    def directions(self) -> list[tuple[str, int]]:
        """("符合条件 → 不符合条件", n) for every direction seen."""
        seen = Counter(f"{f.before_label} → {f.after_label}" for f in self.flips)
        return sorted(seen.items())


def _outcomes(
    user: Any, run: EvaluationRun, area_id: int | None
) -> dict[tuple[int, str], tuple[int, str]]:
    rows = verdicts_for(user, run, area_id).values_list(
        "enterprise_id", "programme", "pk", "outcome"
    )
    return {(e, p): (pk, o) for e, p, pk, o in rows}


def flips_for(
    user: Any,
    before: EvaluationRun,
    after: EvaluationRun,
    area_id: int | None = None,
) -> list[FlipGroup]:
    """Per programme evaluated in both runs, the user's enterprises whose outcome
    changed (eligible ↔ ineligible ↔ undetermined), ordered by USCC."""
    old, new = _outcomes(user, before, area_id), _outcomes(user, after, area_id)
    names = dict(
        verdicts_for(user, after).values_list("programme", "programme_name").distinct()
    )
    groups: dict[str, FlipGroup] = {}
    changed: list[tuple[int, str]] = []
    for key in sorted(old.keys() & new.keys(), key=lambda k: k[1]):
        group = groups.setdefault(key[1], FlipGroup(key[1], names.get(key[1], key[1])))
        group.compared += 1
        if old[key][1] != new[key][1]:
            changed.append(key)
    enterprises = Enterprise.objects.select_related("area").in_bulk(
        {e for e, _ in changed}
    )
    for key in sorted(changed, key=lambda k: enterprises[k[0]].uscc):
        (bpk, b), (apk, a) = old[key], new[key]
        groups[key[1]].flips.append(Flip(enterprises[key[0]], bpk, b, apk, a))
    return list(groups.values())
