"""Article links (initiatives, mentions, topics): read-only rows, decided through actions and
the review queue (``review_queue``), never deleted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import path

from articles.admin import EstimatedCountPaginator

from ..models import ArticleInitiative, ArticleTopic, Link, Mention
from . import review_queue
from .base import HistoryAdmin, without_article_bodies
from .decisions import links_decide


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
        return without_article_bodies(
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
            links = list(
                queryset.select_for_update(of=("self",)).order_by(f"{self.target}_id", "pk")
            )
            links_decide(links, state=state, user=request.user)
        self.message_user(request, f"{len(links)} link(s) {state}.", messages.SUCCESS)

    @admin.action(description="Confirm the selected links", permissions=["change"])
    def confirm(self, request, queryset):
        self._decide(request, queryset, Link.State.CONFIRMED.value)

    @admin.action(description="Reject the selected links", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, Link.State.REJECTED.value)


@admin.register(ArticleInitiative)
class ArticleInitiativeAdmin(LinkAdmin):
    target = "initiative"
    list_filter = ["state", "origin", "basis", "initiative"]
    search_fields = ["matched_text", "initiative__name", "initiative__acronym"]
    readonly_fields = [*LinkAdmin.readonly_fields, "basis"]

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
        return review_queue.review_queue_view(self, request)


@admin.register(Mention)
class MentionAdmin(LinkAdmin):
    target = "entity"
    list_filter = ["state", "origin"]
    search_fields = ["matched_text", "entity__name"]
    readonly_fields = [*LinkAdmin.readonly_fields, "occurrences"]


@admin.register(ArticleTopic)
class ArticleTopicAdmin(LinkAdmin):
    target = "topic"
    list_filter = ["state", "origin", "topic"]
    search_fields = ["topic__name"]
    history_list_display = []

    def history_view(self, request, object_id, extra_context=None):
        raise PermissionDenied  # topic links keep no history
