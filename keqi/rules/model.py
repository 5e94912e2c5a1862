"""The engine's vocabulary: programmes, conditions, results, citations, gaps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

from keqi.rules.numbers import Tri

if TYPE_CHECKING:
    from keqi.rules.context import Ctx
    from keqi.rules.facts import EnterpriseFacts


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: document number, article and a plain statement."""

    document: str
    article: str
    text: str

    def short(self) -> str:
        """``国科发政〔2017〕115号 第六条第（二）项``."""
        return f"{self.document} {self.article}".strip()

    def full(self) -> str:
        """Document, article and statement in one line."""
        return f"{self.short()}：{self.text}"


class Outcome(Enum):
    """Outcome of one programme for one enterprise."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"

    @property
    def label(self) -> str:
        """Chinese label."""
        return {
            "eligible": "符合条件",
            "ineligible": "不符合条件",
            "undetermined": "尚不能确定",
        }[self.value]


@dataclass(frozen=True)
class Condition:
    """A condition as written in the document (static; used for docs)."""

    id: str
    title: str
    citation: Citation
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionResult:
    """A condition evaluated for one enterprise."""

    id: str
    title: str
    status: Tri
    value: str
    threshold: str
    citation: Citation
    reason: str
    missing: tuple[str, ...] = ()
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreItem:
    """One scored item: the band found and the points it gives (a range)."""

    id: str
    title: str
    low: int
    high: int
    band: str
    reason: str
    citation: Citation
    expert: bool = False


@dataclass(frozen=True)
class Gap:
    """A smallest concrete change that would close a shortfall."""

    condition_id: str
    text: str
    field: str | None = None
    amount: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class ProgrammeResult:
    """Verdict of one programme version for one enterprise."""

    programme: str
    name: str
    version: str
    document: str
    outcome: Outcome
    route: str | None
    score_low: int | None
    score_high: int | None
    conditions: tuple[ConditionResult, ...]
    score_items: tuple[ScoreItem, ...] = ()
    gaps: tuple[Gap, ...] = ()
    missing: tuple[str, ...] = ()
    open_judgements: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    overridden: tuple[str, ...] = ()
    explanation: str = ""
    data_year: int | None = None

    @property
    def score(self) -> int | None:
        """The score when it is exact, else ``None`` (see ``score_low/high``)."""
        if self.score_low is not None and self.score_low == self.score_high:
            return self.score_low
        return None

    def condition(self, cid: str) -> ConditionResult:
        """The condition result with id ``cid``."""
        for cond in self.conditions:
            if cond.id == cid:
                return cond
        raise KeyError(cid)


#: The verdict of one programme for one enterprise.
Verdict: TypeAlias = ProgrammeResult
#: A reason is one deterministic Chinese sentence (no trailing 。).
Reason: TypeAlias = str

Evaluator = Callable[["EnterpriseFacts", "Ctx"], ProgrammeResult]


@dataclass(frozen=True)
class ProgrammeVersion:
    """One dated version of a programme (one document)."""

    version: str
    document: str
    title: str
    effective_from: date
    conditions: tuple[Condition, ...]
    evaluate: Evaluator
    note: str = ""


@dataclass(frozen=True)
class Programme:
    """A programme and its dated versions (ascending by date of effect)."""

    key: str
    name: str
    versions: tuple[ProgrammeVersion, ...]
    has_direct_route: bool = False

    def version_for(self, as_of: date) -> ProgrammeVersion | None:
        """The version in force on ``as_of`` (latest date of effect ≤ as_of)."""
        found = None
        for version in self.versions:
            if version.effective_from <= as_of:
                found = version
        return found

    def version_named(self, name: str) -> ProgrammeVersion:
        """The version labelled ``name``."""
        for version in self.versions:
            if version.version == name:
                return version
        raise KeyError(name)


@dataclass(frozen=True)
class EnterpriseResult:
    """All programme verdicts for one enterprise on one date."""

    uscc: str
    name: str
    as_of: date
    tier: str | None
    programmes: Mapping[str, ProgrammeResult] = field(default_factory=dict)
    tier_gap: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "programmes", MappingProxyType(dict(self.programmes)))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle with a plain dict (mapping proxies cannot be pickled)."""
        from keqi.rules.facts import unproxied

        return (EnterpriseResult, unproxied(self))
