"""Pagination for every reader list: a bad or out-of-range page number is a 404, not page 1."""

from collections.abc import Sequence

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most ``count_cap`` rows: past that, "10,000+" is all a reader needs, and a
    full COUNT(*) over a large filtered table costs more than the page itself."""

    def __init__(self, *args, count_cap: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_cap = count_cap

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # The ordering stays: with an index in that order the capped scan stops early.
            return self.object_list[: self.count_cap].count()
        return min(len(self.object_list), self.count_cap)

    @property
    def capped(self) -> bool:
        return self.count >= self.count_cap


def paginate(
    object_list: QuerySet | Sequence,
    *,
    page_number: str | int | None,
    per_page: int,
    count_cap: int | None = None,
    count: int | None = None,
) -> Page:
    """The requested page, with ``page_range`` set to the elided page numbers to link to.

    Raises Http404 for a page that does not exist: crawlers must not index endless copies of
    the last page. With ``count_cap``, only that many rows are counted (and paged through).
    A ``count`` the caller knows already (a topic's link count, a chart's weekly counts
    summed) is taken as is: one query fewer.
    """
    if count_cap:
        paginator = CappedCountPaginator(object_list, per_page, count_cap=count_cap)
    else:
        paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: setting it skips the COUNT query
    try:
        page = paginator.page(page_number or 1)
    except InvalidPage as exc:
        raise Http404(f"no page {page_number!r}") from exc
    page.page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
