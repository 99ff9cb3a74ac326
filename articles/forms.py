"""The reader-facing search form (GET): what it accepts is what the selectors are given."""

from django import forms
from django.core.exceptions import ValidationError


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search articles",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. magnet recycling"}),
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError("The start date is after the end date.")
        return data
