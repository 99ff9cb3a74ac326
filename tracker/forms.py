"""Forms of the tracker's public pages: filters readers use (GET) and editors' controls (POST)."""

from django import forms
from django.core.exceptions import ValidationError

from articles.forms import IN_RANGE, SearchForm
from articles.models import Feed

from . import figures as claim_facts
from .models import Claim, Entity, Initiative, Link, Topic


def _by_slug(queryset, label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=queryset, to_field_name="slug", required=False, label=label, empty_label="Any"
    )


class ReaderSearchForm(SearchForm):
    """The search form with the tracker's filters: a topic and an initiative, by slug."""

    topic = _by_slug(Topic.objects.only("id", "name", "slug"), "Topic")
    initiative = _by_slug(Initiative.objects.only("id", "name", "slug", "acronym"), "Initiative")


def _entity_by_slug(slug: str) -> Entity | None:
    # A slug, not a select: there are too many entities for one list.
    if not slug:
        return None
    entity = Entity.objects.filter(slug=slug).only("id", "name", "slug").first()
    if entity is None:
        raise ValidationError("No entity has this slug.")
    return entity


class OutletChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Feed) -> str:
        return obj.outlet_name


class ArticleFilterForm(SearchForm):
    """The filters of /articles/: outlet (a feed, by id), topic, initiative, entity, dates."""

    q = None  # /articles/ lists; /search/ searches
    outlet = OutletChoiceField(
        queryset=Feed.objects.only("id", "title", "publisher", "url").order_by("title", "url"),
        required=False,
        label="Outlet",
        empty_label="Any",
    )
    topic = _by_slug(Topic.objects.only("id", "name", "slug"), "Topic")
    initiative = _by_slug(Initiative.objects.only("id", "name", "slug", "acronym"), "Initiative")
    entity = forms.SlugField(required=False, label="Entity (slug)", max_length=200)

    def clean_entity(self) -> Entity | None:
        return _entity_by_slug(self.cleaned_data["entity"])


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any"), *Claim.Status.choices], required=False, label="Status"
    )
    initiative = _by_slug(Initiative.objects.only("id", "name", "slug", "acronym"), "Initiative")
    entity = forms.SlugField(required=False, label="Entity (slug)", max_length=200)
    # Free text, matched whole and case-insensitively: the extractor's measures are open-ended.
    measure = forms.CharField(
        required=False, max_length=120, strip=True, label="Measure (e.g. loan, capacity)"
    )
    unit = forms.ChoiceField(
        choices=[("", "Any"), *claim_facts.UNIT_CHOICES], required=False, label="Unit"
    )

    def clean_entity(self) -> Entity | None:
        return _entity_by_slug(self.cleaned_data["entity"])


class InitiativeFilterForm(forms.Form):
    """The filters and order of the /initiatives/ table. The jurisdictions and sponsors offered
    are those of the initiatives listed (read with them: no query of their own)."""

    SORTS = {
        "latest": "Last coverage",
        "name": "Name",
        "kind": "Kind",
        "status": "Status",
        "articles": "Articles",
    }

    jurisdiction = forms.ChoiceField(required=False, label="Jurisdiction")
    kind = forms.ChoiceField(
        choices=[("", "Any"), *Initiative.Kind.choices], required=False, label="Kind"
    )
    status = forms.ChoiceField(
        choices=[("", "Any"), *Initiative.Status.choices], required=False, label="Status"
    )
    sponsor = forms.ChoiceField(required=False, label="Sponsor")
    covered_since = forms.DateField(
        label="Covered since",
        required=False,
        validators=IN_RANGE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = forms.ChoiceField(
        choices=[
            ("", "Default (last coverage)"),
            *((key, label) for key, label in SORTS.items()),
            *((f"-{key}", f"{label}, reversed") for key, label in SORTS.items()),
        ],
        required=False,
        label="Sort by",
    )

    def __init__(self, *args, jurisdictions: list[Entity], sponsors: list[Entity], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [
            ("", "Any"),
            *((e.slug, e.name) for e in jurisdictions),
        ]
        self.fields["sponsor"].choices = [("", "Any"), *((e.slug, e.name) for e in sponsors)]


class ClaimReviewForm(forms.Form):
    """An editor's verdict on a claim (or, in the admin's bulk action, on several), held to
    ``Claim.verdict_errors``. Given the ``claim``, its evidence and note count, as they do for
    ``services.claim_review``; without one, the form must carry them."""

    status = forms.ChoiceField(choices=Claim.Status.choices)
    evidence_url = forms.URLField(
        max_length=2000, required=False, assume_scheme="https", label="Evidence URL"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")

    def __init__(self, *args, claim: Claim | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.claim = claim

    def clean(self) -> dict:
        data = super().clean()
        if "status" not in data:
            return data
        kept = self.claim or Claim()
        errors = Claim.verdict_errors(
            status=data["status"],
            evidence_url=data.get("evidence_url") or kept.evidence_url,
            note=(data.get("note") or "").strip() or kept.review_note,
        )
        for field, message in errors.items():
            self.add_error({"review_note": "note"}.get(field, field), message)
        return data


class LinkDecisionForm(forms.Form):
    state = forms.ChoiceField(
        choices=[(Link.State.CONFIRMED, "Confirm"), (Link.State.REJECTED, "Reject")]
    )


class InitiativeLinkForm(forms.Form):
    initiative = forms.ModelChoiceField(
        queryset=Initiative.objects.only("id", "name", "slug", "acronym"), to_field_name="slug"
    )
