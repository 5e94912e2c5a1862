"""Time the money side of keqi.funds at city scale on SQLite, and check it is exact.

    .venv/bin/python bench/funds_ledger.py [--awards 20000] [--runs 5]

In a scratch SQLite file: the Baodi areas, N enterprises spread over them, one award
each (published, amounts with odd 分), a payment for every award and a reversal plus
a fresh payment for every tenth, all bulk-inserted (the ledger triggers only refuse
updates, deletes and closed years). Settlement ratios with two decimals are set for
half of the areas and award types. It then times, median of --runs:

- the year's balances (per enterprise, area, fund, year) over every entry;
- every area's settlement statement, and the ledger and settlement pages for HQ;
- one payment through the service (ledger_pay), and closing the year;

and checks, in integer 分, that the statements add up to the ledger exactly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
YEAR = 2019
TYPES = ["high_tech", "tech_sme", "growth", "platform"]


def build(n: int) -> Any:
    """Areas, enterprises, rules, published awards and their ledger, bulk-inserted."""
    from keqi.accounts.models import Area
    from keqi.accounts.services import district_config_load, district_init
    from keqi.core.uscc import make_uscc
    from keqi.funds.award_rules import award_rule_save, fund_create
    from keqi.funds.models import Award, LedgerEntry, PublicNotice
    from keqi.registry.models import Enterprise

    district_init(config=district_config_load("baodi"))
    areas = list(Area.objects.all())
    Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_uscc("91120224", f"MB{i:07d}"),
            name=f"基准企业{i}",
            founded_on=dt.date(2015, 1, 1),
            area=areas[i % len(areas)],
        )
        for i in range(n)
    )
    fund = fund_create(code="bench", name="基准资金", actor=None)
    rules = [
        award_rule_save(
            rule=None,
            values={
                "name": f"基准奖励{t}",
                "award_type": t,
                "fund": fund,
                "trigger_kind": "",
                "amount": Decimal("99999.99"),
                "amount_source": "hq",
                "effective_from": dt.date(2018, 1, 1),
                "basis_document": "基准",
                "basis_article": "一",
                "basis_text": "基准",
            },
            actor=None,
        )
        for t in TYPES
    ]
    notice = PublicNotice.objects.create(
        title="基准公示",
        year=YEAR,
        starts_on=dt.date(2019, 3, 1),
        ends_on=dt.date(2019, 3, 7),
    )
    firms = list(Enterprise.objects.order_by("pk"))
    Award.objects.bulk_create(
        Award(
            rule=rules[i % 4],
            enterprise=e,
            year=YEAR,
            source="application",
            amount=Decimal(1000 + i % 9000) + Decimal(i % 100) / 100,
            basis_document="基准",
            basis_article="一",
            basis_text="基准",
            status="published",
            notice=notice,
        )
        for i, e in enumerate(firms)
    )
    awards = list(Award.objects.select_related("enterprise", "rule").order_by("pk"))
    LedgerEntry.objects.bulk_create(_entry(a, a.amount, None) for a in awards)
    wrong = list(LedgerEntry.objects.order_by("pk")[::10])
    LedgerEntry.objects.bulk_create(_entry(e.award, -e.amount, e) for e in wrong)
    LedgerEntry.objects.bulk_create(_entry(e.award, e.amount, None) for e in wrong)
    _ratios(areas)
    return awards


def _entry(award: Any, amount: Decimal, reverses: Any) -> Any:
    from keqi.funds.models import LedgerEntry

    return LedgerEntry(
        kind="reversal" if reverses else "payment",
        award=award,
        enterprise=award.enterprise,
        area_id=award.enterprise.area_id,
        fund_id=award.rule.fund_id,
        award_type=award.rule.award_type,
        payer="district",
        entry_date=dt.date(2019, 6, 1 + award.pk % 28),
        amount=amount,
        reverses=reverses,
    )


def _ratios(areas: list[Any]) -> None:
    from keqi.funds.settlement import settlement_ratio_set

    for i, area in enumerate(areas[::2]):
        for j, kind in enumerate(TYPES[:2]):
            percent = Decimal((17 + 7 * i + j) % 100) + Decimal("0.33")
            settlement_ratio_set(
                year=YEAR, area=area, award_type=kind, area_percent=percent, actor=None
            )


def timed(label: str, runs: int, work: Any) -> Any:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    print(f"{label}: {statistics.median(seconds):.3f} s (median of {runs})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="keqi-funds-bench-"))
    os.environ["KEQI_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("KEQI_VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    os.environ.setdefault("KEQI_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    awards = build(args.awards)
    print(f"built {len(awards)} awards: {time.perf_counter() - started:.1f} s")
    run(args.runs, awards, Client())


def run(runs: int, awards: list[Any], client: Any) -> None:
    from keqi.accounts.models import Role, Unit
    from keqi.accounts.services import user_create
    from keqi.funds.ledger import ledger_pay
    from keqi.funds.models import Award, LedgerEntry
    from keqi.funds.selectors import entry_list_for, ledger_balances
    from keqi.funds.settlement import settlement_list_for, year_close

    hq = user_create(
        username="bench",
        password="Bench-2019-ledger",
        unit=Unit.objects.get(code="hq"),
        role=Role.HQ_ADMIN,
    )
    entries = LedgerEntry.objects.count()
    print(f"entries: {entries}")
    balances = timed(
        "balances", runs, lambda: ledger_balances(entry_list_for(hq, year=YEAR))
    )
    statements = timed("settlement", runs, lambda: settlement_list_for(hq, YEAR))
    cents = sum(
        int(a * 100) for a in LedgerEntry.objects.values_list("amount", flat=True)
    )
    parts = sum(int((s.area_share + s.district_share) * 100) for s in statements)
    assert parts == cents == int(balances.total.net * 100), (parts, cents)
    print(f"exact: statements add up to the ledger, {Decimal(cents) / 100} 元")
    client.force_login(hq)
    timed("ledger page", runs, lambda: client.get(f"/funds/ledger/?year={YEAR}"))
    timed(
        "settlement page", runs, lambda: client.get(f"/funds/settlement/?year={YEAR}")
    )
    extra = Award.objects.create(**_award_copy(awards[0]))
    timed(
        "ledger_pay (one payment)",
        1,
        lambda: ledger_pay(
            award=extra,
            amount=Decimal("0.01"),
            entry_date=dt.date(2019, 12, 1),
            actor=hq,
        ),
    )
    timed("year_close", 1, lambda: year_close(year=YEAR, actor=hq))


def _award_copy(award: Any) -> dict[str, Any]:
    fields = ("rule", "year", "source", "amount", "basis_document", "basis_article")
    values = {f: getattr(award, f) for f in fields}
    return values | {
        "basis_text": award.basis_text,
        "enterprise": award.enterprise,
        "status": "published",
        "notice": award.notice,
    }


if __name__ == "__main__":
    main()
