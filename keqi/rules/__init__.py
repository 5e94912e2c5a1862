"""keqi.rules — the rules engine (评价引擎).

Pure functions over plain data: no Django, no other keqi package.
"""

from __future__ import annotations

from keqi.rules.evaluate import RULES_VERSION, evaluate, evaluate_programme
from keqi.rules.facts import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)
from keqi.rules.model import Outcome, ProgrammeResult
from keqi.rules.numbers import Tri
from keqi.rules.params import ParamError, ParamSet, default_params

__all__ = [
    "RULES_VERSION",
    "CreditFact",
    "EnterpriseFacts",
    "IPItem",
    "Outcome",
    "ParamError",
    "ParamSet",
    "ProgrammeResult",
    "QualificationFact",
    "Tri",
    "YearFigures",
    "default_params",
    "evaluate",
    "evaluate_programme",
]
