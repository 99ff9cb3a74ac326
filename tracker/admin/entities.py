"""Entities, their aliases, and merges (an action folds entities into one; the records of
where merged entities went are read-only)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import transaction
from django.template.response import TemplateResponse

from ..models import Entity, EntityAlias, EntityMerge, Mention
from ..services import merges
from .base import HistoryAdmin, ReadOnlyAdmin


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

    # Deleting leaves a tombstone (services.entity_delete) that partners sync.
    def delete_model(self, request, obj):
        merges.entity_delete(entity=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for entity in queryset:
                merges.entity_delete(entity=entity, user=request.user)

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
                        merges.entity_merge(source=source, into=into, user=request.user)
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
class EntityMergeAdmin(ReadOnlyAdmin):
    """Where merged entities went (``services.entity_merge`` writes these)."""

    list_display = ["name", "slug", "into", "merged_at", "merged_by"]
    list_select_related = ["into", "merged_by"]
    search_fields = ["name", "slug", "into__name"]


@admin.register(EntityAlias)
class EntityAliasAdmin(admin.ModelAdmin):
    fields = ["entity", "text", "exact", "kind", "note"]  # its entity first
    list_display = ["text", "entity", "exact", "kind"]
    list_filter = ["kind"]
    list_select_related = ["entity"]
    search_fields = ["text", "entity__name"]
    autocomplete_fields = ["entity"]
