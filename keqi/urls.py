from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from keqi.core import views as core_views
from keqi.core import views_downloads

# A bad request (BadRequest raised with a Chinese message) is a Chinese page, or JSON
# under /api/.
handler400 = "keqi.core.errors.bad_request"
handler403 = "keqi.core.errors.permission_denied"

urlpatterns = [
    path("", core_views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (e.g. a PDF tab).
    path("favicon.ico", RedirectView.as_view(url=static("keqi/favicon.svg"))),
    path("healthz", core_views.healthz, name="healthz"),
    path("reports/", core_views.report_list, name="report_list"),
    path("reports/<int:pk>/", core_views.report_download, name="report_download"),
    path("downloads/<int:pk>/", views_downloads.download_page, name="download"),
    path(
        "downloads/<int:pk>/file", views_downloads.download_fetch, name="download_file"
    ),
    path("accounts/", include("keqi.accounts.urls")),
    path("enterprises/", include("keqi.registry.urls")),
    path("cultivation/", include("keqi.cultivation.urls")),
    path("campaign/", include("keqi.campaign.urls")),
    path("criteria/", include("keqi.criteria.urls")),
    path("evaluations/", include("keqi.evaluations.urls")),
    path("funds/", include("keqi.funds.urls")),
    path("activities/", include("keqi.activities.urls")),
    path("partners/", include("keqi.partners.urls")),
    path("products/", include("keqi.products.urls")),
    path("dashboard/", include("keqi.dashboard.urls")),
    path("api/", include("keqi.api.urls")),
]
