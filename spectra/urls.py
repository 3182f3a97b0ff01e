from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Spectra"
admin.site.site_title = "Spectra"
admin.site.index_title = "Campaign operations"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
