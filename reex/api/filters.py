"""Filter fields shared by the partner API's resources."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, turned into UTC here: PostgreSQL refuses offsets Python accepts
    (+16:00), and a bad value must be a 400, never a database error."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned is None:
            return None
        try:
            return cleaned.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("Out of range.", code="invalid") from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number a database column can hold (else 400, not a driver error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


MAX_ID = 2**63 - 1
# URL patterns for details: anything else is a 404 before the database sees it (a NUL byte in a
# slug would otherwise reach PostgreSQL and fail there).
ID_REGEX = "[0-9]{1,18}"
SLUG_REGEX = "[-a-zA-Z0-9_]+"


class CommaSeparatedField(forms.CharField):
    """``a,b,c`` as a list of values; at most ``MAX_VALUES`` of them."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        values = [v.strip() for v in value.split(",") if v.strip()]
        if not values:
            raise forms.ValidationError("Give at least one value.", code="invalid")
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values.", code="invalid")
        return values


class AnyOfFilter(django_filters.CharFilter):
    """A filter taking one value or several, comma-separated (``initiative=a,b``): rows that
    match any of them. The filtering method, or an ``__in`` lookup, gets the list."""

    field_class = CommaSeparatedField

    def __init__(self, *args, **kwargs):
        if "method" not in kwargs:
            kwargs.setdefault("lookup_expr", "in")
            kwargs.setdefault("distinct", True)
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} Several: comma-separated, any of them.".strip()
        super().__init__(*args, **kwargs)


MAX_VALUES = 50
