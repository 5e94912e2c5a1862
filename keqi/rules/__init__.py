"""keqi.rules — the rules engine (评价引擎).

Pure functions over plain data: no Django, no other keqi package.

Typical use::

    from keqi.rules import evaluate, default_params, report_to_json
    params = default_params().with_overrides(hq_edits)       # optional
    result = evaluate(facts, as_of=date(2019, 6, 30), params=params)
    text = report_to_json([result], date(2019, 6, 30))

Columnar use over many enterprises: :func:`evaluate_batch`.
"""

from __future__ import annotations

from keqi.rules.batch import BatchError, BatchResult, Column
from keqi.rules.batch_registry import BATCH_PROGRAMMES, evaluate_batch
from keqi.rules.docs import render_rules_markdown
from keqi.rules.evaluate import (
    RULES_VERSION,
    evaluate,
    evaluate_many,
    evaluate_programme,
    programme_table,
)
from keqi.rules.facts import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)
from keqi.rules.ladder import DEFAULT_ORDER, Tier, tier_of
from keqi.rules.model import (
    Citation,
    Condition,
    ConditionResult,
    EnterpriseResult,
    Gap,
    Outcome,
    Programme,
    ProgrammeResult,
    ProgrammeVersion,
    Reason,
    ScoreItem,
    Verdict,
)
from keqi.rules.numbers import Tri
from keqi.rules.params import ParamError, Parameter, ParamSet, default_params
from keqi.rules.programmes.composed import ComposeError, compose_programmes
from keqi.rules.serialize import (
    programme_to_dict,
    report_rows,
    report_to_dict,
    report_to_json,
    result_to_dict,
)
from keqi.rules.whatif import WhatIf, apply_changes, evaluate_what_if

__all__ = [
    "BATCH_PROGRAMMES",
    "DEFAULT_ORDER",
    "RULES_VERSION",
    "BatchError",
    "BatchResult",
    "Citation",
    "Column",
    "ComposeError",
    "Condition",
    "ConditionResult",
    "CreditFact",
    "EnterpriseFacts",
    "EnterpriseResult",
    "Gap",
    "IPItem",
    "Outcome",
    "ParamError",
    "ParamSet",
    "Parameter",
    "Programme",
    "ProgrammeResult",
    "ProgrammeVersion",
    "QualificationFact",
    "Reason",
    "ScoreItem",
    "Tier",
    "Tri",
    "Verdict",
    "WhatIf",
    "YearFigures",
    "apply_changes",
    "compose_programmes",
    "default_params",
    "evaluate",
    "evaluate_batch",
    "evaluate_many",
    "evaluate_programme",
    "evaluate_what_if",
    "programme_table",
    "programme_to_dict",
    "render_rules_markdown",
    "report_rows",
    "report_to_dict",
    "report_to_json",
    "result_to_dict",
    "tier_of",
]
