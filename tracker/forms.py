"""Forms of the tracker's public pages: filters readers use (GET) and editors' controls (POST)."""

from django import forms
from django.core.exceptions import ValidationError

from articles.forms import SearchForm

from .models import Claim, Entity, Initiative, Link, Topic


def _by_slug(queryset, label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=queryset, to_field_name="slug", required=False, label=label, empty_label="Any"
    )


class ReaderSearchForm(SearchForm):
    """The search form with the tracker's filters: a topic and an initiative, by slug."""

    topic = _by_slug(Topic.objects.only("id", "name", "slug"), "Topic")
    initiative = _by_slug(Initiative.objects.only("id", "name", "slug", "acronym"), "Initiative")


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any"), *Claim.Status.choices], required=False, label="Status"
    )
    initiative = _by_slug(Initiative.objects.only("id", "name", "slug", "acronym"), "Initiative")
    entity = forms.SlugField(required=False, label="Entity (slug)", max_length=200)

    def clean_entity(self) -> Entity | None:
        # A slug, not a select: there are too many entities for one list.
        slug = self.cleaned_data["entity"]
        if not slug:
            return None
        entity = Entity.objects.filter(slug=slug).only("id", "name", "slug").first()
        if entity is None:
            raise ValidationError("No entity has this slug.")
        return entity


class ClaimReviewForm(forms.Form):
    status = forms.ChoiceField(choices=Claim.Status.choices)
    evidence_url = forms.URLField(
        max_length=2000, required=False, assume_scheme="https", label="Evidence URL"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == Claim.Status.VERIFIED and not data.get("evidence_url"):
            self.add_error("evidence_url", "A verified claim needs the evidence's URL.")
        return data


class LinkDecisionForm(forms.Form):
    state = forms.ChoiceField(
        choices=[(Link.State.CONFIRMED, "Confirm"), (Link.State.REJECTED, "Reject")]
    )


class InitiativeLinkForm(forms.Form):
    initiative = forms.ModelChoiceField(
        queryset=Initiative.objects.only("id", "name", "slug", "acronym"), to_field_name="slug"
    )
