from __future__ import annotations

from django.urls import path

from keqi.accounts import views, views_admin, views_audit

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("users/", views_admin.user_list, name="user_list"),
    path("users/new/", views_admin.user_create, name="user_create"),
    path("users/<int:pk>/", views_admin.user_detail, name="user_detail"),
    path(
        "users/<int:pk>/<str:change>/",
        views_admin.user_state,
        name="user_state",
    ),
    path("locks/", views_admin.lock_list, name="lock_list"),
    path("locks/<int:pk>/unlock/", views_admin.lock_unlock, name="lock_unlock"),
    path("policy/", views_admin.policy_page, name="policy_page"),
    path("policy/<str:key>/", views_admin.policy_set, name="policy_set"),
    path("audit/", views_audit.audit_log, name="audit_log"),
]
