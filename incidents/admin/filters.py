"""The incident list's filters and the review queue's order."""

from django.contrib import admin
from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import Coalesce

from ..countries import country_name
from ..models import Incident, Place


class _ColumnFilter(admin.SimpleListFilter):
    """The rows whose column named `parameter_name` holds the chosen value."""

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class CountryFilter(_ColumnFilter):
    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # The gazetteer is small; DISTINCT over millions of incidents is not.
        codes = Place.objects.order_by("country").values_list("country", flat=True).distinct()
        return [(code, country_name(code)) for code in codes if code]


class ProvinceFilter(_ColumnFilter):
    title = "province"
    parameter_name = "admin1"

    def lookups(self, request, model_admin):
        places = Place.objects.exclude(admin1="")
        country = request.GET.get("country")
        if country:
            places = places.filter(country=country)
        return [(name, name) for name in places.order_by("admin1").values_list("admin1", flat=True).distinct()]


class HasFatalitiesFilter(admin.SimpleListFilter):
    title = "fatalities"
    parameter_name = "has_fatalities"

    def lookups(self, request, model_admin):
        return [("yes", "Some killed"), ("no", "None killed"), ("unknown", "Not reported")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(fatalities__gt=0)
            case "no":
                return queryset.filter(fatalities=0)
            case "unknown":
                return queryset.filter(fatalities__isnull=True)
        return queryset


# Impact times doubt: deaths (a report without a toll counts as one) times how unsure extraction is. An incident a
# person entered (no confidence) is not in doubt.
REVIEW_PRIORITY = ExpressionWrapper(
    (Coalesce(F("fatalities"), Value(0)) + Value(1)) * (Value(1.0) - Coalesce(F("confidence"), Value(1.0))),
    output_field=FloatField(),
)


class ReviewQueueFilter(admin.SimpleListFilter):
    title = "review queue"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("queue", "Unreviewed: most deaths, least sure first")]

    def queryset(self, request, queryset):
        if self.value() == "queue":
            return queryset.filter(status=Incident.Status.UNREVIEWED)
        return queryset


class ConfidenceFilter(admin.SimpleListFilter):
    title = "confidence"
    parameter_name = "confidence"
    BANDS = {"low": (0.0, 0.5), "medium": (0.5, 0.85), "high": (0.85, 1.01)}

    def lookups(self, request, model_admin):
        return [
            ("low", "Low (< 0.5)"),
            ("medium", "Medium (0.5–0.85)"),
            ("high", "High (≥ 0.85)"),
            ("none", "Entered by hand"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(confidence__isnull=True)
        if self.value() in self.BANDS:
            low, high = self.BANDS[self.value()]
            return queryset.filter(confidence__gte=low, confidence__lt=high)
        return queryset
