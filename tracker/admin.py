"""The editors' desk: review queue, claims, initiatives, entities, topics.

Every change of state goes through ``tracker.services`` (which record who decided and when, and
tell readers' pages); the admin only collects the editor's input. Links and claims are never
deleted here: a rejected suggestion is kept so extraction does not make it again.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import ARTICLE_BODY_FIELDS, EstimatedCountPaginator

from . import events, review, selectors
from .models import (
    ArticleEnrichment,
    ArticleInitiative,
    ArticleTopic,
    Claim,
    ClaimAppearance,
    ClaimDeletion,
    Entity,
    EntityAlias,
    EntityMerge,
    EntitySighting,
    EntitySuggestion,
    Initiative,
    InitiativeAlias,
    InitiativeFact,
    InitiativeRelation,
    InitiativeSponsor,
    Link,
    Mention,
    Topic,
)
from .services import suggestions
from .services.claims import claim_review
from .services.links import (
    article_initiative_add,
    article_initiative_decide,
    article_topic_decide,
    mention_add,
    mention_decide,
)
from .services.merges import entity_delete, entity_merge

SUGGESTED, CONFIRMED, REJECTED = (
    Link.State.SUGGESTED.value,
    Link.State.CONFIRMED.value,
    Link.State.REJECTED.value,
)
# A bulk claim review carries the selected ids through its confirmation page; past this many,
# narrow the list first.
MAX_CLAIMS_PER_REVIEW = 500


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages show who decided what and when; reverting from them is off, because a
    revert would bypass the services that record and publish decisions."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def revert_disabled(self, request, obj=None) -> bool:
        return True


def _without_article_bodies(queryset, prefix: str = "article__"):
    return queryset.defer(*(prefix + name for name in ARTICLE_BODY_FIELDS))


# --- links and the review queue -------------------------------------------------------------


class ReviewLinkForm(forms.Form):
    """An editor adds a link the machine missed (or confirms one it suggested)."""

    article = forms.ModelChoiceField(
        queryset=ArticleInitiative._meta.get_field("article").related_model.objects.all()
    )
    initiative = forms.ModelChoiceField(queryset=Initiative.objects.all(), required=False)
    entity = forms.ModelChoiceField(queryset=Entity.objects.all(), required=False)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("article", ArticleInitiative), ("initiative", ArticleInitiative),
                            ("entity", Mention)):  # fmt: skip
            field = self.fields[name]
            field.widget = AutocompleteSelect(model._meta.get_field(name), admin_site)
            field.queryset = field.queryset  # binds the new widget to the field's choices

    def clean(self):
        data = super().clean()
        if not data.get("initiative") and not data.get("entity"):
            raise ValidationError("Choose an initiative, an entity, or both.")
        return data


class LinkAdmin(HistoryAdmin):
    """Shared by the three kinds of article link: read-only rows, decided through actions."""

    target = ""
    list_filter = ["state", "origin"]
    readonly_fields = ["origin", "matched_text", "confidence", "decided_by", "decided_at",
                       "created_at", "updated_at"]  # fmt: skip
    raw_id_fields = ["article"]
    actions = ["confirm", "reject"]
    paginator = EstimatedCountPaginator
    history_list_display = ["state", "decided_by"]

    def get_queryset(self, request):
        return _without_article_bodies(
            super().get_queryset(request).select_related("article", self.target, "decided_by")
        )

    def get_list_display(self, request):
        return ["article_title", self.target, "state", "origin", "matched_text", "confidence",
                "decided_by", "decided_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "article", self.target, "state"]

    @admin.display(description="Article", ordering="article__published_at")
    def article_title(self, link):
        return link.article.title

    def has_add_permission(self, request):
        return False  # editors add links from the review queue, through the services

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, state: str) -> None:
        with transaction.atomic():
            # In target order: deciding topic links locks their topics in id order, as
            # enrichment does, so the two never wait on each other in a circle.
            links = queryset.select_for_update(of=("self",)).order_by(f"{self.target}_id", "pk")
            for link in links:
                self.decide(link=link, state=state, user=request.user)
        self.message_user(request, f"{queryset.count()} link(s) {state}.", messages.SUCCESS)

    def decide(self, *, link, state: str, user) -> None:
        raise NotImplementedError

    @admin.action(description="Confirm the selected links", permissions=["change"])
    def confirm(self, request, queryset):
        self._decide(request, queryset, CONFIRMED)

    @admin.action(description="Reject the selected links", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, REJECTED)


@admin.register(ArticleInitiative)
class ArticleInitiativeAdmin(LinkAdmin):
    target = "initiative"
    list_filter = ["state", "origin", "basis", "initiative"]
    search_fields = ["matched_text", "initiative__name", "initiative__acronym"]
    readonly_fields = [*LinkAdmin.readonly_fields, "basis"]

    def decide(self, *, link, state, user):
        article_initiative_decide(link=link, state=state, user=user)

    def get_urls(self):
        return [
            path(
                "review/",
                self.admin_site.admin_view(self.review_view),
                name="tracker_review_queue",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest):
        """The review queue: suggested initiative links and mentions, decided here."""
        if not (self.has_view_permission(request)
                and request.user.has_perm("tracker.view_mention")):  # fmt: skip
            raise PermissionDenied
        can_decide = self.has_change_permission(request) and request.user.has_perm(
            "tracker.change_mention"
        )
        can_add = request.user.has_perm("tracker.add_articleinitiative") and request.user.has_perm(
            "tracker.add_mention"
        )
        add_form = ReviewLinkForm(admin_site=self.admin_site)
        can_see_suggestions = request.user.has_perm("tracker.view_entitysuggestion")
        can_decide_suggestions = request.user.has_perm(
            "tracker.change_entitysuggestion"
        ) and request.user.has_perm("tracker.add_entity")
        if request.method == "POST":
            if "suggestion" in request.POST:
                if not can_decide_suggestions:
                    raise PermissionDenied
                self._decide_suggestions(request)
                return HttpResponseRedirect(request.get_full_path())
            if "add" in request.POST:
                if not can_add:
                    raise PermissionDenied
                add_form = ReviewLinkForm(request.POST, admin_site=self.admin_site)
                if add_form.is_valid():
                    self._add_link(request, **add_form.cleaned_data)
                    return HttpResponseRedirect(request.get_full_path())
            else:
                if not can_decide:
                    raise PermissionDenied
                self._decide_from_queue(request)
                return HttpResponseRedirect(request.get_full_path())

        try:
            initiative_id, article_id = _id(request, "initiative"), _id(request, "article")
        except ValueError as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        group_by = request.GET.get("group", "")
        queue = review.review_queue(
            initiative_id=initiative_id,
            article_id=article_id,
            group_by=group_by if group_by in review.GROUPINGS else review.BY_TARGET,
            page_number=request.GET.get("page", 1),
        )
        suggested, more_suggested = [], False
        if can_see_suggestions and initiative_id is None and article_id is None:
            suggested, more_suggested = review.entity_suggestions()
        context = {
            "suggested_entities": suggested,
            "more_suggested_entities": more_suggested,
            "can_see_suggestions": can_see_suggestions,
            "can_decide_suggestions": can_decide_suggestions,
            "entity_kinds": Entity.Kind.choices,
            **self.admin_site.each_context(request),
            "title": "Review queue",
            "opts": self.model._meta,
            "queue": queue,
            "can_decide": can_decide,
            "can_add": can_add,
            "add_form": add_form,
            "media": self.media + add_form.media,
            "page_range": queue.page.paginator.get_elided_page_range(queue.page.number),
            "initiatives": Initiative.objects.only("id", "name", "acronym"),
            "initiative_id": initiative_id,
            "article_id": article_id,
        }
        return TemplateResponse(request, "admin/tracker/review_queue.html", context)

    def _decide_from_queue(self, request: HttpRequest) -> None:
        one = request.POST.get("decide", "")  # "confirm:initiative:12" from a row's button
        if one:
            verdict, _, key = one.partition(":")
            keys = [key]
        else:
            verdict, keys = request.POST.get("verdict", ""), request.POST.getlist("selected")
        state = {"confirm": CONFIRMED, "reject": REJECTED}.get(verdict)
        if state is None or not keys:
            self.message_user(request, "Select suggestions, then confirm or reject them.",
                              messages.WARNING)  # fmt: skip
            return
        with transaction.atomic():
            links = review.links_for_keys(keys)
            for link in links:
                if isinstance(link, Mention):
                    mention_decide(mention=link, state=state, user=request.user)
                else:
                    article_initiative_decide(link=link, state=state, user=request.user)
        self.message_user(request, f"{len(links)} suggestion(s) {state}.", messages.SUCCESS)

    def _decide_suggestions(self, request: HttpRequest) -> None:
        """Accept or reject suggested entities: one from its row's button (with the kind and
        aliases typed in that row), or the selected ones in bulk (each with its row's kind)."""
        verdict, _, one = request.POST.get("suggestion", "").partition(":")
        ids = [one] if one else request.POST.getlist("selected_suggestion")
        rows = EntitySuggestion.objects.filter(
            pk__in=[int(pk) for pk in ids if pk.isascii() and pk.isdigit() and len(pk) <= 18],
            state="pending",
        ).order_by("pk")
        if verdict not in ("accept", "reject") or not rows:
            self.message_user(request, "Select suggested entities, then accept or reject them.",
                              messages.WARNING)  # fmt: skip
            return
        done, failed, accepted = [], [], []
        for row in rows:
            try:
                if verdict == "reject":
                    suggestions.entity_suggestion_reject(suggestion=row, user=request.user)
                else:
                    suggestions.entity_suggestion_accept(
                        suggestion=row,
                        user=request.user,
                        kind=request.POST.get(f"kind_{row.pk}") or None,
                        name=request.POST.get(f"name_{row.pk}") or None,
                        aliases=_lines(request.POST.get(f"aliases_{row.pk}", "")),
                        enrich=False,
                    )
                    accepted.append(row)
                done.append(row.name)
            except ValidationError as error:
                failed.append(f"{row.name}: {'; '.join(error.messages)}")
        if accepted:  # once for them all: their articles show the new entities' mentions
            suggestions.entity_suggestions_enrich(suggestions=accepted)
        state = "accepted" if verdict == "accept" else "rejected"
        if done:
            self.message_user(request, f"{len(done)} suggested entit(ies) {state}.",
                              messages.SUCCESS)  # fmt: skip
        for message in failed:
            self.message_user(request, message, messages.ERROR)

    def _add_link(self, request: HttpRequest, *, article, initiative, entity) -> None:
        with transaction.atomic():
            if initiative:
                article_initiative_add(article=article, initiative=initiative, user=request.user)
            if entity:
                mention_add(article=article, entity=entity, user=request.user)
        added = " and ".join(str(t) for t in (initiative, entity) if t)
        self.message_user(request, f"Linked “{article}” to {added}.", messages.SUCCESS)


def _id(request: HttpRequest, name: str) -> int | None:
    """A row id from the query string, or None; anything but ASCII digits is refused (``isdigit``
    alone lets "²" through, which ``int()`` then refuses: a 500)."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise ValueError(f"?{name}= must be an id: digits 0-9 only.")
    return int(value)


def _lines(value: str) -> list[str]:
    """Aliases typed one per line or separated by semicolons (not commas: "Co., Ltd.")."""
    return [part.strip() for part in value.replace(";", "\n").splitlines() if part.strip()]


@admin.register(Mention)
class MentionAdmin(LinkAdmin):
    target = "entity"
    list_filter = ["state", "origin"]
    search_fields = ["matched_text", "entity__name"]
    readonly_fields = [*LinkAdmin.readonly_fields, "occurrences"]

    def decide(self, *, link, state, user):
        mention_decide(mention=link, state=state, user=user)


@admin.register(ArticleTopic)
class ArticleTopicAdmin(LinkAdmin):
    target = "topic"
    list_filter = ["state", "origin", "topic"]
    search_fields = ["topic__name"]
    history_list_display = []

    def decide(self, *, link, state, user):
        article_topic_decide(link=link, state=state, user=user)

    def history_view(self, request, object_id, extra_context=None):
        raise PermissionDenied  # topic links keep no history


# --- claims ---------------------------------------------------------------------------------


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


class ClaimReviewForm(forms.Form):
    status = forms.ChoiceField(choices=Claim.Status.choices, widget=forms.HiddenInput)
    evidence_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Evidence URL"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == Claim.Status.VERIFIED and not data.get("evidence_url"):
            self.add_error("evidence_url", "Verified needs the URL of the evidence.")
        if status == Claim.Status.FALSE and not (data.get("evidence_url") or data.get("note")):
            self.add_error("note", "False needs the evidence's URL or a note saying why.")
        return data


class ClaimAdminForm(forms.ModelForm):
    evidence_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Evidence URL"
    )

    class Meta:
        model = Claim
        fields = ["status", "evidence_url", "review_note"]

    def clean(self):
        data = super().clean()
        status, url = data.get("status"), data.get("evidence_url")
        if status == Claim.Status.VERIFIED and not url:
            self.add_error("evidence_url", "Verified needs the URL of the evidence.")
        if status == Claim.Status.FALSE and not (url or data.get("review_note")):
            self.add_error("review_note", "False needs the evidence's URL or a note saying why.")
        return data

    def validate_constraints(self):
        pass  # the form's clean() and claim_review say it in editors' words


class AppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    extra = 0
    can_delete = False
    fields = ["article_link", "location", "sentence"]
    readonly_fields = fields

    def get_queryset(self, request):
        return _without_article_bodies(super().get_queryset(request).select_related("article"))

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
            claim_review(
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
            form = ClaimReviewForm(request.POST)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        for claim in claims:
                            claim_review(
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
            form = ClaimReviewForm(initial={"status": status})
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


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that services write and editors only read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _MachineRecordAdmin(_ReadOnlyAdmin):
    """Rows extraction writes and editors only read: large tables, listed without counting."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def get_queryset(self, request):
        return _without_article_bodies(super().get_queryset(request))


@admin.register(ClaimAppearance)
class ClaimAppearanceAdmin(_MachineRecordAdmin):
    list_display = ["claim", "article", "location", "position"]
    list_filter = ["location"]
    list_select_related = ["claim", "article"]
    raw_id_fields = ["claim", "article"]
    search_fields = ["sentence"]
    ordering = ["-id"]  # the model's order joins every article to sort


@admin.register(ClaimDeletion)
class ClaimDeletionAdmin(_ReadOnlyAdmin):
    """Deleted claims' tombstones (``services.claims.claims_delete`` writes these)."""

    list_display = ["former_id", "reason", "into_id", "deleted_at"]
    list_filter = ["reason"]
    search_fields = ["=former_id"]
    ordering = ["-id"]


# --- initiatives ----------------------------------------------------------------------------


class InitiativeAliasInline(admin.TabularInline):
    model = InitiativeAlias
    extra = 0
    fields = ["text", "exact", "kind", "note"]


class SponsorInline(admin.TabularInline):
    model = InitiativeSponsor
    extra = 0
    autocomplete_fields = ["entity"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class RelationInline(admin.TabularInline):
    model = InitiativeRelation
    fk_name = "from_initiative"
    extra = 0
    autocomplete_fields = ["to_initiative"]
    verbose_name = "relation to another initiative"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_initiative")


class FactInline(admin.TabularInline):
    model = InitiativeFact
    extra = 0
    formfield_overrides = HistoryAdmin.formfield_overrides
    fields = ["label", "value", "unit", "as_of", "source_url", "note"]


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "status", "announced_on", "launched_on",
                    "sponsor_names"]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["name", "acronym", "aliases__text"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["jurisdictions"]
    readonly_fields = ["conflicts", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "acronym", "kind", "status", "summary",
                           "official_url", "announced_on", "launched_on", "ended_on",
                           "jurisdictions"]}),
        ("Conflicting figures", {"fields": ["conflicts", "conflict_note"]}),
        ("Matching", {"fields": ["patterns"], "classes": ["collapse"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]  # fmt: skip
    inlines = [InitiativeAliasInline, SponsorInline, RelationInline, FactInline]
    history_list_display = ["status", "conflict_note"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("sponsors", queryset=Entity.objects.only("id", "name").order_by())
            )
        )

    @admin.display(description="Sponsors")
    def sponsor_names(self, initiative):
        return ", ".join(sorted({e.name for e in initiative.sponsors.all()})) or "—"

    @admin.display(description="Reports disagree")
    def conflicts(self, initiative):
        if initiative.pk is None:
            return "—"
        found = selectors.initiative_conflicts(initiative)
        if not found:
            return "No conflicting figures."
        rows = []
        for conflict in found:
            what = conflict.what
            if conflict.resolved:
                what += f" (resolved: {_value_text(conflict.verified)} verified)"
            values = format_html_join(
                "",
                "<li><strong>{}</strong>: {}</li>",
                ((_value_text(value), _claim_links(value.claims)) for value in conflict.values),
            )
            rows.append(format_html("<p>{}</p><ul>{}</ul>", what, values))
        return format_html_join("", "<div class='conflict'>{}</div>", ((r,) for r in rows))

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved as it was (no field, no alias, sponsor, relation or fact changed): nothing for
        # readers or partners to hear of. The admin's view is atomic: the outbox row commits
        # with the edit.
        if change and not form.has_changed() and not any(f.has_changed() for f in formsets):
            return
        events.tracker_changed(event=events.INITIATIVE_UPDATED, instance=form.instance)


def _value_text(value) -> str:
    low = f"{value.value.normalize():,f}"
    if value.value_max is not None:
        return f"{low}–{value.value_max.normalize():,f} {value.unit}"
    return f"{low} {value.unit}"


def _claim_links(claims) -> str:
    return format_html_join(
        ", ",
        '<a href="{}">{} ({}, {} article(s))</a>',
        (
            (
                reverse("admin:tracker_claim_change", args=[claim.pk]),
                claim.figure_text or f"claim {claim.pk}",
                claim.get_status_display(),
                claim.article_count,
            )
            for claim in claims
        ),
    )


@admin.register(InitiativeAlias)
class InitiativeAliasAdmin(admin.ModelAdmin):
    list_display = ["text", "initiative", "exact", "kind"]
    list_filter = ["kind"]
    list_select_related = ["initiative"]
    search_fields = ["text", "initiative__name"]
    autocomplete_fields = ["initiative"]


@admin.register(InitiativeFact)
class InitiativeFactAdmin(admin.ModelAdmin):
    list_display = ["label", "initiative", "value", "unit", "as_of"]
    list_select_related = ["initiative"]
    list_filter = ["unit"]
    search_fields = ["label", "initiative__name"]
    autocomplete_fields = ["initiative"]


@admin.register(InitiativeSponsor)
class InitiativeSponsorAdmin(admin.ModelAdmin):
    list_display = ["initiative", "entity", "role"]
    list_select_related = ["initiative", "entity"]
    list_filter = ["role"]
    search_fields = ["initiative__name", "entity__name"]
    autocomplete_fields = ["initiative", "entity"]


@admin.register(InitiativeRelation)
class InitiativeRelationAdmin(admin.ModelAdmin):
    list_display = ["from_initiative", "kind", "to_initiative"]
    list_select_related = ["from_initiative", "to_initiative"]
    list_filter = ["kind"]
    search_fields = ["from_initiative__name", "to_initiative__name"]
    autocomplete_fields = ["from_initiative", "to_initiative"]


# --- entities and topics --------------------------------------------------------------------


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    fields = ["text", "exact", "kind", "note"]


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=Entity.objects.all(), label="Merge into")

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        field.widget = AutocompleteSelect(Mention._meta.get_field("entity"), admin_site)
        field.queryset = field.queryset  # binds the new widget to the field's choices


