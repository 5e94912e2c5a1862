"""Award candidates and the approval flow (核实 → 审批 → 公示); rules in award_rules.py,
money in ledger.py.

Every function that changes something is atomic and writes its audit row in the
same transaction; an award's whole history is filed under `award:<pk>`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.core import audit
from keqi.core.dates import business_today
from keqi.core.db_guards import insert_once
from keqi.core.models import AuditEvent
from keqi.funds.access import (
    ensure_manager,
    fund_q,
    is_area_staff_of,
    may_handle_money,
    may_manage,
)
from keqi.funds.actions import FundsAction, jsonable
from keqi.funds.ledger import award_net_paid
from keqi.funds.models import (
    Award,
    AwardRule,
    AwardSource,
    AwardStatus,
    PublicNotice,
    TriggerEvent,
)
from keqi.funds.money import ZERO
from keqi.partners.selectors import LoanTrigger, chuying_bank_loans
from keqi.registry.models import (
    Enterprise,
    Qualification,
)

# ------------------------------------------------------------------ candidates


@dataclass
class Generated:
    """What a candidate run did: new awards, ones already there, and undecidable."""

    created: list[Award] = field(default_factory=list)
    existing: int = 0
    undetermined: list[str] = field(default_factory=list)


def _first_of_kind(kind: str) -> tuple[dict[int, int], set[int]]:
    """Per enterprise, its earliest qualification of the kind; and those with a blank date."""
    earliest: dict[int, tuple[dt.date, int]] = {}
    blank: set[int] = set()
    rows = Qualification.objects.filter(kind=kind).values_list(
        "enterprise_id", "granted_on", "pk"
    )
    for enterprise_id, granted_on, pk in rows:
        if granted_on is None:
            blank.add(enterprise_id)
        elif (
            enterprise_id not in earliest or (granted_on, pk) < earliest[enterprise_id]
        ):
            earliest[enterprise_id] = (granted_on, pk)
    return {e: pk for e, (_, pk) in earliest.items()}, blank


def _triggering(rule: AwardRule, year: int) -> list[Qualification]:
    """Qualifications of the rule's kind granted in the year, while the rule was in force."""
    start, end = _rule_window(rule, year)
    rows = Qualification.objects.filter(
        kind=rule.trigger_kind,
        granted_on__gte=start,
        granted_on__lte=end,
        revoked_on__isnull=True,
    ).select_related("enterprise")
    if rule.trigger_level:
        rows = rows.filter(level=rule.trigger_level)
    if rule.fund.district_id is not None:  # a district's fund rewards its own firms
        rows = rows.filter(enterprise__area__district_id=rule.fund.district_id)
    return list(rows.order_by("granted_on", "pk"))


def _first_time_awarded(kind: str) -> set[int]:
    """Enterprises that already have a live first-time award for this kind."""
    return set(
        Award.objects.filter(rule__trigger_kind=kind, rule__first_time_only=True)
        .exclude(status=AwardStatus.REJECTED)
        .values_list("enterprise_id", flat=True)
    )


def _evidence_note(rule: AwardRule, q: Qualification) -> str:
    if rule.first_time_only:
        return f"首次取得{q.kind}：企业库中该企业此前没有{q.kind}记录"
    return f"{q.granted_on:%Y}年取得{q.kind}"


def _award_from(rule: AwardRule, q: Qualification, year: int) -> Award:
    return Award(
        rule=rule,
        enterprise=q.enterprise,
        year=year,
        source=AwardSource.REGISTRY,
        qualification=q,
        evidence_kind=q.kind,
        evidence_level=q.level,
        evidence_number=q.number,
        evidence_date=q.granted_on,
        evidence_note=_evidence_note(rule, q),
        amount=rule.amount,
        basis_document=rule.basis_document,
        basis_article=rule.basis_article,
        basis_text=rule.basis_text,
    )


