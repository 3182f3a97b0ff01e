"""Cursor pagination on every list: stable under inserts, and a cursor is only a
position — it carries no row, so a cursor made by one tenant shows another
tenant only their own rows.

A position is the pair (ordering field's value, id), and a page is the rows
after it in that order: a keyset on a total order. DRF's own cursor keeps
only the field's value and tells tied rows apart by an offset; with more ties
than a page (a status, a budget many campaigns share) its previous links
skipped rows, and past 1,000 ties it could not page at all. A field that may
be NULL is paged on `COALESCE(field, lowest value)`: a NULL has no place in
`<`/`>` (NULL < x is never true), so it is given the lowest one — first
ascending, last descending, on every database — and every row has a position.
"""

import datetime
import json
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination

_KEY = "cursor_key"  # the annotation a page is ordered and compared on
_MAX_ID = 2**63 - 1


class CursorPage(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self._model = queryset.model

        first = self.get_ordering(request, queryset, view)[0]
        self._descending = first.startswith("-")
        self._field = self._field_named(first.lstrip("-"))
        self.ordering = (self._signed(_KEY), self._signed("id"))
        queryset = queryset.annotate(**{_KEY: self._key_expression()})

        self.cursor = self.decode_cursor(request)
        backwards = self.cursor is not None and self.cursor.reverse
        position = self.cursor.position if self.cursor is not None else None
        # Walking back, the query runs in the opposite order and the page is
        # turned round afterwards.
        descending = self._descending != backwards
        sign = "-" if descending else ""
        queryset = queryset.order_by(sign + _KEY, sign + "id")
        if position is not None:
            value, pk = position
            after = "lt" if descending else "gt"
            queryset = queryset.filter(
                Q(**{f"{_KEY}__{after}": value}) | Q(**{_KEY: value, f"id__{after}": pk})
            )

        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if backwards:
            self.page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, position is not None
        # where a link leads when the page it was made from came back empty
        self._position = position
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def get_next_link(self):
        if not self.has_next:
            return None
        position = self._position_of(self.page[-1]) if self.page else self._position
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._position_of(self.page[0]) if self.page else self._position
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=position))

    def encode_cursor(self, cursor):
        value, pk = cursor.position
        wire = json.dumps([str(value), pk])  # never NULL: nullable fields are coalesced
        return super().encode_cursor(cursor._replace(position=wire))

    def decode_cursor(self, request):
        # DRF checks a cursor's offset and direction but hands its position
        # straight on; one that the ordering field cannot hold (`p=abc`
        # against an id, a forged pair) is an invalid cursor, not a 500.
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        return cursor._replace(position=self._parsed(cursor.position))

    def _parsed(self, wire: str) -> tuple:
        try:
            value, pk = json.loads(wire)
            if not isinstance(value, str) or type(pk) is not int or not 0 < pk <= _MAX_ID:
                raise ValueError
            ProhibitNullCharactersValidator()(value)  # PostgreSQL's text cannot hold one
            value = self._field.to_python(value)
            self._field.run_validators(value)
        except (ValueError, TypeError, ValidationError):
            raise NotFound(self.invalid_cursor_message) from None
        return value, pk

    def _position_of(self, row) -> tuple:
        return getattr(row, _KEY), row.pk

    def _signed(self, name: str) -> str:
        return ("-" if self._descending else "") + name

    def _field_named(self, name: str) -> models.Field:
        try:
            field = self._model._meta.get_field("id" if name == "pk" else name)
        except FieldDoesNotExist:
            # OrderingFilter admits only the view's declared fields: a name
            # that is not a column is a programming error, not a request's.
            raise ImproperlyOrdered(f"{self._model.__name__} cannot be paged on {name!r}") from None
        return field

    def _key_expression(self):
        if not self._field.null:
            return models.F(self._field.attname)
        return Coalesce(self._field.attname, _lowest(self._field), output_field=self._field)


class ImproperlyOrdered(Exception):
    pass


def _lowest(field: models.Field) -> models.Value:
    """A value below every value the field can hold, of the field's own type."""
    if isinstance(field, models.DateTimeField):
        lowest = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
    elif isinstance(field, models.DateField):
        lowest = datetime.date(1, 1, 1)
    elif isinstance(field, models.DecimalField):
        lowest = -Decimal(10 ** (field.max_digits - field.decimal_places) - 1)
    elif isinstance(field, models.FloatField):
        lowest = -1e308
    elif isinstance(field, models.BigIntegerField):
        lowest = -(2**63)
    elif isinstance(field, models.IntegerField):
        lowest = -(2**31)
    elif isinstance(field, (models.CharField, models.TextField)):
        lowest = ""
    else:
        raise ImproperlyOrdered(f"no lowest value for {type(field).__name__}")
    return models.Value(lowest, output_field=field)
