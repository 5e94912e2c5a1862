"""Rules pages (评价规则): programmes, parameters, HQ's edits and the composer.

Everyone signed in reads; only the rules' keeper changes anything (others get
403 with the reason): the city, or HQ in a one-district install (keqi.criteria.access).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from keqi.accounts.models import Role, User
from keqi.core.dates import business_today
from keqi.criteria import services
from keqi.criteria.access import may_edit_rules, rules_refusal
from keqi.criteria.composable import COMPOSABLE_BY_KEY, cn_date, describe
from keqi.criteria.engine import engine_setup
from keqi.criteria.forms import (
    AGE_AT,
    BLOCKS,
    FIGURE_CHOICES,
    IP_CLASSES,
    OPS,
    STATUSES,
    YEARS,
    ComposerInput,
    DefinitionTextForm,
    ParamEditForm,
    WithdrawForm,
    composer_from_definition,
    composer_from_post,
    row_problems,
)
from keqi.criteria.selectors import (
    Flip,
    definition_history,
    outcome_counts,
    param_history,
    param_row,
    param_rows,
    programme_row,
    programme_rows,
    verdict_flips,
)
from keqi.criteria.stored import latest_definitions
from keqi.criteria.values import FORMATS
from keqi.registry.models import QualificationKind
from keqi.rules import Programme
from keqi.rules.params import ParamError
from keqi.rules.programmes.composed import LEVELS


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _hq_only(request: HttpRequest) -> None:
    refusal = rules_refusal(_user(request))
    if refusal:
        raise PermissionDenied(refusal)


def _keeper(request: HttpRequest) -> dict[str, Any]:
    """``may_edit`` and, for a district HQ reading only, the note why."""
    user = _user(request)
    refusal = rules_refusal(user)
    note = refusal if refusal and user.role == Role.HQ_ADMIN else ""
    return {"may_edit": not refusal, "keeper_note": note}


def _day(request: HttpRequest) -> dt.date:
    text = (request.GET.get("on") or "").strip()
    try:
        return dt.date.fromisoformat(text) if text else business_today()
    except ValueError:
        messages.error(request, f"日期格式应为 2019-09-30（实际为 {text}）")
        return business_today()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Every programme with its versions and articles, every parameter on a day."""
    day, setup = _day(request), engine_setup()
    context = {
        "day": day,
        "programmes": programme_rows(setup, day),
        "groups": param_rows(setup, day),
        "problems": setup.problems,
        **_keeper(request),
    }
    return render(request, "criteria/index.html", context)


@login_required
def programme(request: HttpRequest, key: str) -> HttpResponse:
    """One programme: versions, documents, articles; for a composed one its
    history and (HQ) the composer and withdraw buttons."""
    day, setup = _day(request), engine_setup()
    row = programme_row(setup, key, day)
    history = definition_history(key) if row.composed else []
    versions = version_views(row.programme, key) if row.programme else []
    context = {"day": day, "row": row, "history": history, "versions": versions}
    context |= _keeper(request)
    return render(request, "criteria/programme.html", context)


def _titled(params: Any, ids: Any) -> list[tuple[str, str]]:
    """(id, Chinese title) of the parameters a condition uses, for its links."""
    out = []
    for pid in ids:
        try:
            out.append((pid, params.parameter(pid).title))
        except ParamError:
            out.append((pid, "（参数）"))
    return out


def version_views(programme: Programme, key: str) -> list[dict[str, Any]]:
    """Each version with its conditions; a composed one's building blocks in words."""
    params = engine_setup().params
    stored = {d.version: d.definition for d in latest_definitions() if d.key == key}
    out = []
    for v in programme.versions:
        data = stored.get(v.version, {})
        blocks = [describe(c) for c in data.get("conditions", ())]
        lines = [
            (c, blocks[i] if i < len(blocks) else "", _titled(params, c.params))
            for i, c in enumerate(v.conditions)
        ]
        require = {"all": "须满足全部条件", "any": "满足任一条件即可"}.get(
            str(data.get("require", "all")), ""
        )
        out.append({"v": v, "lines": lines, "require": require if data else ""})
    return out


