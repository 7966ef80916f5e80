"""REST API v1: thin views that validate the query, call one selector or service, and shape plain dicts.

One module per resource (`incidents`, `places`, `actors`, `sources`, `articles`) and one for the aggregates (`stats`);
`base` holds what every endpoint shares (settings name its `exception_handler`).
"""

from .actors import ActorDetailView, ActorListView
from .articles import ArticleDetailView, ArticleListView
from .incidents import IncidentCSVView, IncidentDeletedView, IncidentDetailView, IncidentGeoJSONView, IncidentListView
from .places import PlaceDetailView, PlaceLabelView, PlaceListView
from .sources import SourceListView
from .stats import IncidentClusterView, SummaryView, TimelineView

__all__ = [
    "ActorDetailView",
    "ActorListView",
    "ArticleDetailView",
    "ArticleListView",
    "IncidentCSVView",
    "IncidentClusterView",
    "IncidentDeletedView",
    "IncidentDetailView",
    "IncidentGeoJSONView",
    "IncidentListView",
    "PlaceDetailView",
    "PlaceLabelView",
    "PlaceListView",
    "SourceListView",
    "SummaryView",
    "TimelineView",
]