def _loan_award(rule: AwardRule, loan: LoanTrigger, year: int) -> Award:
    amount = f"{loan.amount_wan.normalize():f}"
    return Award(
        rule=rule,
        enterprise_id=loan.enterprise_id,
        year=year,
        source=AwardSource.REGISTRY,
        finance_record_id=loan.record_id,
        evidence_kind=TriggerEvent.CHUYING_LOAN.label,
        evidence_number=loan.chuying_number,
        evidence_date=loan.on,
        evidence_note=(
            f"{loan.on:%Y-%m-%d}取得{loan.bank}贷款{amount}万元（科技金融台账），"
            f"当日持有有效雏鹰企业资质（{loan.chuying_number or '无编号'}）"
        ),
        amount=rule.amount,
        basis_document=rule.basis_document,
        basis_article=rule.basis_article,
        basis_text=rule.basis_text,
    )


def _store(made: list[tuple[Award, str]], actor: Any) -> list[Award]:
    """Insert the new candidates and one audit event each (as audit.record writes
    it), a few statements for any number: a city's year is thousands of awards."""
    awards = Award.objects.bulk_create([a for a, _ in made], batch_size=500)
    actor_obj = actor if getattr(actor, "pk", None) else None
    changes = {"status": [None, AwardStatus.CANDIDATE]}
    events = [
        AuditEvent(
            actor=actor_obj,
            action=FundsAction.AWARD_GENERATE,
            target_type=award._meta.label_lower,
            target_id=str(award.pk),
            target_repr=str(award)[:200],
            subject=award.subject,
            changes=jsonable(changes | {"amount": [None, award.amount]}),
            reason=reason[:500],
        )
        for award, (_, reason) in zip(awards, made, strict=True)
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return awards


def _rule_window(rule: AwardRule, year: int) -> tuple[dt.date, dt.date]:
    """The days of `year` the rule was in force, up to today."""
    start = max(dt.date(year, 1, 1), rule.effective_from)
    end = min(dt.date(year, 12, 31), business_today())
    if rule.effective_to is not None:
        end = min(end, rule.effective_to)
    return start, end


def _generate_for_rule(
    rule: AwardRule, year: int, out: Generated
) -> list[tuple[Award, str]]:
    done = set(
        Award.objects.filter(rule=rule).values_list("qualification_id", flat=True)
    )
    first, blank = (
        _first_of_kind(rule.trigger_kind) if rule.first_time_only else ({}, set())
    )
    awarded = _first_time_awarded(rule.trigger_kind) if rule.first_time_only else set()
    made: list[tuple[Award, str]] = []
    for q in _triggering(rule, year):
        if q.pk in done:
            out.existing += 1
            continue
        reason = f"依据企业库资质：{q.kind} {q.number}（{q.granted_on}）".strip()
        if not rule.first_time_only:
            made.append((_award_from(rule, q, year), reason))
        elif q.enterprise_id in blank:
            out.undetermined.append(
                f"{q.enterprise.name}：另有取得日期空白的{q.kind}记录，无法判断是否首次"
            )
        elif first.get(q.enterprise_id) == q.pk and q.enterprise_id not in awarded:
            made.append((_award_from(rule, q, year), reason))
        elif first.get(q.enterprise_id) == q.pk:
            out.existing += 1
    return made


def _generate_for_loans(
    rule: AwardRule, year: int, out: Generated
) -> list[tuple[Award, str]]:
    """雏鹰企业取得银行贷款 (津政发〔2019〕17号, a one-off award): the first bank loan
    in the year, while the rule was in force, of an enterprise then holding a valid
    雏鹰企业 title, unless the enterprise already has a live award of this kind."""
    loans = chuying_bank_loans(*_rule_window(rule, year), rule.fund.district_id)
    seen = set(
        Award.objects.filter(rule__trigger_event=TriggerEvent.CHUYING_LOAN)
        .exclude(status=AwardStatus.REJECTED)
        .values_list("enterprise_id", flat=True)
    )
    made: list[tuple[Award, str]] = []
    new: set[int] = set()
    for loan in loans:  # oldest first; a later loan of the same firm adds nothing
        if loan.enterprise_id in new:
            continue
        if loan.enterprise_id in seen:
            out.existing += 1
            continue
        new.add(loan.enterprise_id)
        reason = (
            f"依据科技金融台账：{loan.bank} {loan.on}贷款，"
            f"雏鹰企业资质 {loan.chuying_number}".strip()
        )
        made.append((_loan_award(rule, loan, year), reason))
    return made


@transaction.atomic
def award_candidates_generate(*, year: int, actor: Any) -> Generated:
    """免申即享: make a candidate for every qualification in the registry that a rule
    in force on its 取得日期 rewards, and for every event a rule rewards (a bank
    loan to a 雏鹰企业). HQ only. Running it again creates nothing new.

    First-time rules take an enterprise's earliest qualification of the kind only,
    and skip (reporting why) an enterprise with a same-kind record whose date is
    blank, since a blank is unknown, not "never".
    """
    ensure_manager(actor)
    out = Generated()
    rules = (
        AwardRule.objects.filter(fund_q(actor, "fund__"))
        .exclude(trigger_kind="", trigger_event="")
        .select_related("fund")
        .order_by("pk")
    )
    for rule in rules:
        if rule.trigger_event == TriggerEvent.CHUYING_LOAN:
            made = _generate_for_loans(rule, year, out)
        else:
            made = _generate_for_rule(rule, year, out)
        out.created += _store(made, actor)
    return out


# ------------------------------------------------------------------ applications

EVIDENCE_KEY_LENGTH = 255


def evidence_key(number: str) -> str:
    """The certificate or file number as compared for duplicates.

    NFKC folds full-width letters, digits and punctuation (ＡＢＣ－１ → ABC-1) and
    the ideographic space; casefold ignores case; surrounding spaces go. So
    "ＡＢＣ－１", " abc-1 " and "ABC-1" are one number.
    """
    return unicodedata.normalize("NFKC", number).casefold().strip()


def _duplicate_message(year: int, number: str) -> str:
    shown = f"“{number}”" if number else "（未填写编号）"
    return (
        f"已有相同的申请：该企业{year}年度已有同一奖励规则、相同证书编号{shown}"
        "的申请或奖励，不能重复申请"
    )


def _duplicate_of(
    enterprise: Enterprise, rule: AwardRule, year: int, key: str
) -> Award | None:
    """A live (not rejected) award of the enterprise under the rule with the same
    number, from an application or from the registry."""
    same = Award.objects.filter(rule=rule, enterprise=enterprise, year=year).exclude(
        status=AwardStatus.REJECTED
    )
    return next((a for a in same if evidence_key(a.evidence_number) == key), None)


def _application_errors(
    enterprise: Enterprise, rule: AwardRule, year: int, evidence: dict[str, Any]
) -> list[str]:
    day = evidence.get("evidence_date")
    number = str(evidence.get("evidence_number") or "").strip()
    errors = []
    if day is None:
        return ["请填写取得日期（或立项、认定日期）"]
    if day.year != year:
        errors.append(f"取得日期 {day} 不在奖励年度 {year} 年内")
    if not rule.in_force_on(day):
        errors.append(f"奖励规则“{rule.name}”在 {day} 不适用（不在有效期内）")
    if not str(evidence.get("evidence_note") or "").strip():
        errors.append("请填写申请材料说明（判定依据）")
    if len(evidence_key(number)) > EVIDENCE_KEY_LENGTH:
        errors.append("证书编号/文号过长")
    elif _duplicate_of(enterprise, rule, year, evidence_key(number)) is not None:
        errors.append(_duplicate_message(year, number))
    if rule.first_time_only:
        earlier = Qualification.objects.filter(
            enterprise=enterprise, kind=rule.trigger_kind, granted_on__lt=day
        )
        if earlier.exists() or enterprise.pk in _first_time_awarded(rule.trigger_kind):
            errors.append(f"企业库显示该企业此前已取得{rule.trigger_kind}，不属首次")
    return errors


def _application_create(
    enterprise: Enterprise, rule: AwardRule, year: int, evidence: dict[str, Any]
) -> Award:
    """Insert the application; a concurrent twin loses on the database's unique
    index (one_live_application_per_rule_and_evidence) and gets the same message
    as a sequential one."""
    number = str(evidence.get("evidence_number") or "").strip()
    award = Award(
        rule=rule,
        enterprise=enterprise,
        year=year,
        source=AwardSource.APPLICATION,
        evidence_kind=rule.trigger_kind or rule.name,
        evidence_level=rule.trigger_level,
        evidence_number=number,
        evidence_key=evidence_key(number),
        evidence_date=evidence["evidence_date"],
        evidence_note=str(evidence["evidence_note"]).strip(),
        amount=rule.amount,
        basis_document=rule.basis_document,
        basis_article=rule.basis_article,
        basis_text=rule.basis_text,
    )
    insert_once(award, _duplicate_message(year, number))
    return award


@transaction.atomic
def award_apply(
    *,
    enterprise: Enterprise,
    rule: AwardRule,
    year: int,
    evidence: dict[str, Any],
    actor: Any,
) -> Award:
    """Enter an application (by HQ, or the enterprise's own area); it then goes
    through the same area check and approval as a generated candidate.

    `evidence`: evidence_number, evidence_date, evidence_note (what decides it).
    One live application per enterprise, rule, year and number: numbers are
    compared by `evidence_key`, and the database enforces it under concurrency.
    A rejected award frees its number for a new application.
    """
    if not (may_manage(actor) or is_area_staff_of(actor, enterprise.area_id)):
        raise PermissionDenied("只有指挥部办公室或企业所在街镇/园区可以录入申请")
    errors = _application_errors(enterprise, rule, year, evidence)
    if errors:
        raise ValidationError(errors)
    award = _application_create(enterprise, rule, year, evidence)
    audit.record(
        actor=actor,
        action=FundsAction.AWARD_APPLY,
        target=award,
        changes=jsonable(
            {"status": [None, award.status], "amount": [None, award.amount]}
        ),
        reason=award.evidence_note,
        subject=award.subject,
    )
    return award


# ------------------------------------------------------------------ the flow


def _locked(award: Award) -> Award:
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=award.pk)
    )