@login_required
def param(request: HttpRequest, pid: str) -> HttpResponse:
    """One parameter: its dated values, history, and (HQ) the edit form with a
    preview of the verdicts it would change."""
    setup = engine_setup()
    row = param_row(setup, pid, business_today())
    form, flips, flip_day = None, None, None
    if request.method == "POST":
        _hq_only(request)
        form = ParamEditForm(request.POST)
        if form.is_valid():
            flip_day = max(business_today(), form.cleaned_data["effective_from"])
            try:
                flips = _param_flips(request, pid, form, setup, flip_day)
                if request.POST.get("action") == "save":
                    return _param_save(request, pid, form, flips, flip_day)
            except ValidationError as exc:
                form.add_error(None, exc)
                flips = None
    elif may_edit_rules(_user(request)):
        form = ParamEditForm(initial=_initial(row))
    context = {
        "row": row,
        "history": param_history(pid),
        "form": form,
        "format": FORMATS.get(row.param.type, ""),
        "flips": flips,
        "flip_day": flip_day,
        **_keeper(request),
    }
    return render(request, "criteria/param.html", context)


def _initial(row: Any) -> dict[str, Any]:
    current = row.current
    return {
        "value": current.text if current else "",
        "effective_from": business_today(),
        "status": current.status if current else row.param.status,
    }


def _param_flips(
    request: HttpRequest, pid: str, form: ParamEditForm, setup: Any, day: dt.date
) -> list[Flip]:
    data = form.cleaned_data
    _, after = services.param_edit_check(
        param_id=pid,
        value_text=data["value"],
        effective_from=data["effective_from"],
        status=data["status"],
    )
    return verdict_flips(request.user, setup, after, day)


def _param_save(
    request: HttpRequest,
    pid: str,
    form: ParamEditForm,
    flips: list[Flip],
    day: dt.date,
) -> HttpResponse:
    data = form.cleaned_data
    services.param_edit_save(
        param_id=pid,
        value_text=data["value"],
        effective_from=data["effective_from"],
        status=data["status"],
        reason=data["reason"],
        actor=request.user,
    )
    messages.success(request, f"已保存，并记入操作记录。{flip_summary(flips, day)}")
    return redirect("criteria:param", pid=pid)


def flip_summary(flips: list[Flip], day: dt.date) -> str:
    """ "按…测算，N 家企业的结论因此改变：…" (first ten named)."""
    if not flips:
        return f"按{cn_date(day)}的企业数据测算，没有企业的结论因此改变。"
    names = "、".join(
        f"{f.enterprise.name}（{f.programme}：{f.before}→{f.after}）"
        for f in flips[:10]
    )
    more = f"等 {len(flips)} 条" if len(flips) > 10 else ""
    count = len({f.enterprise.pk for f in flips})
    return (
        f"按{cn_date(day)}的企业数据测算，{count} 家企业的结论因此改变：{names}{more}。"
    )


@login_required
@require_POST
def param_withdraw(request: HttpRequest, pid: str) -> HttpResponse:
    """Take HQ's edit of one date back out (HQ only)."""
    _hq_only(request)
    form = WithdrawForm(request.POST)
    try:
        day = dt.date.fromisoformat(request.POST.get("effective_from", ""))
        if not form.is_valid():
            raise ValidationError("请填写撤销理由")
        services.param_edit_withdraw(
            param_id=pid,
            effective_from=day,
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, f"已撤销 {day} 起的修改，并记入操作记录。")
    except ValueError:
        messages.error(request, "生效日期不正确")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("criteria:param", pid=pid)


