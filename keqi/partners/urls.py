from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from keqi.partners import views, views_entries, views_plan

app_name = "partners"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("leads/", views.leads, name="leads"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/advance/", views.lead_advance_view, name="lead_advance"),
    path("leads/<int:pk>/settle/", views.lead_settle_view, name="lead_settle"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("institutions/", views.institutions, name="institutions"),
    path("projects/", views.projects, name="projects"),
    path("finance/", views.finance, name="finance"),
    path("trademarks/", views.trademarks, name="trademarks"),
    path("services/", views.service_log, name="services"),
    path("services/overdue/", views.overdue, name="overdue"),
    path("services/<int:pk>/done/", views.service_done, name="service_done"),
    path("plan/<slug:kind>/", views_plan.plan_list, name="plan_list"),
    path("<slug:kind>/new/", views_entries.entry_new, name="entry_new"),
    path("<slug:kind>/<int:pk>/edit/", views_entries.entry_edit, name="entry_edit"),
    path(
        "<slug:kind>/<int:pk>/delete/", views_entries.entry_delete, name="entry_delete"
    ),
    path("<slug:kind>/export/", views_entries.list_export, name="export"),
    path("<slug:kind>/import/", views_entries.list_import, name="import"),
]
