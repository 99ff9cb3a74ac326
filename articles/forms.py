"""The reader-facing search form (GET): what it accepts is what the selectors are given."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

# The dates a search can be bounded by. Past these the bounds' arithmetic leaves Python's dates
# (?end=9999-12-31 was a 500); no news is filed outside them.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
IN_RANGE = [
    MinValueValidator(EARLIEST, f"Enter a date from {EARLIEST.isoformat()} on."),
    MaxValueValidator(LATEST, f"Enter a date up to {LATEST.isoformat()}."),
]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search articles",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. magnet recycling"}),
    )
    start = forms.DateField(
        label="From",
        required=False,
        validators=IN_RANGE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label="To",
        required=False,
        validators=IN_RANGE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError("The start date is after the end date.")
        return data
