from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from keqi.activities import (
    views,
    views_contest,
    views_import,
    views_platforms,
    views_talent,
)

app_name = "activities"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("list/", views.activity_list, name="activity_list"),
    path("new/", views.activity_new, name="activity_new"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/attendance/", views.attendance_add, name="attendance_add"),
    path(
        "<int:pk>/attendance/<int:row>/remove/",
        views.attendance_remove,
        name="attendance_remove",
    ),
    path("<int:pk>/rounds/", views_contest.round_add, name="round_add"),
    path("<int:pk>/entries/new/", views_contest.entry_edit, name="entry_new"),
    path(
        "<int:pk>/entries/<int:entry>/edit/",
        views_contest.entry_edit,
        name="entry_edit",
    ),
    path("followup/", views.followup, name="followup"),
    path("platforms/", views_platforms.platforms, name="platforms"),
    path("trainees/", views_talent.trainees, name="trainees"),
    path("trainees/file/", views_talent.trainee_file, name="trainee_file"),
    path("haihe/", views_talent.introductions, name="introductions"),
    path("haihe/new/", views_talent.introduction_edit, name="introduction_new"),
    path(
        "haihe/<int:pk>/edit/",
        views_talent.introduction_edit,
        name="introduction_edit",
    ),
    path("import/", views_import.import_page, name="import"),
    path("import/template/", views_import.import_template, name="import_template"),
]
