from django.urls import path

from . import ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.LandingView.as_view(), name="landing"),
    path("api", ogc.OpenAPIView.as_view(), name="openapi"),
    path("conformance", ogc.ConformanceView.as_view(), name="conformance"),
    path("collections", ogc.CollectionsView.as_view(), name="collections"),
    path("collections/<str:name>", ogc.CollectionView.as_view(), name="collection"),
    path("collections/<str:name>/queryables", ogc.QueryablesView.as_view(), name="queryables"),
    path("collections/<str:name>/items", ogc.ItemsView.as_view(), name="items"),
    path("collections/<str:name>/items/<str:pk>", ogc.ItemView.as_view(), name="item"),
]
