"""One way to write an incident's date with its precision, on every page, popup, list, export and feed:
"12 April 2016", "week of 11 April 2016" (the Monday), "April 2016", "2016".

The API's lists write it in PostgreSQL (`DATE_LABEL_SQL`) so that a page of 500 rows needs no Python per row;
tests/test_dates_display.py checks that both writings agree for every precision.
"""

from __future__ import annotations

import datetime as dt

# English month names whatever the server's locale (strftime's %B follows it).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def incident_date_label(day: dt.date | str | None, precision: str | None = "day") -> str:
    if day is None:
        return "date unknown"
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    if precision == "week":
        return f"week of {_day(day - dt.timedelta(days=day.weekday()))}"
    if precision == "received":
        return f"on or before {_day(day)}"
    return _day(day)


def date_label_sql(table: str = "incidents_incident") -> str:
    """The same label as an SQL expression over `table`'s date and date_precision (to_char without the TM prefix
    writes English names whatever lc_time is)."""
    date, precision = f'"{table}"."date"', f'"{table}"."date_precision"'
    return f"""(CASE {precision}
        WHEN 'year' THEN to_char({date}, 'FMYYYY')
        WHEN 'month' THEN to_char({date}, 'FMMonth YYYY')
        WHEN 'week' THEN 'week of ' || to_char({date} - (extract(isodow FROM {date})::int - 1), 'FMDD FMMonth YYYY')
        WHEN 'received' THEN 'on or before ' || to_char({date}, 'FMDD FMMonth YYYY')
        ELSE to_char({date}, 'FMDD FMMonth YYYY') END)"""
