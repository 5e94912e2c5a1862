from __future__ import annotations

from django.urls import path

from keqi.campaign import views

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
]
