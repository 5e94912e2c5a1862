from __future__ import annotations

from django.urls import path

from keqi.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
]
