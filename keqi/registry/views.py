"""Registry pages: the enterprise list, an enterprise's page and its edit forms.

Every page reads through the scoped selectors (someone outside the scope gets 404)
and every save goes through keqi.registry.services. Read-only roles get 403 on
edit pages. Saves are guarded: the row is locked and its version compared with
the one the form was shown with, so nobody overwrites a change they never saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from keqi.accounts.scopes import can_edit_enterprises
from keqi.core.audit import ACTION_LABELS, AuditAction
from keqi.core.dates import business_today
from keqi.core.numbers import parse_decimal
from keqi.core.uscc import unusable
from keqi.registry import forms as f
from keqi.registry import services
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.registry.selectors import (
    enterprise_get_for,
    enterprise_history,
    enterprise_list_for,
    ip_management_on,
)

PAGE_SIZE = 50
HISTORY_LIMIT = 200


def _editable(request: HttpRequest, pk: int) -> Enterprise:
    """The enterprise if the user may change it: 404 outside the scope, 403 read-only."""
    enterprise = enterprise_get_for(request.user, pk)
    if not can_edit_enterprises(request.user):
        raise PermissionDenied("当前账号只能查看，不能修改企业数据")
    return enterprise


def _guarded_save(
    form: BaseForm, row: models.Model | None, save: Callable[[Any], Any]
) -> bool:
    """Run `save(fresh_row)` with the row locked and unchanged since the form was
    shown; otherwise put the reason on the form and change nothing."""
    try:
        with transaction.atomic():
            fresh = None
            if row is not None:
                model = type(row)
                fresh = (
                    model._default_manager.select_for_update().filter(pk=row.pk).first()
                )
                if f.row_version(fresh) != form.cleaned_data.get("version"):
                    raise ValidationError(f.STALE_MESSAGE)
            save(fresh)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    except IntegrityError:
        form.add_error(None, f.STALE_MESSAGE)
        return False
    return True


def _reason(form: BaseForm) -> str:
    return str(form.cleaned_data.get("reason") or "").strip()


# ---------------------------------------------------------------- list


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The enterprises in the user's scope, searched, filtered, sorted, 50 a page."""
    search = f.enterprise_search(request.user, request.GET)
    latest = AnnualFigures.objects.filter(enterprise=OuterRef("pk")).order_by("-year")
    rows = search.enterprises.annotate(
        latest_year=Subquery(latest.values("year")[:1])
    ).prefetch_related(
        Prefetch(
            "qualifications",
            queryset=Qualification.objects.filter(f.valid_on_q(search.as_of)),
            to_attr="valid_qualifications",
        )
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "search": search,
            "page": page,
            "query": params.urlencode(),
            "can_edit": can_edit_enterprises(request.user),
            "filtered": any(v for k, v in params.items() if k != "sort"),
        },
    )


# ---------------------------------------------------------------- detail


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One enterprise: facts, figures by year, IP, qualifications, credit, history."""
    enterprise = enterprise_get_for(request.user, pk)
    today = business_today()
    figures = list(enterprise.figures.order_by("year"))
    qualifications = [
        (q, qualification_status(q, today))
        for q in enterprise.qualifications.order_by("kind", "-granted_on")
    ]
    events = list(enterprise_history(enterprise)[:HISTORY_LIMIT])
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "e": enterprise,
            "today": today,
            "figures": figures,
            "figure_rows": figure_rows(figures),
            "ip_items": enterprise.ip_items.order_by("-granted_on", "number"),
            "qualifications": qualifications,
            "credit_records": enterprise.credit_records.all(),
            "ip_management": ip_management_on(enterprise, today),
            "history": [history_entry(e) for e in events],
            "history_truncated": len(events) == HISTORY_LIMIT,
            "can_edit": can_edit_enterprises(request.user),
        },
    )


def qualification_status(q: Qualification, day: Any) -> tuple[str, str]:
    """A badge for a qualification as of `day`: (label, css class)."""
    if q.revoked_on is not None and q.revoked_on <= day:
        return "已撤销", "bad"
    if q.is_valid_on(day):
        return "有效", "ok"
    if q.valid_until is not None and q.valid_until < day:
        return "已过期", "muted"
    if q.granted_on is None:
        return "取得日期不详", "warn"
    return "尚未生效", "warn"


def figure_rows(figures: list[AnnualFigures]) -> list[tuple[str, list[Any], bool]]:
    """Every workbook field as a row (label, value per year, is-amount)."""
    rows = []
    for name in f.FIGURE_FORM_FIELDS:
        if name == "year":
            continue
        field = AnnualFigures._meta.get_field(name)
        is_amount = isinstance(field, models.DecimalField)
        label = str(getattr(field, "verbose_name", name))
        rows.append((label, [getattr(y, name) for y in figures], is_amount))
    return rows


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event as shown on the page."""

    at: Any
    actor: str
    action: str
    target: str
    changes: list[tuple[str, str, str]]
    reason: str


