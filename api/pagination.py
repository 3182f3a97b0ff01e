"""Cursor pagination on every list: stable under inserts, and a cursor is only a
position — it carries no row, so a cursor made by one tenant shows another
tenant only their own rows."""

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
