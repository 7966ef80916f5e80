from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/incidents/", views.IncidentListView.as_view(), name="incident-list"),
    path("v1/incidents.geojson", views.IncidentGeoJSONView.as_view(), name="incident-geojson"),
    path("v1/incidents.csv", views.IncidentCSVView.as_view(), name="incident-csv"),
    path("v1/incidents/clusters/", views.IncidentClusterView.as_view(), name="incident-clusters"),
    path("v1/incidents/deleted/", views.IncidentDeletedView.as_view(), name="incident-deleted"),
    path("v1/incidents/<str:pk>/", views.IncidentDetailView.as_view(), name="incident-detail"),
    path("v1/places/", views.PlaceListView.as_view(), name="place-list"),
    path("v1/places/labels/", views.PlaceLabelView.as_view(), name="place-labels"),
    path("v1/places/<str:pk>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("v1/actors/", views.ActorListView.as_view(), name="actor-list"),
    path("v1/actors/<str:pk>/", views.ActorDetailView.as_view(), name="actor-detail"),
    path("v1/articles/", views.ArticleListView.as_view(), name="article-list"),
    path("v1/articles/<str:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("v1/sources/", views.SourceListView.as_view(), name="source-list"),
    path("v1/stats/timeline/", views.TimelineView.as_view(), name="stats-timeline"),
    path("v1/stats/summary/", views.SummaryView.as_view(), name="stats-summary"),
]
