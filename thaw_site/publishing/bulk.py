"""Inserting many plain rows at once, for the tables an import or a publication fills by the ten thousand.

`bulk_create` builds a model instance per row and compiles every batch's INSERT value by value through each field:
at 10,000 events (half a million rows of links, citations and relations) that was most of an import's time.
`insert_rows` takes rows of column values instead and hands them to the database whole: PostgreSQL's COPY
(through psycopg), elsewhere one prepared INSERT run for every row (`executemany`). Values are given as the
fields' attributes hold them (a foreign key's id, a date, a dict for a JSON field); no signal is sent and no
history is written, so it is for rows that have no history of their own (read models, the citation index,
many-to-many links, history rows themselves).
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def preparer(field: "models.Field[Any, Any]") -> Callable[[Any], Any] | None:
    """How a value of the field is given to the database, or None when it goes as it is."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        last: list[Any] = [None, None]  # the value dumped last and its JSON: the rows of one item's links repeat it

        def dump(value: Any) -> Any:
            if value is not None and value is not last[0]:
                last[:] = [value, json.dumps(value, cls=encoder)]
            return None if value is None else last[1]

        return dump
    if field.get_internal_type() in PLAIN_TYPES:
        return None
    if field.get_internal_type() == "DateField":  # what get_db_prep_save comes to, without its checks per value
        return connection.ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (each a sequence of values for `columns`, the fields' attribute names) into the model's table."""
    meta = model._meta
    fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in columns]  # columns, not relations
    preparers = [(index, prepare) for index, field in enumerate(fields) if (prepare := preparer(field)) is not None]

    def prepared(row: Sequence[Any]) -> Sequence[Any]:
        if not preparers:
            return row
        values = list(row)
        for index, prepare in preparers:
            values[index] = prepare(values[index])
        return values

    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(cast(str, field.column)) for field in fields)  # a concrete field has a column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 (names quoted)
                [prepared(row) for row in rows],
            )


def pks_by(model: type[models.Model], field_name: str, values: Iterable[Any]) -> dict[Any, Any]:
    """{value: pk} of the model's rows whose `field_name` is among `values`, asked a parameter limit's worth at a
    time (SQLite takes 999 by default), without building an instance per row."""
    wanted = list(set(values))
    size = connection.features.max_query_params or len(wanted) or 1
    found: dict[Any, Any] = {}
    for start in range(0, len(wanted), size):
        batch = wanted[start : start + size]
        found.update(model._default_manager.filter(**{f"{field_name}__in": batch}).values_list(field_name, "pk"))
    return found


@contextmanager
def queries_unlogged() -> Iterator[None]:
    """Don't keep the SQL of the queries run inside the block, even with DEBUG on.

    With DEBUG on, Django formats every query with its parameters and keeps the last 9,000 in
    `connection.queries`: at 10,000 events that was 160 MB of INSERT text and a tenth of the import's time. Django
    has no switch for it (`force_debug_cursor` can only turn logging on), so for the block the connection makes its
    plain cursors where it would make debug ones. A block that asked for the queries (CaptureQueriesContext, which
    sets `force_debug_cursor`) still gets them."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy `connection` is
    if not settings.DEBUG or db.force_debug_cursor or "make_debug_cursor" in vars(db):
        yield
        return
    db.make_debug_cursor = db.make_cursor  # type: ignore[method-assign,assignment]  # for the block
    try:
        yield
    finally:
        del db.make_debug_cursor
