from django.urls import path

from . import views
from .feeds import SavedViewFeed

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("<str:token>/feed.atom", SavedViewFeed(), name="feed"),
]
