"""Finance facts for the rules engine, added through the registry's contributor hook.

A 创业投资 row of the finance ledger is one investment from one investor, which is
what 津科规〔2021〕3号 (雏鹰) asks about: the engine sees it as a qualification
fact of kind 创业投资 with its amount and day, exactly like a 资质荣誉 row of the
same kind in the registry. Which source wins when both hold it: the registry's row
(the enterprise's own declaration); the hook drops a ledger fact with the same
kind, day and amount, so one investment is never counted twice. The ledger does
not add up into 年度数据 股权融资额 either: that is the enterprise's declared
yearly total and stays as declared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from keqi.partners.models import FinanceKind, FinanceRecord
from keqi.rules.facts import QualificationFact

SOURCE_NOTE = "科技金融台账"


def venture_facts(ids: Sequence[int]) -> Mapping[int, Sequence[QualificationFact]]:
    """Each enterprise's venture investments as 创业投资 facts (one query)."""
    found: dict[int, list[QualificationFact]] = defaultdict(list)
    rows = FinanceRecord.objects.filter(
        enterprise_id__in=list(ids), kind=FinanceKind.VENTURE
    ).order_by("on", "id")
    for row in rows.values_list("enterprise_id", "on", "amount", "provider"):
        pk, on, amount, provider = row
        found[pk].append(
            QualificationFact(
                kind="创业投资",
                granted_on=on,
                amount_wan=amount,
                note=f"{provider}（{SOURCE_NOTE}）",
            )
        )
    return found
