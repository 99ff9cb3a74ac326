"""Pagination for every reader list: a bad or out-of-range page number is a 404, not page 1."""

from collections.abc import Sequence

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404


def paginate(
    object_list: QuerySet | Sequence, *, page_number: str | int | None, per_page: int
) -> Page:
    """The requested page, with ``page_range`` set to the elided page numbers to link to.

    Raises Http404 for a page that does not exist: crawlers must not index endless copies of
    the last page.
    """
    paginator = Paginator(object_list, per_page)
    try:
        page = paginator.page(page_number or 1)
    except InvalidPage as exc:
        raise Http404(f"no page {page_number!r}") from exc
    page.page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
