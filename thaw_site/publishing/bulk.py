"""Inserting many plain rows at once, for the tables an import or a publication fills by the ten thousand.

`bulk_create` builds a model instance per row and compiles every batch's INSERT value by value through each field:
at 10,000 events (half a million rows of links, citations and relations) that was most of an import's time.
`insert_rows` takes rows of column values instead and hands them to the database whole: PostgreSQL's COPY
(through psycopg), elsewhere one prepared INSERT run for every row (`executemany`). Values are given as the
fields' attributes hold them (a foreign key's id, a date, a dict for a JSON field); no signal is sent and no
history is written, so it is for rows that have no history of their own (read models, the citation index,
many-to-many links, history rows themselves).

`insert_objects` does the same for model instances built as `bulk_create` would take them (publications, history
rows, the items an import creates): it takes their ids from the table's sequence first, so each instance comes
back saved with its id, as from `bulk_create`, and then writes their fields' values through `insert_rows`.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

_M = TypeVar("_M", bound=models.Model)

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
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: each attribute of the proxy `connection` is a lookup
    if field.get_internal_type() == "DateField":  # what get_db_prep_save comes to, without its checks per value
        return db.ops.adapt_datefield_value
    if field.get_internal_type() == "DateTimeField":
        adapt = db.ops.adapt_datetimefield_value

        def prepare(value: Any) -> Any:  # an aware datetime goes as get_db_prep_save would give it; a naive one, to it
            if value is None or (isinstance(value, datetime.datetime) and value.utcoffset() is not None):
                return adapt(value)
            return field.get_db_prep_save(value, db)

        return prepare
    return lambda value: field.get_db_prep_save(value, db)


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


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new ids for rows of the model's table, in the order the database would have given them to as many
    INSERTs: from the sequence on PostgreSQL; on SQLite, after the highest ever given (the tables are
    AUTOINCREMENT), which holds inside the transaction that then inserts them, as it keeps the write lock."""
    if count <= 0:
        return []
    meta = model._meta
    pk_column = cast(str, meta.pk.column)  # a concrete field has a column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk_column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(pk_column)}) FROM {quote(meta.db_table)}")  # noqa: S608 (quoted)
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        given = cursor.fetchone()
        first = max(highest, given[0] if given else 0) + 1
    return list(range(first, first + count))


def insert_objects(objs: list[_M]) -> list[_M]:
    """`bulk_create(objs)` for new instances of one model without a pk, taking their ids from `reserve_ids` and
    writing them with `insert_rows`: the same rows, without compiling each value through its field's SQL. Like
    bulk_create it calls each field's pre_save (auto_now), sends no signal and writes no history."""
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    saving = [field for field in fields if type(field).pre_save is not models.Field.pre_save]
    if any(obj.pk is not None for obj in objs):
        raise ValueError("insert_objects takes new instances, without a pk")
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        # As bulk_create: a related object's id copied to its column, an unsaved one refused.
        cast(Any, obj)._prepare_related_fields_for_save(operation_name="bulk_create")
        for field in saving:
            field.pre_save(obj, add=True)
    names = [field.attname for field in fields]
    insert_rows(model, names, ([getattr(obj, name) for name in names] for obj in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


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
