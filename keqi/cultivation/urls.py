from __future__ import annotations

from django.urls import path

from keqi.cultivation import views, views_rd, views_reminders, views_reserve

app_name = "cultivation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("libraries/<slug:key>/", views.library_list, name="library_list"),
    path(
        "libraries/<slug:key>/changes/", views.library_changes, name="library_changes"
    ),
]
urlpatterns += [
    path("tiers/", views.tiers, name="tiers"),
    path("tiers/ladder/", views.ladder_edit, name="ladder_edit"),
    path("tiers/<int:pk>/", views.tier_history, name="tier_history"),
]
urlpatterns += [
    path("reminders/", views_reminders.reminders, name="reminders"),
    path("reminders/mark/", views_reminders.reminder_mark, name="reminder_mark"),
    path(
        "reminders/settings/",
        views_reminders.reminder_settings,
        name="reminder_settings",
    ),
]
urlpatterns += [
    path("rd/", views_rd.rd_monitor, name="rd_monitor"),
    path("rd/list/", views_rd.rd_list, name="rd_list"),
    path("rd/export.xlsx", views_rd.rd_export, name="rd_export"),
]
urlpatterns += [
    path("reserve/<slug:key>/", views_reserve.reserve, name="reserve"),
    path("portrait/<int:pk>/", views_reserve.portrait, name="portrait"),
]
