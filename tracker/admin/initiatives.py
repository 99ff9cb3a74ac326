"""Initiatives with their aliases, sponsors, relations and reference facts; the conflicting
figures reported about each are shown on its page."""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import events, selectors
from ..models import (
    Entity,
    Initiative,
    InitiativeAlias,
    InitiativeFact,
    InitiativeRelation,
    InitiativeSponsor,
)
from .base import HistoryAdmin


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
    fields = ["initiative", "text", "exact", "kind", "note"]  # its initiative first
    list_display = ["text", "initiative", "exact", "kind"]
    list_filter = ["kind"]
    list_select_related = ["initiative"]
    search_fields = ["text", "initiative__name"]
    autocomplete_fields = ["initiative"]


@admin.register(InitiativeFact)
class InitiativeFactAdmin(admin.ModelAdmin):
    formfield_overrides = HistoryAdmin.formfield_overrides
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
