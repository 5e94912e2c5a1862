"""Registry URLs under /enterprises/."""

from __future__ import annotations

from django.urls import path

from keqi.registry import views
from keqi.registry import views_workbook as wb

app_name = "registry"

IP, QUAL, CREDIT = {"kind": "ip"}, {"kind": "qualification"}, {"kind": "credit"}

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/figures/add/", views.figures_edit, name="figures_add"),
    path("<int:pk>/figures/<int:year>/edit/", views.figures_edit, name="figures_edit"),
    path("<int:pk>/ip/add/", views.item_edit, IP, name="ip_add"),
    path("<int:pk>/ip/<int:item_id>/edit/", views.item_edit, IP, name="ip_edit"),
    path("<int:pk>/ip/<int:item_id>/delete/", views.item_delete, IP, name="ip_delete"),
    path(
        "<int:pk>/qualifications/add/",
        views.item_edit,
        QUAL,
        name="qualification_add",
    ),
    path(
        "<int:pk>/qualifications/<int:item_id>/edit/",
        views.item_edit,
        QUAL,
        name="qualification_edit",
    ),
    path(
        "<int:pk>/qualifications/<int:item_id>/revoke/",
        views.qualification_revoke,
        name="qualification_revoke",
    ),
    path(
        "<int:pk>/qualifications/<int:item_id>/delete/",
        views.item_delete,
        QUAL,
        name="qualification_delete",
    ),
    path("<int:pk>/credit/add/", views.item_edit, CREDIT, name="credit_add"),
    path(
        "<int:pk>/credit/<int:item_id>/edit/",
        views.item_edit,
        CREDIT,
        name="credit_edit",
    ),
    path(
        "<int:pk>/credit/<int:item_id>/delete/",
        views.item_delete,
        CREDIT,
        name="credit_delete",
    ),
    path("import/", wb.workbook_import, name="import"),
    path("import/jobs/<int:pk>/", wb.workbook_job, name="workbook_job"),
    path(
        "import/jobs/<int:pk>/confirm/",
        wb.workbook_job_confirm,
        name="workbook_job_confirm",
    ),
    path(
        "import/jobs/<int:pk>/download/",
        wb.workbook_job_download,
        name="workbook_job_download",
    ),
    path("import/template/", wb.workbook_template, name="workbook_template"),
    path("export/", wb.workbook_export, name="export"),
]