@login_required
def compose(request: HttpRequest, key: str) -> HttpResponse:
    """The composer (HQ only): add rows, preview the verdicts, save a version."""
    _hq_only(request)
    spec = COMPOSABLE_BY_KEY.get(key)
    if spec is None:
        raise Http404("这个评价项目不能组合定义")
    counts, count_day = None, None
    if request.method == "POST":
        action = request.POST.get("action", "")
        found = composer_from_post(request.POST, 1 if action == "addrow" else 0)
        if action in ("preview", "save"):
            result = _compose_check(request, key, found)
            if result is not None:
                count_day, counts = result
            if result is not None and action == "save":
                saved = _compose_save(request, key, found)
                if saved is not None:
                    return saved
    else:
        found = composer_from_definition(_stored(key, request.GET.get("version")))
    context = {
        "spec": spec,
        "found": found,
        "counts": counts,
        "count_day": count_day,
        **CHOICES,
    }
    return render(request, "criteria/compose.html", context)


CHOICES = {
    "blocks": BLOCKS,
    "age_at": AGE_AT,
    "ops": OPS,
    "years": YEARS,
    "ip_classes": IP_CLASSES,
    "figures": FIGURE_CHOICES,
    "statuses": STATUSES,
    "levels": LEVELS,
    "kinds": QualificationKind.values,
}


def _stored(key: str, version: str | None) -> dict[str, Any] | None:
    rows = [r for r in latest_definitions() if r.key == key]
    chosen = [r for r in rows if r.version == version] if version else rows[-1:]
    return dict(chosen[0].definition) if chosen else None


def _compose_check(
    request: HttpRequest, key: str, found: ComposerInput
) -> tuple[dt.date, Any] | None:
    found.errors = row_problems(found.rows)
    if found.errors:
        return None
    try:
        data, after = services.programme_definition_check(
            key=key, definition=found.definition()
        )
    except ValidationError as exc:
        found.errors = exc.messages
        return None
    day = max(business_today(), dt.date.fromisoformat(str(data["effective_from"])))
    return day, outcome_counts(request.user, after, key, day)


def _compose_save(
    request: HttpRequest, key: str, found: ComposerInput
) -> HttpResponse | None:
    """Save and redirect; None (errors on ``found``) when refused."""
    try:
        row = services.programme_definition_save(
            key=key,
            definition=found.definition(),
            reason=found.reason,
            actor=request.user,
        )
    except ValidationError as exc:
        found.errors = exc.messages
        return None
    messages.success(request, f"已保存版本“{row.version}”，并记入操作记录。")
    return redirect("criteria:programme", key=key)


@login_required
@require_POST
def compose_text(request: HttpRequest, key: str) -> HttpResponse:
    """Save a version written as definition text (HQ only): any block the engine
    knows, "any k of these" groups included."""
    _hq_only(request)
    if key not in COMPOSABLE_BY_KEY:
        raise Http404("这个评价项目不能组合定义")
    form = DefinitionTextForm(request.POST)
    problems: list[str] = []
    if form.is_valid():
        try:
            row = services.programme_definition_save(
                key=key,
                definition=form.cleaned_data["definition"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, f"已保存版本“{row.version}”，并记入操作记录。")
            return redirect("criteria:programme", key=key)
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
    found = composer_from_definition(_stored(key, None))
    context = {
        "spec": COMPOSABLE_BY_KEY[key],
        "found": found,
        "counts": None,
        "count_day": None,
        "text_form": form,
        "text_errors": problems,
        **CHOICES,
    }
    return render(request, "criteria/compose.html", context, status=400)


@login_required
@require_POST
def programme_withdraw(request: HttpRequest, key: str) -> HttpResponse:
    """Take one version of a composed programme back out (HQ only)."""
    _hq_only(request)
    form = WithdrawForm(request.POST)
    version = request.POST.get("version", "")
    try:
        if not form.is_valid():
            raise ValidationError("请填写撤销理由")
        services.programme_definition_withdraw(
            key=key,
            version=version,
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, f"已撤销版本“{version}”，并记入操作记录。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("criteria:programme", key=key)
