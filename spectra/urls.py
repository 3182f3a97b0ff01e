from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from spectra.health import healthz, readyz
from spectra.metrics_view import metrics
from spectra.views import attention_view

admin.site.site_header = "Spectra"
admin.site.site_title = "Spectra"
admin.site.index_title = "Campaign operations"
# "View site" would lead back here: the console is the site.
admin.site.site_url = None

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    path("metrics/", metrics, name="metrics"),
    # Before the admin's own URLs, which would take "attention/" for an app label.
    path("admin/attention/", admin.site.admin_view(attention_view), name="attention"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline, so the
    # Content-Security-Policy can forbid inline scripts on the docs too.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
