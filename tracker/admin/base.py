"""What the tracker's admin classes share: history without reverts, read-only machine records,
lists that never load article bodies."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import ARTICLE_BODY_FIELDS, EstimatedCountPaginator


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages show who decided what and when; reverting from them is off, because a
    revert would bypass the services that record and publish decisions."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def revert_disabled(self, request, obj=None) -> bool:
        return True


def without_article_bodies(queryset, prefix: str = "article__"):
    return queryset.defer(*(prefix + name for name in ARTICLE_BODY_FIELDS))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that services write and editors only read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MachineRecordAdmin(ReadOnlyAdmin):
    """Rows extraction writes and editors only read: large tables, listed without counting."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def get_queryset(self, request):
        return without_article_bodies(super().get_queryset(request))
