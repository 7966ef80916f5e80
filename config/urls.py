from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Incident Atlas curation"
admin.site.site_title = "Incident Atlas"
admin.site.index_title = "Curate incidents, places, actors and feeds"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("incidents.api.urls")),
    path("ogc/", include("incidents.api.ogc_urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("incidents.urls")),
]
