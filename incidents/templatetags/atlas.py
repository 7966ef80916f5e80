"""Template filters shared by the pages."""

from django import template

from incidents.datefmt import incident_date_label

register = template.Library()


@register.filter
def incident_date(value, precision="day") -> str:
    """`{{ incident.date|incident_date:incident.date_precision }}` -> "week of 11 April 2016"."""
    return incident_date_label(value, precision)
