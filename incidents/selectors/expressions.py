"""Small SQL expressions the reads share: point coordinates, raw SQL fragments, CASE over a fixed mapping."""

from __future__ import annotations

from django.db.backends.postgresql.psycopg_any import sql as psql
from django.db.models import FloatField, Func


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


class SQLText(Func):
    template = "%(sql)s"

    def __init__(self, sql: str, output_field):
        super().__init__(sql=sql, output_field=output_field)


def sql_case(column: str, mapping: dict, default: str) -> str:
    """CASE over a small fixed mapping (labels, codes), so the export needs no per-row Python lookups."""

    def literal(value) -> str:
        return psql.Literal(value).as_string(None) if isinstance(value, str) else str(int(value))

    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"
