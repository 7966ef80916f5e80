"""The countries the atlas covers: one setting, COVERED_COUNTRIES (ISO 3166-1 alpha-2, default IQ,SY), read by the
gazetteer loader, extraction, the API filters, the pages and the export."""

from __future__ import annotations

import pycountry
from django.conf import settings


def covered_countries() -> tuple[str, ...]:
    return tuple(settings.COVERED_COUNTRIES)


def country_name(code: str) -> str:
    """The short English name ("Syria", not "Syrian Arab Republic"), as ACLED and the pages write it."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def country_alpha3(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.alpha_3 if country is not None else code


def country_numeric(code: str) -> int:
    """ISO 3166-1 numeric (Iraq 368, Syria 760), ACLED's `iso` column; 0 when unknown."""
    country = pycountry.countries.get(alpha_2=code)
    return int(country.numeric) if country is not None else 0