def _move(
    award: Award,
    *,
    to: str,
    actor: Any,
    action: str,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> Award:
    before = award.status
    award.status = to
    fields = ["status"]
    for name, value in (extra or {}).items():
        setattr(award, name, value)
        fields.append(name)
    award.save(update_fields=fields)
    changes: dict[str, Any] = {"status": [before, to]}
    changes |= {k: [None, audit.to_jsonable(v)] for k, v in (extra or {}).items()}
    audit.record(
        actor=actor,
        action=action,
        target=award,
        changes=changes,
        reason=reason,
        subject=award.subject,
    )
    return award


def _expect(award: Award, status: str) -> None:
    if award.status != status:
        raise ValidationError(
            f"该奖励当前为“{award.get_status_display()}”，"
            f"只有“{AwardStatus(status).label}”的奖励可以办理此步骤"
        )


@transaction.atomic
def award_area_check(*, award: Award, actor: Any, note: str = "") -> Award:
    """The enterprise's own area confirms the candidate (街镇/园区核实)."""
    award = _locked(award)
    if actor is not None and not is_area_staff_of(actor, award.enterprise.area_id):
        raise PermissionDenied("只有企业所在街镇/园区的工作人员可以核实")
    _expect(award, AwardStatus.CANDIDATE)
    return _move(
        award,
        to=AwardStatus.AREA_CHECKED,
        actor=actor,
        action=FundsAction.AWARD_AREA_CHECK,
        reason=note,
    )


@transaction.atomic
def award_approve(*, award: Award, actor: Any, note: str = "") -> Award:
    """HQ approves an award the area has checked (指挥部审批)."""
    ensure_manager(actor)
    award = _locked(award)
    _expect(award, AwardStatus.AREA_CHECKED)
    return _move(
        award,
        to=AwardStatus.APPROVED,
        actor=actor,
        action=FundsAction.AWARD_APPROVE,
        reason=note,
    )


def may_reject(actor: Any, award: Award) -> bool:
    """Whether the actor may stop the award at its current step."""
    if actor is None or may_manage(actor):
        return True
    if award.status == AwardStatus.CANDIDATE:
        return is_area_staff_of(actor, award.enterprise.area_id)
    return award.status == AwardStatus.PUBLISHED and may_handle_money(actor)


@transaction.atomic
def award_reject(*, award: Award, reason: str, actor: Any) -> Award:
    """Stop an award at its current step, with a reason (不予奖励).

    The area may reject at its check, HQ at any step before payment, the finance
    bureau at payment; an award with money paid must have it reversed first.
    """
    award = _locked(award)
    if not reason.strip():
        raise ValidationError("请填写不予奖励的原因")
    if award.status in (AwardStatus.PAID, AwardStatus.REJECTED):
        raise ValidationError(f"该奖励已“{award.get_status_display()}”，不能再退回")
    if not may_reject(actor, award):
        raise PermissionDenied("您不能在这一环节退回该奖励")
    if award_net_paid(award) != ZERO:
        raise ValidationError("该奖励已有拨付，请先冲销拨付分录再退回")
    return _move(
        award,
        to=AwardStatus.REJECTED,
        actor=actor,
        action=FundsAction.AWARD_REJECT,
        reason=reason.strip(),
        extra={"rejected_step": award.status, "rejected_reason": reason.strip()},
    )


@transaction.atomic
def notice_publish(
    *,
    awards: Sequence[Award],
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: Any,
    note: str = "",
    today: dt.date | None = None,
) -> PublicNotice:
    """Publish approved awards of one year in a public notice list (公示). HQ only.

    The notice starts today or later (never back-dated: money may be paid only
    after it ends) and lasts at least settings.KEQI_NOTICE_MIN_DAYS days, both
    ends counted. `today` defaults to the business date; the demo passes the day
    it replays.
    """
    ensure_manager(actor)
    locked = [_locked(a) for a in awards]
    today = today or business_today()
    errors = _notice_errors(locked, title, starts_on, ends_on, today)
    if errors:
        raise ValidationError(errors)
    notice = PublicNotice.objects.create(
        title=title.strip(),
        year=locked[0].year,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=FundsAction.NOTICE_PUBLISH,
        target=notice,
        changes=jsonable({"awards": [None, len(locked)]}),
        reason=f"公示期 {starts_on} 至 {ends_on}",
    )
    for award in locked:
        _move(
            award,
            to=AwardStatus.PUBLISHED,
            actor=actor,
            action=FundsAction.NOTICE_PUBLISH,
            reason=f"列入公示“{notice.title}”（{starts_on} 至 {ends_on}）",
            extra={"notice": notice},
        )
    return notice


def _period_errors(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> list[str]:
    shortest: int = settings.KEQI_NOTICE_MIN_DAYS
    if ends_on < starts_on:
        return ["公示截止日期不能早于开始日期"]
    errors = []
    if starts_on < today:
        errors.append(
            f"公示开始日期 {starts_on} 早于今天（{today}）：公示不能补登在过去，"
            "请从今天或以后开始"
        )
    days = (ends_on - starts_on).days + 1
    if days < shortest:
        errors.append(
            f"公示期至少 {shortest} 天（含首尾两天），"
            f"{starts_on} 至 {ends_on} 只有 {days} 天"
        )
    return errors


def _notice_errors(
    awards: list[Award],
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    today: dt.date,
) -> list[str]:
    if not awards:
        return ["请至少选择一项待公示的奖励"]
    errors = [] if title.strip() else ["请填写公示标题"]
    errors += _period_errors(starts_on, ends_on, today)
    not_ready = [a for a in awards if a.status != AwardStatus.APPROVED]
    if not_ready:
        names = "、".join(a.enterprise.name for a in not_ready[:5])
        errors.append(f"只有“待公示”的奖励可以列入公示：{names}")
    if len({a.year for a in awards}) > 1:
        errors.append("一次公示只能包含同一奖励年度的奖励")
    return errors
