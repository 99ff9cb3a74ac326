"""Bulk export, streamed: rows leave as they are read, so memory stays flat at any size."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from .filters import UtcIsoDateTimeField
from .permissions import SCOPE_EXPORT
from .views import PartnerAPIMixin

CHUNK_ROWS = 2000
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell a spreadsheet will not run: text that could start a formula gets a
    leading apostrophe (OWASP's advice), which spreadsheets show as text and do not display.

    Only text is escaped: numbers, dates and booleans are data, so a negative figure stays -5.
    Feeds, editors and partners all write text that reaches the export, so every text cell is
    treated alike rather than trusting some columns.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_lines(columns: tuple[str, ...], rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, default=str, ensure_ascii=False) + "\n"


class ExportView(PartnerAPIMixin, APIView):
    """Subclasses give ``name``, ``columns`` and ``rows()`` (dicts, read with ``iterator()``)."""

    required_scope = SCOPE_EXPORT
    name = ""
    columns: tuple[str, ...] = ()

    def rows(self, request) -> Iterable[dict]:
        raise NotImplementedError

    def allowed_query_params(self) -> set[str]:
        return {"updated_since"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "updated_since", OpenApiTypes.DATETIME, description="Only rows changed since."
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/jsonl"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request, fmt: str):
        # Parameters are checked before the first byte leaves: once streaming, an error can only
        # cut the download short (an HTML 500 without the API's headers).
        updated_since(request)
        rows = self.rows(request)
        lines = csv_lines(self.columns, rows) if fmt == "csv" else json_lines(rows)
        response = StreamingHttpResponse(lines, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{self.name}.{fmt}"'
        return response


def updated_since(request):
    """The ``updated_since`` parameter as a datetime, or None; a bad one is a 400."""
    value = request.query_params.get("updated_since")
    if not value:
        return None
    try:
        return UtcIsoDateTimeField().clean(value)
    except DjangoValidationError as exc:
        raise ValidationError({"updated_since": exc.messages}) from exc
