from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("timeline/", views.timeline_page, name="timeline"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("incidents/<int:pk>/status/", views.incident_set_status, name="incident-status"),
    path("places/<int:pk>/", views.place_page, name="place"),
    path("actors/<int:pk>/", views.actor_page, name="actor"),
    path("live/incidents/", views.live_incidents, name="live"),
    path("overview/", views.overview_index, name="overview-index"),
    path("overview/<str:country>/", views.overview_page, name="overview"),
    path("overview/<str:country>/<str:admin1>/", views.overview_page, name="overview-province"),
]
