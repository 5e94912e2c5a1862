from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from keqi.criteria import views

app_name = "criteria"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("params/<str:pid>/", views.param, name="param"),
    path("params/<str:pid>/withdraw/", views.param_withdraw, name="param_withdraw"),
    path("programmes/<str:key>/", views.programme, name="programme"),
    path("programmes/<str:key>/compose/", views.compose, name="compose"),
    path("programmes/<str:key>/compose/text/", views.compose_text, name="compose_text"),
    path(
        "programmes/<str:key>/withdraw/",
        views.programme_withdraw,
        name="programme_withdraw",
    ),
]
