"""Year-end settlement (年度结算) between the district and its areas: 谁受益谁负担.

Every award's net cost in a year is shared between the district finance and the
enterprise's area by the area's ratio for that award type and year (50% when not
set). An area's statement says what was paid out in it (by the district and by the
area itself), the area's share, and the difference: what the area owes the district
(positive) or is owed (negative). The rounding rule is in keqi/funds/money.py.
Each district closes its own years: closing freezes the district's year and keeps
a snapshot of its areas' statements to check any later recomputation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import district_for
from keqi.core import audit
from keqi.core.dates import business_today
from keqi.core.db_guards import insert_once
from keqi.core.models import AuditEvent
from keqi.funds.access import (
    area_q,
    ensure_money_handler,
    ensure_own_district,
    sees_whole_district,
)
from keqi.funds.actions import FundsAction, jsonable
from keqi.funds.ledger import ensure_year_open
from keqi.funds.models import (
    AwardType,
    LedgerEntry,
    Payer,
    SettlementRatio,
    YearClose,
)
from keqi.funds.money import ZERO, checked_percent, split_cost, yuan_text

DEFAULT_AREA_PERCENT = Decimal("50.00")


@transaction.atomic
def settlement_ratio_set(
    *,
    year: int,
    area: Area,
    award_type: str,
    area_percent: Decimal,
    actor: Any,
    reason: str = "",
) -> SettlementRatio:
    """Set the area's share (%) of one award type's cost for a year (区财政局 or HQ).

    Refused for a year the area's district has closed. The district bears the rest.
    """
    ensure_money_handler(actor)
    ensure_own_district(actor, area.district_id)
    if award_type not in AwardType.values:
        raise ValidationError("请选择奖励类型")
    percent = checked_percent(area_percent, "街镇/园区负担比例")
    ensure_year_open(year, area.district_id)
    row = SettlementRatio.objects.filter(
        year=year, area=area, award_type=award_type
    ).first()
    before = row.area_percent if row is not None else None
    if row is None:
        row = SettlementRatio(year=year, area=area, award_type=award_type)
    if before != percent:
        row.area_percent = percent
        if row.pk is None:
            insert_once(row, "该比例刚由他人设定，请刷新页面查看后再改")
        else:
            row.save()
        audit.record(
            actor=actor,
            action=FundsAction.RATIO_SET,
            target=row,
            changes=jsonable({"area_percent": [before, percent]}),
            reason=reason,
            subject=f"settlement:{year}:{area.code}",
        )
    return row


def ratios_for(year: int, areas: list[Area]) -> dict[tuple[int, str], Decimal]:
    """The ratios set for a year in the given areas: (area id, award type) → area %."""
    return {
        (r.area_id, r.award_type): r.area_percent
        for r in SettlementRatio.objects.filter(year=year, area__in=areas)
    }


@dataclass(frozen=True)
class StatementLine:
    """One award's cost in the year in one area, and how it is shared."""

    award_id: int
    enterprise: str
    uscc: str
    rule: str
    award_type: str
    district_paid: Decimal
    area_paid: Decimal
    area_percent: Decimal
    default_ratio: bool
    area_share: Decimal
    district_share: Decimal

    @property
    def total(self) -> Decimal:
        return self.district_paid + self.area_paid


@dataclass(frozen=True)
class Statement:
    """An area's settlement statement (结算单) for a year."""

    year: int
    area: Area
    lines: list[StatementLine]
    closed: YearClose | None

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(line, name) for line in self.lines), ZERO)

    @property
    def district_paid(self) -> Decimal:
        return self._sum("district_paid")

    @property
    def area_paid(self) -> Decimal:
        return self._sum("area_paid")

    @property
    def total(self) -> Decimal:
        return self._sum("total")

    @property
    def area_share(self) -> Decimal:
        return self._sum("area_share")

    @property
    def district_share(self) -> Decimal:
        return self._sum("district_share")

    @property
    def balance(self) -> Decimal:
        """What the area owes the district (> 0) or is owed (< 0)."""
        return self.area_share - self.area_paid

    @property
    def balance_text(self) -> str:
        if self.balance > 0:
            return f"{self.area.name}应向区财政上缴 {yuan_text(self.balance)} 元"
        if self.balance < 0:
            return f"区财政应向{self.area.name}拨付 {yuan_text(-self.balance)} 元"
        return "双方无需划转（已两清）"

    def figures(self) -> dict[str, str]:
        """The totals as text, as kept in a closed year's snapshot."""
        names = (
            "total",
            "district_paid",
            "area_paid",
            "area_share",
            "district_share",
            "balance",
        )
        values = {name: str(getattr(self, name)) for name in names}
        return values | {"lines": str(len(self.lines))}

    @property
    def matches_snapshot(self) -> bool | None:
        """For a closed year: whether recomputing gives what was closed."""
        if self.closed is None:
            return None
        kept = self.closed.snapshot.get("areas", {}).get(self.area.code)
        return kept == self.figures() or (kept is None and not self.lines)


_LINE_COLUMNS = (
    "area_id",
    "award_id",
    "award_type",
    "payer",
    "amount",
    "enterprise__name",
    "enterprise__uscc",
    "award__rule__name",
)


