"""Keyset (cursor) pagination on a total order: (the ordering field, id).

DRF's ``CursorPagination`` keeps only the ordering field's value in a cursor and skips rows that
share it by an offset it caps at 1,000: once an ingest batch gives more rows than that one
``updated_at``, a walk repeats forever. Here a cursor holds the last row's (value, id) pair and
the next page starts strictly after it, so a walk visits every row once whatever ties there are.
Rows whose field is NULL (undated articles under ``published_at``) come last in both directions.
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from reex.problems import InvalidParameter


class BadCursor(InvalidParameter):
    problem = "invalid-cursor"
    title = "Invalid cursor"


class PartnerCursorPagination(BasePagination):
    """Pages in the order ``?ordering=`` names (one of the view's ``ordering_fields``, ``-`` for
    descending; the view's ``ordering`` by default), ``page_size`` rows each."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    page_size = 50

    @property
    def max_page_size(self) -> int:
        return settings.PARTNERS["MAX_PAGE_SIZE"]

    # --- the order ---------------------------------------------------------------------------
    @staticmethod
    def orderings(view) -> list[str]:
        fields = getattr(view, "ordering_fields", ["id"])
        return [f"{sign}{field}" for field in fields for sign in ("", "-")]

    def get_ordering(self, request, view) -> str:
        value = request.query_params.get(self.ordering_query_param)
        if value is None:
            return view.ordering  # one field, as PartnerListViewSet.ordering names it
        if value not in self.orderings(view):
            raise InvalidParameter(
                f"Unknown ordering {value[:50]!r}: use one of {', '.join(self.orderings(view))}.",
                parameter=self.ordering_query_param,
                problem="invalid-ordering",
                title="Unknown ordering",
            )
        return value

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if size < 1:
            raise InvalidParameter(
                "page_size is a whole number from 1.", parameter=self.page_size_query_param
            )
        return min(size, self.max_page_size)

    # --- cursors -----------------------------------------------------------------------------
    def encode(self, position: tuple[Any, int], reverse: bool) -> str:
        value, pk = position
        if isinstance(value, datetime):
            value = value.isoformat()
        raw = json.dumps({"o": self.ordering, "v": value, "i": pk, "r": reverse})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[tuple[Any, int], bool]:
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            pk, reverse, value = data["i"], data["r"], data["v"]
            ordering = data["o"]
        except (binascii.Error, ValueError, TypeError, KeyError) as exc:
            raise BadCursor(
                "The cursor is not one this API gave: follow next and previous as given.",
                parameter=self.cursor_query_param,
            ) from exc
        if ordering != self.ordering:
            raise BadCursor(
                f"This cursor belongs to ordering={ordering!s:.50}, not {self.ordering}.",
                parameter=self.cursor_query_param,
            )
        valid = type(pk) is int and 0 < pk < 2**63 and isinstance(reverse, bool)
        if valid and self.field != "id" and value is not None:
            try:
                value = datetime.fromisoformat(value)
                valid = value.tzinfo is not None
            except (TypeError, ValueError):
                valid = False
        if not valid:
            raise BadCursor(
                "The cursor is not one this API gave: follow next and previous as given.",
                parameter=self.cursor_query_param,
            )
        return (value, pk), reverse

    # --- the page ----------------------------------------------------------------------------
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, view)
        self.descending = self.ordering.startswith("-")
        self.field = self.ordering.lstrip("-")
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param)
        position, reverse = self.decode(cursor) if cursor is not None else (None, False)

        # Walking back (a "previous" cursor) reads the same order reversed, then flips the page.
        backwards = self.descending != reverse
        queryset = queryset.order_by(*self._order_by(backwards))
        if position is not None:
            queryset = queryset.filter(self._after(position, backwards))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()

        first, last = (self._position(rows[0]), self._position(rows[-1])) if rows else (None, None)
        if reverse:
            # Going back: there is a next page (the one we came from); a previous one if more.
            self.next = self.encode(last, False) if last else self._from(position, False)
            self.previous = self.encode(first, True) if more and first else None
        else:
            self.next = self.encode(last, False) if more and last else None
            self.previous = (
                (self.encode(first, True) if first else self._from(position, True))
                if position is not None
                else None
            )
        return rows

    def _from(self, position, reverse: bool) -> str | None:
        return self.encode(position, reverse) if position is not None else None

    def _order_by(self, descending: bool) -> list:
        if self.field == "id":
            return ["-id" if descending else "id"]
        # NULLs last whichever way the order goes; "backwards" is the exact mirror, NULLs first.
        nulls_last = self.descending == descending
        nulls = {"nulls_last": True} if nulls_last else {"nulls_first": True}
        column = F(self.field).desc(**nulls) if descending else F(self.field).asc(**nulls)
        return [column, "-id" if descending else "id"]

    def _after(self, position: tuple[Any, int], descending: bool) -> Q:
        """Rows strictly after ``position`` in the order read (``descending``, NULLs placed as
        ``_order_by`` places them)."""
        value, pk = position
        beyond = "lt" if descending else "gt"
        if self.field == "id":
            return Q(**{f"id__{beyond}": pk})
        nulls_last = self.descending == descending
        if value is None:
            same = Q(**{f"{self.field}__isnull": True, f"id__{beyond}": pk})
            return same if nulls_last else same | Q(**{f"{self.field}__isnull": False})
        after = Q(**{f"{self.field}__{beyond}": value}) | Q(
            **{self.field: value, f"id__{beyond}": pk}
        )
        return after | Q(**{f"{self.field}__isnull": True}) if nulls_last else after

    def _position(self, row) -> tuple[Any, int]:
        if isinstance(row, dict):
            return row.get(self.field), row["id"]
        return getattr(row, self.field), row.id

    # --- the answer --------------------------------------------------------------------------
    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.next)

    def get_previous_link(self) -> str | None:
        return self._link(self.previous)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: give the cursor of a `next` or "
                "`previous` link, unchanged.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, at most "
                f"{settings.PARTNERS['MAX_PAGE_SIZE']}).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "The order of the walk; ties are broken by id.",
                "schema": {"type": "string", "enum": self.orderings(view)},
            },
        ]
