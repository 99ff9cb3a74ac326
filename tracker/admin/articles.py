"""What the tracker adds to the articles' admin: each article's links, mentions and claims
(inlines on the article page, registered from this side so that ``articles`` knows nothing of
the tracker), and the record of each article's enrichment."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import ArticleAdmin
from articles.models import Article

from ..models import ArticleEnrichment, ArticleInitiative, ClaimAppearance, Mention
from .base import MachineRecordAdmin


class InitiativeLinkInline(admin.TabularInline):
    model = ArticleInitiative
    extra = 0
    can_delete = False
    fields = ["initiative", "state", "origin", "basis", "matched_text", "confidence",
              "decided_by", "decided_at"]  # fmt: skip
    readonly_fields = fields
    verbose_name = "initiative link"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative", "decided_by")

    def has_add_permission(self, request, obj=None):
        return False  # links are added and decided in the review queue, through the services


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    can_delete = False
    fields = ["entity", "state", "origin", "occurrences", "matched_text", "confidence",
              "decided_by", "decided_at"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity", "decided_by")

    def has_add_permission(self, request, obj=None):
        return False


class ClaimAppearanceInline(admin.TabularInline):
    model = ClaimAppearance
    extra = 0
    can_delete = False
    fields = ["claim_link", "status", "location", "sentence"]
    readonly_fields = fields
    verbose_name = "claim"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Claim")
    def claim_link(self, appearance):
        url = reverse("admin:tracker_claim_change", args=[appearance.claim_id])
        return format_html('<a href="{}">{}</a>', url, appearance.claim.figure_text or "claim")

    @admin.display(description="Status")
    def status(self, appearance):
        return appearance.claim.get_status_display()


def _with_review_link(fields: list[str]) -> list[str]:
    # Where the article page has always shown it: after the body, before the story.
    at = fields.index("story")
    return [*fields[:at], "review_link", *fields[at:]]


class TrackerArticleAdmin(ArticleAdmin):
    """The articles' admin with the tracker's parts: the article's links, mentions and claims
    first, and a link to the review queue for its suggestions."""

    inlines = [InitiativeLinkInline, MentionInline, ClaimAppearanceInline, *ArticleAdmin.inlines]
    readonly_fields = _with_review_link(ArticleAdmin.readonly_fields)

    @admin.display(description="Review")
    def review_link(self, article):
        url = reverse("admin:tracker_review_queue") + f"?article={article.pk}"
        return format_html('<a href="{}">Suggestions waiting for this article</a>', url)


admin.site.unregister(Article)
admin.site.register(Article, TrackerArticleAdmin)


@admin.register(ArticleEnrichment)
class ArticleEnrichmentAdmin(MachineRecordAdmin):
    list_display = ["article", "enriched_at", "lexicon_version"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
