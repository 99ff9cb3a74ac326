"""Claims: verdicts given one at a time (the change form) or in bulk (actions with an
intermediate page), the articles that make each claim, deleted claims' tombstones."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.admin import EstimatedCountPaginator

from .. import selectors
from ..forms import ClaimReviewForm
from ..models import Claim, ClaimAppearance, ClaimDeletion, Entity, Initiative
from ..services import claims as claim_services
from .base import HistoryAdmin, MachineRecordAdmin, ReadOnlyAdmin, without_article_bodies

# A bulk claim review carries the selected ids through its confirmation page; past this many,
# narrow the list first.
MAX_CLAIMS_PER_REVIEW = 500


class ConflictFilter(admin.SimpleListFilter):
    title = "conflict"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("yes", "Behind a conflicting figure"), ("no", "No conflict")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        in_conflict = {
            claim.pk
            for conflicts in selectors.open_conflicts().values()
            for conflict in conflicts
            for value in conflict.values
            for claim in value.claims
        }
        if self.value() == "yes":
            return queryset.filter(pk__in=in_conflict)
        return queryset.exclude(pk__in=in_conflict)


class BulkReviewForm(ClaimReviewForm):
    """The verdict form of the public pages, on the bulk action's page: the status is the
    action's, and each claim's own evidence does not count (one evidence URL for them all)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget = forms.HiddenInput()
        self.fields["note"].widget.attrs["rows"] = 3


class ClaimAdminForm(forms.ModelForm):
    """The change form: ``Claim.clean`` holds the verdict to the rule, field by field."""

    evidence_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Evidence URL"
    )

    class Meta:
        model = Claim
        fields = ["status", "evidence_url", "review_note"]

    def validate_constraints(self):
        pass  # Claim.clean and claim_review say it in editors' words


class AppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    extra = 0
    can_delete = False
    fields = ["article_link", "location", "sentence"]
    readonly_fields = fields

    def get_queryset(self, request):
        return without_article_bodies(super().get_queryset(request).select_related("article"))

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Article")
    def article_link(self, appearance):
        url = reverse("admin:articles_article_change", args=[appearance.article_id])
        return format_html('<a href="{}">{}</a>', url, appearance.article.title)


class NamesOnlyFilter(admin.RelatedFieldListFilter):
    """A related filter whose choices load only the columns their labels show, not whole
    initiatives and entities (summaries, patterns, descriptions), and once per request for
    filters on the same model (claims filter on initiatives twice: subject, and named)."""

    LABEL_FIELDS = {Initiative: ["name", "acronym"], Entity: ["name"]}  # what __str__ reads

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        loaded = request.__dict__.setdefault("_names_only_choices", {})
        if model not in loaded:
            ordering = (
                self.field_admin_ordering(field, request, model_admin) or model._meta.ordering
            )
            rows = model._default_manager.only(*self.LABEL_FIELDS[model]).order_by(*ordering)
            loaded[model] = [(row.pk, str(row)) for row in rows]
        return loaded[model]


class ClaimChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Only the rows shown: actions get whole claims from get_queryset().
        rows = list(self.result_list.only(*self.model_admin.list_columns))
        # The outlets of the page's claims in one query, not one per row.
        outlets = selectors.claim_outlets([claim.pk for claim in rows])
        for claim in rows:
            claim.outlets_shown = outlets.get(claim.pk, [])
        self.result_list = rows


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    form = ClaimAdminForm
    # Fits 1,366 px: text columns wrap (static/css/admin.css), the reviewer and date share one.
    list_display = ["short_statement", "figure", "measure", "subject", "outlets", "status",
                    "independent_check", "reviewed"]  # fmt: skip
    # Plain related filters: the RelatedOnly kind scans every claim to build its choices.
    list_filter = ["status", "needs_independent_verification", "needs_rereview", ConflictFilter,
                   ("subject_initiative", NamesOnlyFilter), ("initiatives", NamesOnlyFilter),
                   ("subject_entity", NamesOnlyFilter)]  # fmt: skip
    list_select_related = ["subject_initiative", "subject_entity", "reviewed_by"]
    # What the list's columns read: its rows load only these (see ClaimChangeList).
    list_columns = ["statement", "figure_text", "measure", "status",
                    "needs_independent_verification",
                    "reviewed_at", "subject_initiative__name", "subject_initiative__acronym",
                    "subject_entity__name", "reviewed_by__username"]  # fmt: skip
    search_fields = ["statement", "figure_text"]
    fieldsets = [
        ("Verdict", {"fields": ["status", "evidence_url", "review_note", "reviewed_by",
                                "reviewed_at"]}),
        ("Claim", {"fields": ["statement", "figure_text", "measure", "value", "value_max",
                              "unit", "per", "period", "bound", "outlook", "implausible",
                              "is_attributed", "subject_initiative", "subject_entity", "named",
                              "needs_independent_verification", "carried_from",
                              "needs_rereview", "created_at"]}),
    ]  # fmt: skip
    readonly_fields = ["statement", "figure_text", "measure", "value", "value_max", "unit", "per",
                       "period", "bound", "outlook", "implausible", "is_attributed",
                       "subject_initiative", "subject_entity", "named",
                       "needs_independent_verification", "carried_from", "reviewed_by",
                       "reviewed_at", "created_at"]  # fmt: skip
    inlines = [AppearanceInline]
    ordering = ["-id"]  # newest first, as the model's order, but served by the primary key
    actions = ["mark_verified", "mark_unverified", "mark_disputed", "mark_false"]
    paginator = EstimatedCountPaginator
    history_list_display = ["status", "evidence_url", "review_note"]

    def get_changelist(self, request, **kwargs):
        return ClaimChangeList

    def has_add_permission(self, request):
        return False  # claims come from articles

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Statement", ordering="statement")
    def short_statement(self, claim):
        return claim.statement if len(claim.statement) <= 120 else claim.statement[:119] + "…"

    @admin.display(description="Figure", ordering="figure_text")
    def figure(self, claim):
        return claim.figure_text or "—"

    @admin.display(description="About")
    def subject(self, claim):
        return claim.subject or "—"

    @admin.display(description="Outlets")
    def outlets(self, claim):
        return ", ".join(getattr(claim, "outlets_shown", [])) or "—"

    @admin.display(description="Independent check", ordering="needs_independent_verification")
    def independent_check(self, claim):
        # A flag, not a verdict: "no" is the usual case and shows nothing (a red ✗ read as an
        # error); "yes" is a neutral label.
        if not claim.needs_independent_verification:
            return ""
        return format_html('<span class="claim-flag">{}</span>', "needs one")

    @admin.display(description="Reviewed", ordering="reviewed_at")
    def reviewed(self, claim):
        if claim.reviewed_at is None:
            return "—"
        who = claim.reviewed_by.username if claim.reviewed_by else "?"
        return format_html("{}<br><span class=\"quiet\">{}</span>", who,
                           timezone.localtime(claim.reviewed_at).date().isoformat())  # fmt: skip

    @admin.display(description="Names")
    def named(self, claim):
        names = [*claim.initiatives.all(), *claim.entities.all()]
        return ", ".join(str(n) for n in names) or "—"

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            claim_services.claim_review(
                claim=obj,
                status=form.cleaned_data["status"],
                user=request.user,
                evidence_url=form.cleaned_data["evidence_url"],
                note=form.cleaned_data["review_note"],
            )

    @admin.action(description="Mark verified…", permissions=["change"])
    def mark_verified(self, request, queryset):
        return self._review(request, queryset, Claim.Status.VERIFIED)

    @admin.action(description="Mark unverified…", permissions=["change"])
    def mark_unverified(self, request, queryset):
        return self._review(request, queryset, Claim.Status.UNVERIFIED)

    @admin.action(description="Mark disputed…", permissions=["change"])
    def mark_disputed(self, request, queryset):
        return self._review(request, queryset, Claim.Status.DISPUTED)

    @admin.action(description="Mark false…", permissions=["change"])
    def mark_false(self, request, queryset):
        return self._review(request, queryset, Claim.Status.FALSE)

    def _review(self, request, queryset, status: str):
        """Ask for the evidence and note on an intermediate page, then record the verdict on
        every selected claim (all or none)."""
        claims = list(queryset.select_related("subject_initiative", "subject_entity")[
            : MAX_CLAIMS_PER_REVIEW + 1])  # fmt: skip
        if len(claims) > MAX_CLAIMS_PER_REVIEW:
            self.message_user(request, f"Select at most {MAX_CLAIMS_PER_REVIEW} claims at once.",
                              messages.ERROR)  # fmt: skip
            return None
        if "apply" in request.POST:
            form = BulkReviewForm(request.POST)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        for claim in claims:
                            claim_services.claim_review(
                                claim=claim,
                                status=status,
                                user=request.user,
                                evidence_url=form.cleaned_data["evidence_url"],
                                note=form.cleaned_data["note"],
                            )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    label = Claim.Status(status).label.lower()
                    self.message_user(request, f"{len(claims)} claim(s) marked {label}.",
                                      messages.SUCCESS)  # fmt: skip
                    return None
        else:
            form = BulkReviewForm(initial={"status": status})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Mark {len(claims)} claim(s) {Claim.Status(status).label.lower()}",
            "opts": self.model._meta,
            "claims": claims,
            "form": form,
            "status": status,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "evidence_required": status == Claim.Status.VERIFIED,
            "evidence_or_note_required": status == Claim.Status.FALSE,
            "is_popup": IS_POPUP_VAR in request.GET,
        }
        return TemplateResponse(request, "admin/tracker/claim/review_claims.html", context)


@admin.register(ClaimAppearance)
class ClaimAppearanceAdmin(MachineRecordAdmin):
    list_display = ["claim", "article", "location", "position"]
    list_filter = ["location"]
    list_select_related = ["claim", "article"]
    raw_id_fields = ["claim", "article"]
    search_fields = ["sentence"]
    ordering = ["-id"]  # the model's order joins every article to sort


@admin.register(ClaimDeletion)
class ClaimDeletionAdmin(ReadOnlyAdmin):
    """Deleted claims' tombstones (``services.claims_delete`` writes these)."""

    list_display = ["former_id", "reason", "into_id", "deleted_at"]
    list_filter = ["reason"]
    search_fields = ["=former_id"]
    ordering = ["-id"]
