"""API URLs under /api/: the endpoint list, tokens page, OpenAPI schema and /api/v1/."""

from __future__ import annotations

from django.urls import (
    URLPattern,
    URLResolver,
    include,
    path,
    re_path,
    register_converter,
)
from drf_spectacular.views import SpectacularAPIView

from keqi.api import (
    views_evaluations,
    views_import,
    views_pages,
    views_products,
    views_progress,
    views_registry,
)
from keqi.api import views_reports as reports
from keqi.api.errors import not_found


class RowId:
    """A database id in a path: at most 18 digits, so it always fits a bigint."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowId, "rowid")

app_name = "api"
v1: list[URLPattern | URLResolver] = [
    path("me/", views_registry.me, name="me"),
    path("areas/", views_registry.areas, name="areas"),
    path("enterprises/", views_registry.enterprise_list, name="enterprise_list"),
    path(
        "enterprises/<str:uscc>/",
        views_registry.enterprise_detail,
        name="enterprise_detail",
    ),
    path(
        "enterprises/<str:uscc>/verdicts/",
        views_registry.enterprise_verdicts,
        name="enterprise_verdicts",
    ),
    path("figures/", views_registry.figures_list, name="figures"),
    path("qualifications/", views_registry.qualification_list, name="qualifications"),
    path("ip/", views_registry.ip_list, name="ip"),
    path("verdicts/", views_registry.verdict_list, name="verdicts"),
    path("evaluations/", views_evaluations.evaluation_list, name="evaluations"),
    path(
        "evaluations/<rowid:pk>/verdicts/",
        views_evaluations.evaluation_verdicts,
        name="evaluation_verdicts",
    ),
    path("libraries/", views_progress.library_table, name="libraries"),
    path(
        "libraries/<slug:key>/",
        views_progress.library_member_list,
        name="library_members",
    ),
    path("targets/", views_progress.target_list, name="targets"),
    path(
        "targets/<slug:key>/records/",
        views_progress.target_records,
        name="target_records",
    ),
    path("products/", views_products.product_list, name="products"),
    path(
        "transformations/",
        views_products.transformation_list,
        name="transformations",
    ),
    path("imports/", views_import.workbook_import, name="import"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/open/", reports.report_open, name="report_open"),
    path("reports/<rowid:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<rowid:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<rowid:pk>/return/", reports.report_return, name="report_return"),
]
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_pages.api_docs, name="docs"),
    path("tokens/", views_pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_pages.token_revoke, name="token_revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(v1)),
    # Anything else under /api/ is a JSON 404, never the HTML page.
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
