"""Every read of the domain, keyword-only and typed: pages and the API read only through here."""

from .catalog import actor_get, actor_list, article_get, article_incidents, article_list, source_list
from .cells import POINT_CELLS_MAX, POINT_CELLS_PER_DEGREE, in_point_cells, point_cells
from .clusters import CLUSTER_CELL_PX, CLUSTER_LIMIT, cluster_cell_size, incident_clusters
from .export import ACLED_COLUMNS, ACLED_LABELS, incident_export_csv, incident_export_geojson
from .incidents import (
    API_ROW_FIELDS,
    INCIDENT_ROW_FIELDS,
    data_version,
    incident_api_rows,
    incident_day_page,
    incident_get,
    incident_history,
    incident_list,
    incident_max_id,
    incident_removals,
    incident_rows,
    incident_summary,
)
from .places import place_get, place_provinces, place_search
from .timeline import incident_timeline, incident_timeline_from_summary, timeline_summary_supports
from .visibility import EDITOR_GROUPS, PUBLIC_STATUSES, user_is_editor, visible_incidents, visible_statuses

__all__ = [
    "ACLED_COLUMNS",
    "ACLED_LABELS",
    "API_ROW_FIELDS",
    "CLUSTER_CELL_PX",
    "CLUSTER_LIMIT",
    "EDITOR_GROUPS",
    "INCIDENT_ROW_FIELDS",
    "POINT_CELLS_MAX",
    "POINT_CELLS_PER_DEGREE",
    "PUBLIC_STATUSES",
    "actor_get",
    "actor_list",
    "article_get",
    "article_incidents",
    "article_list",
    "cluster_cell_size",
    "data_version",
    "in_point_cells",
    "incident_api_rows",
    "incident_clusters",
    "incident_day_page",
    "incident_export_csv",
    "incident_export_geojson",
    "incident_get",
    "incident_history",
    "incident_list",
    "incident_max_id",
    "incident_removals",
    "incident_rows",
    "incident_summary",
    "incident_timeline",
    "incident_timeline_from_summary",
    "place_get",
    "place_provinces",
    "place_search",
    "point_cells",
    "source_list",
    "timeline_summary_supports",
    "user_is_editor",
    "visible_incidents",
    "visible_statuses",
]