def _shown(value: Any, field: Any = None) -> str:
    """A stored audit value as text: blank as —, yes/no in Chinese, 1.500000 as 1.5."""
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, dict):
        return "、".join(f"{k}：{v}" for k, v in value.items()) or "—"
    if isinstance(field, models.DecimalField):
        try:
            return f.plain_number(parse_decimal(value))
        except ValueError:
            pass
    return str(value)


def _field(model: Any, name: str) -> Any:
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:  # a field since removed keeps its name
        return None


def history_entry(event: Any) -> HistoryEntry:
    """An audit event with field names turned into their Chinese labels."""
    try:
        model = apps.get_model(event.target_type)
    except (LookupError, ValueError):
        model = None
    changes = []
    for name, pair in (event.changes or {}).items():
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name
        old, new = ([*pair, None, None])[:2]
        changes.append((label, _shown(old, field), _shown(new, field)))
    return HistoryEntry(
        at=event.at,
        actor=str(event.actor) if event.actor_id else "系统",
        action=ACTION_LABELS.get(event.action, event.action),
        target=event.target_repr,
        changes=changes,
        reason=event.reason,
    )


# ---------------------------------------------------------------- edit pages


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    enterprise: Enterprise | None,
    back: str,
    template: str = "registry/edit_form.html",
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "e": enterprise,
            "back": back,
            "has_amounts": any(
                isinstance(x, f.LooseDecimalField) for x in form.fields.values()
            ),
            **extra,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _saved(
    request: HttpRequest, what: str, enterprise: Enterprise, anchor: str
) -> HttpResponse:
    """Back to the enterprise page at the saved section, saying what was saved."""
    messages.success(request, f"已保存：{what}")
    url = reverse("registry:enterprise_detail", args=[enterprise.pk])
    return redirect(f"{url}#{anchor}")


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    """Register a new enterprise in one of the user's areas."""
    if not can_edit_enterprises(request.user):
        raise PermissionDenied("当前账号只能查看，不能新建企业")
    form = f.EnterpriseForm(
        request.POST or None, instance=Enterprise(), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        created: list[Enterprise] = []

        def save(_: Any) -> None:
            code = form.cleaned_data["uscc"]
            if enterprise_list_for(request.user).filter(uscc=code).exists():
                raise ValidationError({"uscc": "该统一社会信用代码已在企业库中登记"})
            if Enterprise.objects.filter(uscc=code).exists():  # another area's
                raise ValidationError({"uscc": unusable(code)})
            values = {k: v for k, v in form.values().items() if k != "uscc"}
            done = services.enterprise_upsert(
                uscc=form.cleaned_data["uscc"],
                values=values,
                actor=request.user,
                reason=_reason(form),
            )
            created.append(done.row)

        if _guarded_save(form, None, save):
            return _saved(request, f"新建企业 {created[0].name}", created[0], "facts")
    back = reverse("registry:enterprise_list")
    return _form_page(request, form, title="新建企业", enterprise=None, back=back)


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an enterprise's basic information (not its 统一社会信用代码)."""
    enterprise = _editable(request, pk)
    form = f.EnterpriseForm(
        request.POST or None, instance=enterprise, user=request.user
    )
    if request.method == "POST" and form.is_valid():

        def save(fresh: Enterprise) -> None:
            services.enterprise_upsert(
                uscc=fresh.uscc,
                values=form.values(),
                actor=request.user,
                reason=_reason(form),
            )

        if _guarded_save(form, enterprise, save):
            return _saved(request, "企业基本信息", enterprise, "facts")
    back = reverse("registry:enterprise_detail", args=[pk])
    return _form_page(
        request, form, title="编辑基本信息", enterprise=enterprise, back=back
    )


@login_required
def figures_edit(
    request: HttpRequest, pk: int, year: int | None = None
) -> HttpResponse:
    """Add a year's figures (no year given) or edit an existing year's."""
    enterprise = _editable(request, pk)
    row = AnnualFigures(enterprise=enterprise)
    if year is not None:
        row = get_object_or_404(AnnualFigures, enterprise=enterprise, year=year)
    form = f.FiguresForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["year"]

        def save(_: Any) -> None:
            clash = AnnualFigures.objects.filter(enterprise=enterprise, year=chosen)
            if year is None and clash.exists():
                raise ValidationError(
                    {"year": f"{chosen}年度数据已存在，请直接编辑该年度"}
                )
            values = {k: v for k, v in form.values().items() if k != "year"}
            services.figures_upsert(
                enterprise=enterprise,
                year=chosen,
                values=values,
                actor=request.user,
                reason=_reason(form),
            )

        if _guarded_save(form, row if row.pk else None, save):
            return _saved(request, f"{chosen}年度数据", enterprise, "figures")
    title = f"编辑{year}年度数据" if year else "新增年度数据"
    back = reverse("registry:enterprise_detail", args=[pk]) + "#figures"
    return _form_page(request, form, title=title, enterprise=enterprise, back=back)


# ---------------------------------------------------------------- IP, qualifications, credit


@dataclass(frozen=True)
class ItemKind:
    """How the pages add, edit and delete one kind of an enterprise's records."""

    model: type[models.Model]
    form: type[f.EditForm]
    noun: str
    anchor: str
    delete_action: str
    clash: Callable[[Enterprise, dict[str, Any]], models.QuerySet[Any]]
    create: Callable[..., Any]
    update: Callable[..., Any]


def _qualification_clash(e: Enterprise, v: dict[str, Any]) -> models.QuerySet[Any]:
    same = Qualification.objects.filter(enterprise=e, kind=v["kind"])
    if v.get("number"):
        return same.filter(number=v["number"])
    return same.filter(number="", granted_on=v.get("granted_on"))


def _without(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in names}


ITEM_KINDS: dict[str, ItemKind] = {
    "ip": ItemKind(
        model=IntellectualProperty,
        form=f.IntellectualPropertyForm,
        noun="知识产权",
        anchor="ip",
        delete_action=AuditAction.IP_DELETE,
        clash=lambda e, v: IntellectualProperty.objects.filter(
            enterprise=e, number=v["number"]
        ),
        create=lambda e, v, **kw: services.ip_upsert(
            enterprise=e, number=v["number"], values=_without(v, "number"), **kw
        ),
        update=lambda row, v, **kw: services.ip_update(item=row, values=v, **kw),
    ),
    "qualification": ItemKind(
        model=Qualification,
        form=f.QualificationForm,
        noun="资质荣誉",
        anchor="qualifications",
        delete_action=AuditAction.QUALIFICATION_DELETE,
        clash=_qualification_clash,
        create=lambda e, v, **kw: services.qualification_upsert(
            enterprise=e, kind=v["kind"], values=_without(v, "kind"), **kw
        ),
        update=lambda row, v, **kw: services.qualification_update(
            qualification=row, values=v, **kw
        ),
    ),
    "credit": ItemKind(
        model=CreditRecord,
        form=f.CreditRecordForm,
        noun="信用记录",
        anchor="credit",
        delete_action=AuditAction.CREDIT_DELETE,
        clash=lambda e, v: CreditRecord.objects.filter(
            enterprise=e, kind=v["kind"], occurred_on=v["occurred_on"]
        ),
        create=lambda e, v, **kw: services.credit_record_upsert(
            enterprise=e,
            kind=v["kind"],
            occurred_on=v["occurred_on"],
            values=_without(v, "kind", "occurred_on"),
            **kw,
        ),
        update=lambda row, v, **kw: services.credit_record_update(
            record=row, values=v, **kw
        ),
    ),
}


def _item(kind: ItemKind, enterprise: Enterprise, item_id: int) -> Any:
    return get_object_or_404(kind.model, pk=item_id, enterprise=enterprise)


@login_required
def item_edit(
    request: HttpRequest, pk: int, kind: str, item_id: int | None = None
) -> HttpResponse:
    """Add (no item_id) or edit an IP item, qualification or credit record."""
    spec = ITEM_KINDS[kind]
    enterprise = _editable(request, pk)
    row = spec.model(enterprise=enterprise) if item_id is None else None
    row = row or _item(spec, enterprise, item_id or 0)
    form = spec.form(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        values, kw = form.values(), {"actor": request.user, "reason": _reason(form)}
        done: list[Any] = []

        def save(fresh: Any) -> None:
            if fresh is None and spec.clash(enterprise, values).exists():
                raise ValidationError(f"该企业已有这条{spec.noun}，请直接编辑原记录")
            create = fresh is None
            done.append(
                spec.create(enterprise, values, **kw)
                if create
                else spec.update(fresh, values, **kw)
            )

        if _guarded_save(form, row if row.pk else None, save):
            return _saved(
                request, f"{spec.noun} {done[0].row}", enterprise, spec.anchor
            )
    title = f"{'编辑' if item_id else '新增'}{spec.noun}"
    back = reverse("registry:enterprise_detail", args=[pk]) + f"#{spec.anchor}"
    return _form_page(request, form, title=title, enterprise=enterprise, back=back)


@login_required
def item_delete(request: HttpRequest, pk: int, kind: str, item_id: int) -> HttpResponse:
    """Confirm, then delete an IP item, qualification or credit record (audited)."""
    spec = ITEM_KINDS[kind]
    enterprise = _editable(request, pk)
    row = _item(spec, enterprise, item_id)
    form = f.ConfirmForm(request.POST or None, row=row)
    if request.method == "POST" and form.is_valid():

        def delete(fresh: Any) -> None:
            services.row_delete(
                row=fresh,
                enterprise=enterprise,
                action=spec.delete_action,
                actor=request.user,
                reason=_reason(form),
            )

        if _guarded_save(form, row, delete):
            messages.success(request, f"已删除：{spec.noun} {row}")
            url = reverse("registry:enterprise_detail", args=[pk])
            return redirect(f"{url}#{spec.anchor}")
    back = reverse("registry:enterprise_detail", args=[pk]) + f"#{spec.anchor}"
    return _form_page(
        request,
        form,
        title=f"删除{spec.noun}",
        enterprise=enterprise,
        back=back,
        template="registry/confirm_delete.html",
        row=row,
    )


@login_required
def qualification_revoke(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Record the day a qualification was revoked; the row stays, marked 已撤销."""
    enterprise = _editable(request, pk)
    row = _item(ITEM_KINDS["qualification"], enterprise, item_id)
    form = f.QualificationRevokeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():

        def save(fresh: Qualification) -> None:
            services.qualification_revoke(
                qualification=fresh,
                revoked_on=form.cleaned_data["revoked_on"],
                actor=request.user,
                reason=_reason(form),
            )

        if _guarded_save(form, row, save):
            return _saved(request, f"撤销 {row}", enterprise, "qualifications")
    back = reverse("registry:enterprise_detail", args=[pk]) + "#qualifications"
    return _form_page(
        request, form, title=f"撤销资质：{row}", enterprise=enterprise, back=back
    )
