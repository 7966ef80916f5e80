"""Pages: the dashboard, an incident, the newsroom timeline, and overviews of a place, an actor, a country or a
province. One module per page or family of pages; reads go through selectors."""

from .dashboard import dashboard, live_incidents
from .incident import highlight_segments, incident_page, incident_set_status
from .overviews import actor_page, overview_index, overview_page, place_page
from .timeline import timeline_page

__all__ = [
    "actor_page",
    "dashboard",
    "highlight_segments",
    "incident_page",
    "incident_set_status",
    "live_incidents",
    "overview_index",
    "overview_page",
    "place_page",
    "timeline_page",
]
