"""Suggested new entities that enrichment found, with the sentences they were seen in."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from ..models import EntitySighting, EntitySuggestion
from .decisions import suggestions_decide


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
        rows = queryset.filter(state=EntitySuggestion.State.PENDING).order_by("pk")
        suggestions_decide(self, request, rows, accept=accept)

    @admin.action(description="Accept: create the entities (guessed kind)", permissions=["change"])
    def accept(self, request, queryset):
        if not request.user.has_perm("tracker.add_entity"):
            raise PermissionDenied
        self._decide(request, queryset, accept=True)

    @admin.action(description="Reject: never suggest these names again", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, accept=False)