def _line(
    key: tuple[int, int, str],
    by_payer: dict[str, Decimal],
    names: tuple[str, str, str],
    percent: Decimal | None,
) -> StatementLine:
    used = percent if percent is not None else DEFAULT_AREA_PERCENT
    area_share, district_share = split_cost(
        by_payer[Payer.DISTRICT] + by_payer[Payer.AREA], used
    )
    return StatementLine(
        award_id=key[1],
        enterprise=names[0],
        uscc=names[1],
        rule=names[2],
        award_type=AwardType(key[2]).label,
        district_paid=by_payer[Payer.DISTRICT],
        area_paid=by_payer[Payer.AREA],
        area_percent=used,
        default_ratio=percent is None,
        area_share=area_share,
        district_share=district_share,
    )


def _lines(
    rows: list[tuple[Any, ...]], ratios: dict[tuple[int, str], Decimal]
) -> dict[int, list[StatementLine]]:
    """Per area id, one line per (award, award type) with its shares."""
    paid: dict[tuple[int, int, str], dict[str, Decimal]] = defaultdict(
        lambda: {Payer.DISTRICT: ZERO, Payer.AREA: ZERO}
    )
    names: dict[tuple[int, int, str], tuple[str, str, str]] = {}
    for area_id, award_id, kind, payer, amount, *label in rows:
        key = (area_id, award_id, kind)
        paid[key][payer] += amount
        names.setdefault(key, (label[0], label[1], label[2]))
    out: dict[int, list[StatementLine]] = defaultdict(list)
    for key, by_payer in paid.items():
        line = _line(key, by_payer, names[key], ratios.get((key[0], key[2])))
        out[key[0]].append(line)
    return out


def settlement_statements(year: int, areas: list[Area]) -> list[Statement]:
    """The statements of the given areas for a year, computed from the ledger."""
    rows = list(
        LedgerEntry.objects.filter(entry_date__year=year, area__in=areas)
        .order_by()
        .values_list(*_LINE_COLUMNS)
    )
    lines = _lines(rows, ratios_for(year, areas))
    closes = year_closes(year, {area.district_id for area in areas})
    return [
        Statement(
            year,
            area,
            sorted(lines.get(area.pk, []), key=lambda x: (x.award_type, x.enterprise)),
            closes.get(area.district_id),
        )
        for area in areas
    ]


def year_closes(
    year: int, district_ids: set[int | None]
) -> dict[int | None, YearClose]:
    """The year's closes of the given districts, by district id (each district
    closes its own years)."""
    rows = YearClose.objects.filter(year=year, district_id__in=district_ids - {None})
    return {c.district_id: c for c in rows.select_related("closed_by")}


def settlement_areas_for(user: Any, district: District | None = None) -> list[Area]:
    """The areas whose statements the user may see (of one district, if given)."""
    areas = Area.objects.filter(area_q(user, "pk"))
    return list(areas if district is None else areas.filter(district=district))


def settlement_list_for(
    user: Any, year: int, district: District | None = None
) -> list[Statement]:
    """Statements the user may see: every area with money in the year (of the
    given district), or their own."""
    if not user.is_authenticated:
        return []
    statements = settlement_statements(year, settlement_areas_for(user, district))
    if sees_whole_district(user):
        return [s for s in statements if s.lines]
    return statements


def ratio_history(year: int, area: Area) -> QuerySet[AuditEvent]:
    """Every change of the area's ratios for the year, newest first."""
    return AuditEvent.objects.filter(
        subject=f"settlement:{year}:{area.code}"
    ).select_related("actor")


def settlement_get_for(user: Any, year: int, area_code: str) -> Statement:
    """One area's statement, or 404 when the area is outside the user's scope."""
    area = Area.objects.filter(area_q(user, "pk"), code=area_code).first()
    if area is None:
        raise Http404("没有这个街镇/园区，或不在您的管辖范围内")
    return settlement_statements(year, [area])[0]


def _hold_writers() -> None:
    """On PostgreSQL, wait for payments and ratio changes in flight and hold new ones
    until the close commits, so none slips into the year after its snapshot is taken
    (SQLite runs one writing transaction at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "LOCK TABLE funds_ledgerentry, funds_settlementratio IN SHARE MODE"
            )


@transaction.atomic
def year_close(*, year: int, actor: Any, district: District | None = None) -> YearClose:
    """Close a finished year of one district (its 区财政局 or HQ): the statements
    of the district's areas are frozen as they are.

    The district is the actor's own (the system, actor None, names it, or the
    install's only one); another district's years are not the actor's to close.
    Afterwards nothing can be dated in the year in the district's areas and its
    ratios and budgets cannot change (the database refuses too); other
    districts' years stay open. The snapshot lets anyone check later that
    recomputing gives the same figures.
    """
    ensure_money_handler(actor)
    district = district or district_for(actor)
    if district is None:
        raise ValidationError("请指定要结算关账的区")
    ensure_own_district(actor, district.pk)
    _hold_writers()
    if year >= business_today().year:
        raise ValidationError(f"{year}年度尚未执行终了，年度结束后方可结算关账")
    ensure_year_open(year, district.pk)
    statements = settlement_statements(year, list(district.areas.all()))
    areas = {s.area.code: s.figures() for s in statements if s.lines}
    total = str(sum((s.total for s in statements), ZERO))
    closed = YearClose(
        district=district,
        year=year,
        closed_by=actor if getattr(actor, "pk", None) else None,
        snapshot={"areas": areas, "total": total},
    )
    # Two closes at once both pass the check above (SHARE locks do not exclude
    # each other); the (district, year) unique key refuses the second.
    insert_once(closed, f"{district.name}{year}年度已结算关账")
    audit.record(
        actor=actor,
        action=FundsAction.YEAR_CLOSE,
        target=closed,
        changes=jsonable({"total": [None, total], "areas": [None, len(areas)]}),
        subject=f"settlement:{district.code}:{year}",
    )
    return closed
