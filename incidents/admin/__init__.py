"""Curation in Django admin: incidents (review, map, merge), the gazetteer and actors, one module each.

Every write goes through incidents.services so that history, locking and tombstones happen the same way as in the
API. Source, Article and UnresolvedPlace are registered by ingest/admin.py. Importing the modules registers them.
"""

from . import actors, incidents, places

__all__ = ["actors", "incidents", "places"]
