from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from keqi.dashboard import views

app_name = "dashboard"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("reports/", views.reports, name="reports"),
    path("districts/", views.districts, name="districts"),
]
