"""The API's two web pages: the endpoint list (接口说明, from the OpenAPI schema)
and API tokens (接口令牌), where a user makes and revokes their own tokens and
HQ manages everyone's. A new token's key is shown once, on the answer to the
form that made it, and never again."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator

from keqi.accounts.models import User
from keqi.api import selectors, services
from keqi.api.permissions import may_read_docs
from keqi.core.query import whole_number

METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=1)
def endpoint_groups() -> list[tuple[str, list[dict[str, Any]]]]:
    """Every operation of the schema, grouped by tag in the schema's order."""
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [p for p in op.get("parameters", []) if p["in"] == "query"]
            groups.setdefault((op.get("tags") or ["其他"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                }
            )
    return list(groups.items())


def api_docs(request: HttpRequest) -> HttpResponse:
    """The endpoint list with how to authenticate, page and read errors (signed in
    only, unless KEQI_API_DOCS_PUBLIC)."""
    if not may_read_docs(request.user):
        return redirect_to_login(request.get_full_path())
    base = request.build_absolute_uri("/api/v1/")
    context = {"groups": endpoint_groups(), "base": base}
    return render(request, "api/docs.html", context)


def _owners(user: Any) -> list[Any]:
    if not user.is_hq:
        return []
    return list(User.objects.filter(is_active=True).order_by("unit__sort", "username"))


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens (HQ: everyone's) and the form to make one."""
    created = None
    if request.method == "POST":
        created = _create(request)
    context = {
        "tokens": selectors.token_list_for(request.user),
        "owners": _owners(request.user),
        "created": created,
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _create(request: HttpRequest) -> services.TokenCreated | None:
    owner: Any = request.user
    picked = request.POST.get("user", "")
    picked_pk = whole_number(picked)
    if picked_pk is not None and picked_pk != owner.pk:
        owner = next((u for u in _owners(request.user) if u.pk == picked_pk), None)
        if owner is None:
            raise PermissionDenied("只能为自己创建接口令牌")
    try:
        return services.api_token_create(
            user=owner, name=request.POST.get("name", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return None


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one token the user manages; it stops working at once."""
    token = selectors.token_get_for(request.user, pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"已撤销令牌“{token.name}”，使用它的系统将无法再访问")
    return redirect("api:tokens")
