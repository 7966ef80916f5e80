"""Template filters shared by the pages."""

from django import template

from incidents.datefmt import incident_date_label
from incidents.wording import country_words, role_words

register = template.Library()


@register.filter
def incident_date(value, precision="day") -> str:
    """`{{ incident.date|incident_date:incident.date_precision }}` -> "week of 11 April 2016"."""
    return incident_date_label(value, precision)


@register.filter
def role(value) -> str:
    """An actor's role in words: "carried it out", "on the other side", "also involved"."""
    return role_words(value)


@register.filter
def country(value) -> str:
    """ "IQ" -> "Iraq"."""
    return country_words(value)
