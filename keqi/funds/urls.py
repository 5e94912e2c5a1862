from __future__ import annotations

from django.urls import path

from keqi.funds import views, views_money, views_transfer

app_name = "funds"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rule_list, name="rule_list"),
    path("funds/new/", views.fund_add, name="fund_add"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("awards/", views.award_list, name="award_list"),
    path("awards/generate/", views.award_generate, name="award_generate"),
    path("awards/apply/", views.award_apply, name="award_apply"),
    path("awards/<int:pk>/", views.award_detail, name="award_detail"),
    path("awards/<int:pk>/check/", views.award_check, name="award_check"),
    path("awards/<int:pk>/approve/", views.award_approve, name="award_approve"),
    path("awards/<int:pk>/reject/", views.award_reject, name="award_reject"),
    path("awards/<int:pk>/pay/", views_money.award_pay, name="award_pay"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/export.xlsx", views.notice_export, name="notice_export"),
    path("ledger/", views_money.ledger, name="ledger"),
    path("ledger/export.xlsx", views_money.ledger_export, name="ledger_export"),
    path("ledger/<int:pk>/reverse/", views_money.entry_reverse, name="entry_reverse"),
    path("budgets/", views_money.budget_list, name="budget_list"),
    path("budgets/set/", views_money.budget_set, name="budget_set"),
    path("settlement/", views_money.settlement, name="settlement"),
    path("settlement/ratio/", views_money.ratio_set, name="ratio_set"),
    path("settlement/close/", views_money.settlement_close, name="settlement_close"),
    path(
        "settlement/<int:year>/<slug:area>/",
        views_money.statement,
        name="statement",
    ),
    path(
        "settlement/<int:year>/<slug:area>/statement.<str:fmt>",
        views_money.statement_export,
        name="statement_export",
    ),
    # 措施12: income from higher-level 转移支付
    path("transfers/", views_transfer.transfer_list, name="transfer_list"),
    path(
        "transfers/<int:pk>/correct/",
        views_transfer.transfer_correct,
        name="transfer_correct",
    ),
]
