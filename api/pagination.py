"""Cursor pagination on every list: stable under inserts, and a cursor is only a
position — it carries no row, so a cursor made by one tenant shows another
tenant only their own rows."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        # DRF checks a cursor's offset and direction but hands its position
        # straight to the query; a position the ordering field cannot hold
        # (`p=abc` against an id) must be an invalid cursor, not a 500.
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor is not None else None
        if position is not None and not self._holds(self.ordering[0].lstrip("-"), position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _holds(self, field_name: str, position: str) -> bool:
        try:
            field = self._model._meta.get_field(field_name)
            ProhibitNullCharactersValidator()(position)  # PostgreSQL's text cannot hold one
            field.run_validators(field.to_python(position))
        except (FieldDoesNotExist, ValidationError):
            return False
        return True
