"""Actors in admin: search by any alias, incidents counted per actor."""

from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from ..models import Actor, IncidentActor
from ..services import actor_save
from .shared import TermSearch, count_of, name_search


@admin.register(Actor)
class ActorAdmin(TermSearch, SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "alias_list", "incident_count"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    search_help_text = "The name or any alias: ISIL, Daesh and IS find the Islamic State."
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["search_names", "created_at", "updated_at"]
    fields = [
        "name",
        "kind",
        "acled_inter",
        "aliases",
        "parent",
        "description",
        "search_names",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_incidents=count_of(IncidentActor, "actor", "incident"))

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases) or "-"

    @admin.display(description="incidents", ordering="n_incidents")
    def incident_count(self, obj):
        return obj.n_incidents

    def search(self, queryset, term: str):
        return name_search(queryset, term, extra=Q(name__icontains=term))

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        actor_save(actor=obj)
