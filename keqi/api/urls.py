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
    views_work,
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
    # funds, activities, partners and the campaign's organisation
    path("awards/", views_work.award_list, name="awards"),
    path("awards/<rowid:pk>/", views_work.award_detail, name="award_detail"),
    path("ledger/", views_work.ledger_list, name="ledger"),
    path("activities/", views_work.activity_list, name="activities"),
    path("activities/<rowid:pk>/", views_work.activity_detail, name="activity_detail"),
    path("service-log/", views_work.service_list, name="service_log"),
    path("finance/", views_work.finance_list, name="finance"),
    path("projects/", views_work.project_list, name="projects"),
    path("leads/", views_work.lead_list, name="leads"),
    path("trademarks/", views_work.trademark_list, name="trademarks"),
    path("alliances/", views_work.alliance_list, name="alliances"),
    path("settlements/", views_work.settlement_list, name="settlements"),
    path("standards/", views_work.standard_list, name="standards"),
    path("meetings/", views_work.meeting_list, name="meetings"),
    path("meetings/<rowid:pk>/", views_work.meeting_detail, name="meeting_detail"),
    path("hq-members/", views_work.hq_member_list, name="hq_members"),
    path("work-tasks/", views_work.work_task_list, name="work_tasks"),
    path("work-tasks/new/", views_work.work_task_create, name="work_task_create"),
    path(
        "work-tasks/<rowid:pk>/", views_work.work_task_update, name="work_task_update"
    ),
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
