from __future__ import annotations

from django.urls import path

from keqi.campaign import views, views_organisation

app_name = "campaign"
urlpatterns = [
    path("", views.board, name="board"),
    path("targets/<slug:key>/records/", views.target_records, name="target_records"),
    path("measures/<int:number>/", views.measure_detail, name="measure_detail"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/open/", views.report_open, name="report_open"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path(
        "attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("decisions/<int:pk>/close/", views.decision_close, name="decision_close"),
    path("assessment/", views.assessment, name="assessment"),
    path("summary/", views.summary, name="summary"),
    path("months/close/", views.month_close, name="month_close"),
    # 组织保障: units' work plans, the 指挥部's members, meeting attendance
    path("work-plans/", views_organisation.work_plans, name="work_plans"),
    path("work-plans/new/", views_organisation.work_task_new, name="work_task_new"),
    path(
        "work-plans/<int:pk>/", views_organisation.work_task_edit, name="work_task_edit"
    ),
    path(
        "work-plans/<int:pk>/delete/",
        views_organisation.work_task_delete,
        name="work_task_delete",
    ),
    path("hq-members/", views_organisation.hq_members, name="hq_members"),
    path(
        "hq-members/<int:pk>/delete/",
        views_organisation.hq_member_delete,
        name="hq_member_delete",
    ),
    path(
        "meetings/<int:pk>/attendance/",
        views_organisation.meeting_attendance,
        name="meeting_attendance",
    ),
]
