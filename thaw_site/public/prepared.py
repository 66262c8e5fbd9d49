"""Queries the ORM builds and compiles once, then runs with new values.

An item page runs the same few indexed queries on every request, with only the slug changing. Building and
compiling each one (filters, joins, SELECT list, converters) took the ORM three to four times as long as the
database took to answer it (docs/benchmarks.md), so the hottest are prepared: the QuerySet is built once per
database and shape with marker strings for its values, compiled, and its SQL kept with where each value goes.

    LIVE = Prepared(lambda kind, slug: Publication.objects.live().filter(kind=kind, slug=slug).values_list("title"))
    LIVE.bind("event", "moscow-1957").rows()

A page of a list comes with the length of the whole list in the same round trip (`fetch_counted`): the count is
a scalar subquery in the page's SELECT, which both databases run once, from the same index as the rows.

A value may be a list (for an `__in` lookup): each length is a shape of its own, compiled once. The markers must
reach the SQL's parameters unchanged, as exact and `in` lookups on text columns pass them; anything else is
refused when the query is compiled. Results are converted as the ORM converts them (dates, JSON).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, overload

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import IntegerField, Model, QuerySet
from django.db.models.expressions import Col, RawSQL
from django.db.models.query import ModelIterable

# A value given to `bind`: one text value, or a list of them for an `__in` lookup.
Value = str | Sequence[str]
# Where a parameter comes from: a bound value (its position, and the element's for a list), or a constant.
Slot = tuple[int, int | None, object]
Row = tuple[Any, ...]
# The alias of the count that `fetch_counted` reads with a page's rows.
COUNT_COLUMN = "prepared_count"


def marker(position: int, element: int | None) -> str:
    return f"\x00prepared:{position}:{element}\x00"


@dataclass(frozen=True)
class Compiled:
    sql: str
    slots: tuple[Slot, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    model: type[Model] | None  # set when the query selects model instances; then `attnames` are its columns
    attnames: tuple[str, ...]


class Prepared:
    """A query built by `build(*values)` and compiled once per database and shape (see the module)."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any, Any]],
        *,
        alias: str = DEFAULT_DB_ALIAS,
        row: Callable[[Row], Any] | None = None,
    ) -> None:
        self.build = build
        self.alias = alias
        self.row = row  # what each row of values becomes, if not a tuple (a NamedTuple's _make: far less than a model)
        self.compiled = lru_cache(maxsize=256)(self._compile)

    def bind(self, *values: Value) -> "Bound":
        return Bound(self, values)

    def _compile(
        self, shape: tuple[int | None, ...], low: int, high: int | None, counting: bool, with_count: bool = False
    ) -> Compiled:
        markers = [
            marker(position, None) if length is None else [marker(position, element) for element in range(length)]
            for position, length in enumerate(shape)
        ]
        queryset = self.build(*markers)
        if with_count:  # the count as one more column, the last: the ORM numbers the columns ORDER BY names
            counted, params = self.build(*markers).order_by().query.get_compiler(using=self.alias).as_sql()
            count = RawSQL(f"SELECT COUNT(*) FROM ({counted}) counted", params, output_field=IntegerField())  # noqa: S608, S611 (the ORM's SQL)
            queryset = queryset.annotate(**{COUNT_COLUMN: count})
        queryset = queryset.order_by() if counting else queryset[low:high]
        compiler = queryset.query.get_compiler(using=self.alias)
        sql, params = compiler.as_sql()
        wanted = {
            marker(position, element): (position, element)
            for position, length in enumerate(shape)
            for element in ([None] if length is None else range(length))
        }
        slots: list[Slot] = [
            (*wanted[param], None) if isinstance(param, str) and param in wanted else (-1, None, param)
            for param in params
        ]
        if missing := set(wanted.values()) - {(position, element) for position, element, _constant in slots}:
            raise ValueError(f"These values do not reach the SQL unchanged: {sorted(missing, key=str)}")
        if counting:
            # Both databases fold the subquery into the count, which reads the same index as the rows (and run
            # it once as a column of a page's rows: it depends on nothing of theirs).
            return Compiled(f"SELECT COUNT(*) FROM ({sql}) counted", tuple(slots), (), None, ())  # noqa: S608 (the ORM's SQL)
        selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count - with_count]]
        converters = compiler.get_converters(selected)
        is_model = queryset._iterable_class is ModelIterable
        return Compiled(
            sql=sql,
            slots=tuple(slots),
            converters=tuple(
                (index, tuple(functions), expression) for index, (functions, expression) in converters.items()
            ),
            model=queryset.model if is_model else None,
            attnames=tuple(column.target.attname for column in selected if isinstance(column, Col)) if is_model else (),
        )


class Bound:
    """A prepared query with its values: rows (or model instances) by slice, and their count."""

    def __init__(self, prepared: Prepared, values: Sequence[Value]) -> None:
        self.prepared = prepared
        self.values = [value if isinstance(value, str) else list(value) for value in values]
        self.shape = tuple(None if isinstance(value, str) else len(value) for value in self.values)

    def execute(self, compiled: Compiled) -> list[Any]:
        params: list[Any] = [
            constant if position < 0 else self.values[position] if element is None else self.values[position][element]
            for position, element, constant in compiled.slots
        ]
        with connections[self.prepared.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Any] = cursor.fetchall()
            return rows

    def fetch(self, low: int = 0, high: int | None = None) -> list[Any]:
        """The rows from `low` to `high` (tuples, or model instances for a query of them)."""
        compiled = self.prepared.compiled(self.shape, low, high, False)
        return self.results(compiled, self.execute(compiled))

    def fetch_counted(self, low: int = 0, high: int | None = None) -> tuple[list[Any], int | None]:
        """`fetch(low, high)` and `count()` in one query. The count is None when no row came to carry it and
        `low` is past the first row: then nothing says how many rows there are."""
        compiled = self.prepared.compiled(self.shape, low, high, False, True)
        rows = self.execute(compiled)
        count = int(rows[0][-1]) if rows else 0 if low == 0 else None
        return self.results(compiled, [row[:-1] for row in rows]), count

    def results(self, compiled: Compiled, rows: list[Any]) -> list[Any]:
        """The database's rows, converted as the ORM converts them, or as model instances."""
        if compiled.converters:
            connection = connections[self.prepared.alias]
            rows = [self.convert(list(row), compiled, connection) for row in rows]
        if compiled.model is not None:
            model = compiled.model
            return [model.from_db(self.prepared.alias, compiled.attnames, row) for row in rows]
        if self.prepared.row is not None:
            return list(map(self.prepared.row, rows))
        return rows

    @staticmethod
    def convert(row: list[Any], compiled: Compiled, connection: Any) -> Row:
        for index, functions, expression in compiled.converters:
            value = row[index]
            for function in functions:
                value = function(value, expression, connection)
            row[index] = value
        return tuple(row)

    def count(self) -> int:
        (count,) = self.execute(self.prepared.compiled(self.shape, 0, None, True))[0]
        return int(count)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self.fetch(index, index + 1)[0]
        if index.step is not None or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
            raise ValueError("Prepared queries take plain forward slices.")
        return self.fetch(index.start or 0, index.stop)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetch())
