"""Keyset (cursor) pagination over a NOT NULL key and the primary key.

DRF's CursorPagination keeps only the first ordering column in the cursor and skips ties with an OFFSET, and its
nullable-column handling adds `OR ... IS NULL`, which defeats the index. Here the cursor holds the pair (key, id) and
the page is one row comparison `(key, id) < (%s, %s)` that PostgreSQL answers from the (key, id) index at any depth.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from django.db.models import Expression, F, QuerySet
from django.db.models.functions import Coalesce
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
PAGE_SIZE_PARAM = "page_size"
LIMIT_PARAM = "limit"
CURSOR_PARAM = "cursor"


@dataclass(frozen=True)
class Keyset:
    """One orderable key: its SQL (for the row comparison), ORM expression (for ORDER BY) and JSON codec."""

    column_sql: str
    expression: Expression
    row_key: Callable[[dict], Any]
    decode: Callable[[Any], Any] = lambda v: v
    # A plain column also gets `key >= v`, so a single-column index can drive the scan.
    indexed_column: bool = True


def _iso_date(value):
    return dt.date.fromisoformat(value)


def _iso_datetime(value):
    parsed = dt.datetime.fromisoformat(value)
    try:
        return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def keysets_for(table: str) -> dict[str, Keyset]:
    """The incident orderings: date, fatalities (unknown sorts as -1, below zero) and last update."""
    return {
        "date": Keyset(f'"{table}"."date"', F("date"), lambda r: r["date"], _iso_date),
        "fatalities": Keyset(
            f'COALESCE("{table}"."fatalities", -1)',
            Coalesce("fatalities", -1),
            lambda r: -1 if r["fatalities"] is None else r["fatalities"],
            int,
            indexed_column=False,
        ),
        "updated_at": Keyset(f'"{table}"."updated_at"', F("updated_at"), lambda r: r["updated_at"], _iso_datetime),
    }


def removal_keyset(table: str) -> Keyset:
    return Keyset(f'"{table}"."removed_at"', F("removed_at"), lambda r: r["removed_at"], _iso_datetime)


def name_keyset(table: str) -> Keyset:
    return Keyset(f'"{table}"."name"', F("name"), lambda r: r["name"], str, indexed_column=False)


def created_keyset(table: str) -> Keyset:
    return Keyset(f'"{table}"."created_at"', F("created_at"), lambda r: r["created_at"], _iso_datetime)


def page_size_from(request: Request, default: int = DEFAULT_PAGE_SIZE) -> int:
    """`page_size`, or its alias `limit` (the name other APIs and tools use); both are checked when both are given."""
    sizes = []
    for name in (PAGE_SIZE_PARAM, LIMIT_PARAM):
        raw = request.query_params.get(name)
        if raw is None:
            continue
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({name: [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]}) from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError({name: [f"Must be from 1 to {MAX_PAGE_SIZE}; got {size}."]})
        sizes.append(size)
    return sizes[0] if sizes else default


def _encode(payload: list) -> str:
    def default(value):
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        raise TypeError

    return base64.urlsafe_b64encode(orjson.dumps(payload, default=default)).decode().rstrip("=")


def _decode(token: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise ValidationError({CURSOR_PARAM: ["Not a cursor this API issued; use the `next` link as given."]}) from None
    if not isinstance(payload, list) or len(payload) != 3:
        raise ValidationError({CURSOR_PARAM: ["Not a cursor this API issued; use the `next` link as given."]})
    return payload


@dataclass
class Page:
    rows: list[dict]
    next_url: str | None


class KeysetPaginator:
    """Pages `rows` (a values() queryset) by `keyset` then id, ascending or descending, without COUNT or OFFSET."""

    def __init__(self, *, request: Request, keyset: Keyset, name: str, descending: bool, page_size: int):
        self.request = request
        self.keyset = keyset
        self.name = name
        self.descending = descending
        self.page_size = page_size

    def order(self, queryset: QuerySet) -> QuerySet:
        expr, pk = self.keyset.expression, F("pk")
        if self.descending:
            return queryset.order_by(expr.desc(), pk.desc())
        return queryset.order_by(expr.asc(), pk.asc())

    def paginate(
        self, rows: QuerySet, *, pk_sql: str, build_rows: Callable[[QuerySet], QuerySet] | None = None
    ) -> Page:
        """One page of `rows`. With `build_rows`, `rows` only picks the page's ids (index-only work) and
        `build_rows` makes the full rows for just those ids: costly per-row subqueries then run for the page, not
        for every row a sort has to see."""
        token = self.request.query_params.get(CURSOR_PARAM)
        rows = self.order(rows)
        if token:
            name, key, pk = _decode(token)
            if name != self.name:
                raise ValidationError({CURSOR_PARAM: ["This cursor belongs to another ordering; start again."]})
            try:
                key, pk = self.keyset.decode(key), int(pk)
            except (TypeError, ValueError):
                raise ValidationError({CURSOR_PARAM: ["Not a cursor this API issued."]}) from None
            op = "<" if self.descending else ">"
            where = [f"({self.keyset.column_sql}, {pk_sql}) {op} (%s, %s)"]
            params = [key, pk]
            if self.keyset.indexed_column:
                where.append(f"{self.keyset.column_sql} {op}= %s")
                params.append(key)
            rows = rows.extra(where=where, params=params)
        if build_rows is not None:
            # Fetched, not nested: the keyset condition names the table, which a subquery would re-alias.
            page_ids = list(rows.values_list("pk", flat=True)[: self.page_size + 1])
            # One array parameter, not an IN list of page_size placeholders that psycopg would splice one by one.
            chosen = rows.model.objects.extra(where=[f"{pk_sql} = ANY(%s)"], params=[page_ids])
            rows = self.order(build_rows(chosen))
        found = list(rows[: self.page_size + 1])
        more = len(found) > self.page_size
        found = found[: self.page_size]
        next_url = None
        if more:
            last = found[-1]
            cursor = _encode([self.name, self.keyset.row_key(last), last["id"]])
            next_url = replace_query_param(self.request.build_absolute_uri(), CURSOR_PARAM, cursor)
        return Page(rows=found, next_url=next_url)


def name_page(*, request: Request, rows: QuerySet, page_size: int) -> Page:
    """A page of `rows` (a values() queryset with `id` and `name`) in name order, the id breaking ties."""
    table = rows.model._meta.db_table
    paginator = KeysetPaginator(
        request=request, keyset=name_keyset(table), name="name", descending=False, page_size=page_size
    )
    return paginator.paginate(rows, pk_sql=f'"{table}"."id"')
