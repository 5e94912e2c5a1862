from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from keqi.evaluations import views

app_name = "evaluations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("verdicts/<int:pk>/", views.verdict_detail, name="verdict"),
    path("compare/", views.compare, name="compare"),
]
