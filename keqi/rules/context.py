"""Evaluation context: the date asked about, the parameters, and what was used."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from keqi.rules.numbers import BandTable, Threshold
from keqi.rules.params import ParamError, Parameter, ParamSet

T = TypeVar("T")


class Ctx:
    """Looks parameters up for ``as_of`` and remembers which ones were used.

    One ``Ctx`` serves one programme evaluation; the ids it collected become the
    flags of that programme's result.
    """

    def __init__(self, params: ParamSet, as_of: date) -> None:
        self.params = params
        self.as_of = as_of
        self.used: list[str] = []

    def _get(self, pid: str) -> object:
        refs, value = self.params.resolve(pid, self.as_of)
        for ref in refs:
            if ref not in self.used:
                self.used.append(ref)
        return value

    def use(self, pid: str) -> None:
        """Mark ``pid`` as used without reading it (batch paths)."""
        self._get(pid)

    def integer(self, pid: str) -> int:
        """An integer parameter."""
        return _typed(pid, self._get(pid), int)

    def amount(self, pid: str) -> Decimal:
        """An amount parameter (万元)."""
        return _typed(pid, self._get(pid), Decimal)

    def ratio(self, pid: str) -> Fraction:
        """A ratio parameter."""
        return _typed(pid, self._get(pid), Fraction)

    def text(self, pid: str) -> str:
        """A text parameter."""
        return _typed(pid, self._get(pid), str)

    def texts(self, pid: str) -> tuple[str, ...]:
        """A list-of-text parameter."""
        return _typed(pid, self._get(pid), tuple)

    def boolean(self, pid: str) -> bool:
        """A yes/no parameter."""
        return _typed(pid, self._get(pid), bool)

    def bands(self, pid: str) -> BandTable:
        """A band-table parameter."""
        return _typed(pid, self._get(pid), BandTable)

    def threshold(self, pid: str) -> Threshold:
        """A threshold parameter (operator and value)."""
        return _typed(pid, self._get(pid), Threshold)

    def meta(self, pid: str) -> Parameter:
        """The parameter record (citation, status) without marking it used."""
        return self.params.parameter(pid)

    def flags(self) -> tuple[str, ...]:
        """Used parameters that are not confirmed, in order of first use."""
        return tuple(
            p for p in self.used if self.params.parameter(p).flagged_on(self.as_of)
        )

    def overridden(self) -> tuple[str, ...]:
        """Used parameters whose value on ``as_of`` is an HQ override."""
        return tuple(
            p for p in self.used if self.params.parameter(p).overridden_on(self.as_of)
        )


def _typed(pid: str, value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise ParamError(f"参数 {pid} 的类型不是 {kind.__name__}")
    return value
