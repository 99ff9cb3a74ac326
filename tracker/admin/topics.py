"""Topics and the rules that link articles to them."""

from django.contrib import admin

from ..models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "min_keyword_hits"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["entities", "initiatives"]
