from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from keqi.products import views, views_excel

app_name = "products"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("products/", views.product_list, name="product_list"),
    path("transformations/", views.transformation_list, name="transformation_list"),
    path("<slug:slug>/new/", views.record_new, name="record_new"),
    path("<slug:slug>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<slug:slug>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("<slug:slug>/export/", views_excel.list_export, name="export"),
    path("<slug:slug>/import/", views_excel.list_import, name="import"),
]
