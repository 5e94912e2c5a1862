"""Adding, changing, deleting, importing and exporting entries of every list.

One set of thin views serves all seven lists (leads, events, institutions,
projects, finance, trademarks, service log): `KINDS` says which form, scoped
list and services each uses. A unit changes only its own entries: another
unit's entry is a 404, and read-only accounts get 403.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from keqi.accounts.models import User
from keqi.accounts.scopes import enterprise_q
from keqi.core.dates import business_today
from keqi.core.forms import errors_onto_form
from keqi.core.query import whole_number
from keqi.core.uploads import request_too_large, upload_too_large
from keqi.partners import forms as f
from keqi.partners import forms_plan as fp
from keqi.partners import selectors_plan as sp_sel
from keqi.partners import services
from keqi.partners import services_plan as sp
from keqi.partners.access import can_record
from keqi.partners.excel import import_file, xlsx_bytes
from keqi.partners.held_imports import held_drop, held_put, held_take
from keqi.partners.leads import lead_create, lead_update
from keqi.partners.selectors import (
    entry_get,
    entry_get_to_edit,
    event_list_for,
    finance_list_for,
    institution_list,
    lead_list_for,
    project_list_for,
    service_list_for,
    service_visits_nearby,
    trademark_list_for,
)
from keqi.partners.sheets import SHEETS
from keqi.partners.sheets_plan import PLAN_SHEETS
from keqi.registry.models import Enterprise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = (".xlsx", ".xls", ".zip", ".csv")


@dataclass(frozen=True)
class Kind:
    """What one list's entry pages use."""

    title: str
    form: type[f.PartnerForm]
    rows: Callable[[Any], QuerySet[Any]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    back: str

    @property
    def url(self) -> str:
        """The list's page: its own URL name, or the plan-item list of that kind."""
        if self.back.startswith("partners:"):
            return reverse(self.back)
        return reverse("partners:plan_list", args=[self.back])


KINDS: dict[str, Kind] = {
    "leads": Kind(
        "招商线索",
        f.LeadForm,
        lead_list_for,
        lead_create,
        lead_update,
        "partners:leads",
    ),
    "events": Kind(
        "合作服务活动",
        f.EventForm,
        event_list_for,
        services.event_create,
        services.event_update,
        "partners:events",
    ),
    "institutions": Kind(
        "合作院所",
        f.InstitutionForm,
        lambda user: institution_list(),
        services.institution_create,
        services.institution_update,
        "partners:institutions",
    ),
    "projects": Kind(
        "产学研合作项目",
        f.ProjectForm,
        project_list_for,
        services.project_create,
        services.project_update,
        "partners:projects",
    ),
    "finance": Kind(
        "科技金融记录",
        f.FinanceForm,
        finance_list_for,
        services.finance_record_create,
        services.finance_record_update,
        "partners:finance",
    ),
    "trademarks": Kind(
        "商标",
        f.TrademarkForm,
        trademark_list_for,
        services.trademark_create,
        services.trademark_update,
        "partners:trademarks",
    ),
    "services": Kind(
        "走访服务记录",
        f.ServiceForm,
        service_list_for,
        services.service_entry_create,
        services.service_entry_update,
        "partners:services",
    ),
    # Plan items (issue 17): their lists are partners:plan_list <kind>.
    "alliances": Kind(
        "产业技术创新战略联盟",
        fp.AllianceForm,
        sp_sel.alliance_list_for,
        sp.alliance_create,
        sp.alliance_update,
        "alliances",
    ),
    "carriers": Kind(
        "载体",
        fp.CarrierForm,
        sp_sel.carrier_list_for,
        sp.carrier_create,
        sp.carrier_update,
        "carriers",
    ),
    "settlements": Kind(
        "载体入驻记录",
        fp.SettlementForm,
        sp_sel.settlement_list_for,
        sp.carrier_settlement_create,
        sp.carrier_settlement_update,
        "settlements",
    ),
    "stations": Kind(
        "驻外招商工作站",
        fp.StationForm,
        sp_sel.station_list_for,
        sp.overseas_station_create,
        sp.overseas_station_update,
        "stations",
    ),
    "standards": Kind(
        "标准制定记录",
        fp.StandardForm,
        sp_sel.standard_list_for,
        sp.standard_work_create,
        sp.standard_work_update,
        "standards",
    ),
    "civmil": Kind(
        "军民融合项目",
        fp.CivMilForm,
        sp_sel.civmil_list_for,
        sp.civmil_project_create,
        sp.civmil_project_update,
        "civmil",
    ),
}
ALL_SHEETS = {**SHEETS, **PLAN_SHEETS}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404("没有这个列表")
    return KINDS[slug]


def editable_get(user: Any, slug: str, pk: int) -> Any:
    """An entry the user's unit may change (preset institutions: the HQ office)."""
    rows = _kind(slug).rows(user)
    if slug == "institutions" and can_record(user) and user.is_hq:
        return entry_get(
            rows.filter(Q(unit_id=user.unit_id) | Q(unit__isnull=True)), pk
        )
    return entry_get_to_edit(user, rows, pk)


def next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and safe else default


def attach_errors(form: Any, exc: ValidationError) -> None:
    """A service's errors onto the form fields they name (others on top)."""
    errors_onto_form(form, exc)


def save_form(form: Any, save: Callable[[dict[str, Any]], Any]) -> Any:
    """Validate and save through a service; None (errors on the form) if it fails."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        attach_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


def revisits_unconfirmed(
    request: HttpRequest, kind: str, form: Any, row: Any = None
) -> list[Any]:
    """Other units' recent visits to warn about before saving a visit (避免重复走访).

    Empty when there are none, when the user confirmed (仍然保存) or the form is
    invalid (its errors come first)."""
    if kind != "services" or request.POST.get("confirm_revisit"):
        return []
    if not form.is_valid():
        return []
    data, user = form.cleaned_data, cast(User, request.user)
    return service_visits_nearby(
        enterprise=data["enterprise"],
        unit_id=row.unit_id if row is not None else user.unit_id,
        on=data["on"],
        kind=data["kind"],
        exclude_pk=row.pk if row is not None else None,
    )


def _initial(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Prefill from the query string (?enterprise=<pk>, ?topic=) and the user."""
    today = business_today()
    initial: dict[str, Any] = {"person": request.user}
    initial |= {"on": today, "contacted_on": today, "held_on": today}
    pk = request.GET.get("enterprise", "")
    if (enterprise_pk := whole_number(pk)) is not None:
        # Only an enterprise the user may see: another area's code is never shown.
        visible = Enterprise.objects.filter(enterprise_q(request.user))
        found = visible.filter(pk=enterprise_pk).first()
        initial["enterprise"] = found.uscc if found else ""
    initial["topic"] = request.GET.get("topic", "")
    return initial


def _form_page(
    request: HttpRequest,
    form: Any,
    kind: Kind,
    title: str,
    back: str,
    revisits: list[Any] | None = None,
) -> HttpResponse:
    context = {"form": form, "title": title, "kind": kind, "back": back}
    context["next"] = next_url(request, "")
    context["revisits"] = revisits or []
    context["revisit_days"] = settings.KEQI_SERVICE_REVISIT_DAYS
    return render(request, "partners/form.html", context)


@login_required
def entry_new(request: HttpRequest, kind: str) -> HttpResponse:
    """A form to record a new entry for the user's unit."""
    spec = _kind(kind)
    if not can_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能录入")
    data = request.POST if request.method == "POST" else None
    form = spec.form(data, user=request.user, initial=_initial(request, kind))
    back = next_url(request, spec.url)
    revisits = revisits_unconfirmed(request, kind, form) if data else []
    if data is not None and not revisits:
        row = save_form(form, lambda v: spec.create(values=v, actor=request.user))
        if row is not None:
            messages.success(request, f"已保存{spec.title}“{row}”。")
            return redirect(next_url(request, _after_save(kind, row)))
    return _form_page(request, form, spec, f"新增{spec.title}", back, revisits)


def _after_save(kind: str, row: Model) -> str:
    if kind in ("leads", "events"):
        return reverse(f"partners:{kind[:-1]}_detail", args=[row.pk])
    return KINDS[kind].url


@login_required
def entry_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Change an entry of the user's unit."""
    spec = _kind(kind)
    row = editable_get(request.user, kind, pk)
    data = request.POST if request.method == "POST" else None
    form = spec.form(data, user=request.user, instance=row)
    revisits = revisits_unconfirmed(request, kind, form, row) if data else []
    if data is not None and not revisits:
        saved = save_form(
            form, lambda v: spec.update(row=row, values=v, actor=request.user)
        )
        if saved is not None:
            changed = "已保存修改" if saved.outcome == "updated" else "没有改动"
            messages.success(request, f"{changed}：{row}。")
            return redirect(next_url(request, _after_save(kind, row)))
    back = next_url(request, _after_save(kind, row))
    return _form_page(request, form, spec, f"修改{spec.title}", back, revisits)


@login_required
def entry_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Confirm, then delete an entry of the user's unit (kept in the audit trail)."""
    spec = _kind(kind)
    row = editable_get(request.user, kind, pk)
    if request.method == "POST":
        try:
            services.partner_entry_delete(
                row=row, actor=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(_after_save(kind, row))
        messages.success(request, f"已删除{spec.title}“{row}”。")
        return redirect(spec.url)
    context = {"row": row, "kind": spec, "back": _after_save(kind, row)}
    return render(request, "partners/confirm_delete.html", context)


# ---------------------------------------------------------------- Excel


@login_required
def list_export(request: HttpRequest, kind: str) -> FileResponse:
    """The list as the user sees it, in its exchange format (?blank=1: headers only)."""
    sheet = ALL_SHEETS.get(kind)
    if sheet is None:
        raise Http404("没有这个列表")
    rows = [] if request.GET.get("blank") else list(sheet.rows(request.user))
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{sheet.name}{'模板' if request.GET.get('blank') else '导出'}_{stamp}.xlsx"
    data = xlsx_bytes(sheet, rows)
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX
    )


@login_required
def list_import(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file for one list: every row applied, or nothing and every error.

    A file whose rows only warn (避免重复走访) is previewed with the warnings and
    applied when the user confirms (``confirm`` = the held file's token)."""
    sheet = ALL_SHEETS.get(kind)
    if sheet is None:
        raise Http404("没有这个列表")
    if not can_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能导入")
    context: dict[str, Any] = {"sheet": sheet, "kind": _kind(kind)}
    if request.method != "POST":
        return render(request, "partners/import.html", context)
    if "confirm" in request.POST:
        return _import_confirmed(request, kind, context)
    too_large = request_too_large(request)
    if too_large is not None:
        context["form_error"] = too_large
        return render(request, "partners/import.html", context, status=400)
    upload = request.FILES.get("file")
    name = Path(upload.name).name if upload is not None and upload.name else ""
    if not name.lower().endswith(ACCEPTED):
        context["form_error"] = "请选择 .xlsx、.xls 文件，或 CSV 文件（可打包为 .zip）"
        return render(request, "partners/import.html", context, status=400)
    too_large = upload_too_large(upload)
    if too_large is not None:
        context["form_error"] = too_large
        return render(request, "partners/import.html", context, status=400)
    folder = Path(tempfile.mkdtemp(prefix="keqi-partners-"))
    try:
        path = folder / name
        with path.open("wb") as out:
            for chunk in upload.chunks():  # type: ignore[union-attr]
                out.write(chunk)
        outcome = import_file(sheet, path, request.user, confirmed=False)
        if outcome.held:
            context["held_token"] = held_put(request.session, kind, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    context |= {"outcome": outcome, "file_name": name}
    return render(
        request, "partners/import.html", context, status=200 if outcome.ok else 400
    )


def _import_confirmed(
    request: HttpRequest, kind: str, context: dict[str, Any]
) -> HttpResponse:
    """Apply the held file the user previewed, warnings and all."""
    path = held_take(request.session, kind, request.POST.get("confirm", ""))
    if path is None:
        context["form_error"] = (
            "待确认的文件已失效（已导入、已取消或已上传其他文件），请重新上传"
        )
        return render(request, "partners/import.html", context, status=400)
    try:
        outcome = import_file(context["sheet"], path, request.user, confirmed=True)
    finally:
        held_drop(request.session, kind)
    context |= {"outcome": outcome, "file_name": path.name}
    return render(
        request, "partners/import.html", context, status=200 if outcome.ok else 400
    )