@admin.register(Entity)
class EntityAdmin(HistoryAdmin):
    list_display = ["name", "kind", "country", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__text"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EntityAliasInline]
    actions = ["merge_into"]
    history_list_display = ["name", "kind"]

    # Deleting leaves a tombstone (entity_delete) that partners sync.
    def delete_model(self, request, obj):
        entity_delete(entity=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for entity in queryset:
                entity_delete(entity=entity, user=request.user)

    @admin.action(description="Merge into another entity…", permissions=["change", "delete"])
    def merge_into(self, request, queryset):
        """Fold the selected entities into one chosen on an intermediate page."""
        sources = list(queryset)
        form = MergeForm(request.POST if "apply" in request.POST else None,
                         admin_site=self.admin_site)  # fmt: skip
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            if any(source.pk == into.pk for source in sources):
                form.add_error("into", "Choose an entity that is not being merged.")
            else:
                with transaction.atomic():
                    for source in sources:
                        entity_merge(source=source, into=into, user=request.user)
                self.message_user(request, f"Merged {len(sources)} entit(ies) into {into}.",
                                  messages.SUCCESS)  # fmt: skip
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge entities",
            "opts": self.model._meta,
            "sources": sources,
            "form": form,
            "media": self.media + form.media,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tracker/entity/merge.html", context)


@admin.register(EntityMerge)
class EntityMergeAdmin(_ReadOnlyAdmin):
    """Where merged entities went (``services.merges.entity_merge`` writes these)."""

    list_display = ["name", "slug", "into", "merged_at", "merged_by"]
    list_select_related = ["into", "merged_by"]
    search_fields = ["name", "slug", "into__name"]


@admin.register(EntityAlias)
class EntityAliasAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "exact", "kind"]
    list_filter = ["kind"]
    list_select_related = ["entity"]
    search_fields = ["text", "entity__name"]
    autocomplete_fields = ["entity"]


class SightingInline(admin.TabularInline):
    model = EntitySighting
    extra = 0
    fields = ["article", "context", "seen_at"]
    readonly_fields = fields
    raw_id_fields = ["article"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EntitySuggestion)
class EntitySuggestionAdmin(admin.ModelAdmin):
    """Suggested new entities; they are decided in the review queue or with these actions."""

    list_display = ["name", "kind", "state", "article_count", "last_seen_at", "entity",
                    "decided_by"]  # fmt: skip
    list_filter = ["state", "kind"]
    list_select_related = ["entity", "decided_by"]
    search_fields = ["name", "key"]
    readonly_fields = ["name", "key", "kind", "state", "entity", "article_count",
                       "first_seen_at", "last_seen_at", "decided_by", "decided_at"]  # fmt: skip
    inlines = [SightingInline]
    actions = ["accept", "reject"]

    def has_add_permission(self, request):
        return False  # enrichment finds them

    def has_delete_permission(self, request, obj=None):
        return False  # a rejected name is kept so that it is not suggested again

    def _decide(self, request, queryset, accept: bool) -> None:
        done, accepted = 0, []
        for row in queryset.filter(state="pending").order_by("pk"):
            try:
                if accept:
                    suggestions.entity_suggestion_accept(
                        suggestion=row, user=request.user, enrich=False
                    )
                    accepted.append(row)
                else:
                    suggestions.entity_suggestion_reject(suggestion=row, user=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{row.name}: {'; '.join(error.messages)}",
                                  messages.ERROR)  # fmt: skip
        if accepted:  # once for them all: their articles show the new entities' mentions
            suggestions.entity_suggestions_enrich(suggestions=accepted)
        verdict = "accepted" if accept else "rejected"
        self.message_user(request, f"{done} suggested entit(ies) {verdict}.", messages.SUCCESS)

    @admin.action(description="Accept: create the entities (guessed kind)", permissions=["change"])
    def accept(self, request, queryset):
        if not request.user.has_perm("tracker.add_entity"):
            raise PermissionDenied
        self._decide(request, queryset, accept=True)

    @admin.action(description="Reject: never suggest these names again", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, accept=False)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "min_keyword_hits"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["entities", "initiatives"]


@admin.register(ArticleEnrichment)
class ArticleEnrichmentAdmin(_MachineRecordAdmin):
    list_display = ["article", "enriched_at", "lexicon_version"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
