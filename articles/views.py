"""Reader-facing pages of the articles app: thin views over ``selectors``."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reex.caching import cache_reader_page
from reex.ratelimit import rate_limit_per_address
from tracker.forms import ArticleFilterForm, ReaderSearchForm

from . import selectors
from .search import full_text_enabled as search_is_full_text
from .search import sqlite_fts_enabled

# Each distinct search is a full-text query (and, once, a cache entry): per address, bounded.
search_rate_limit = rate_limit_per_address(
    scope="search", per_minute=lambda: settings.SEARCH_RATE_PER_MINUTE
)


@cache_reader_page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "articles": selectors.home_articles(),
        # Tracker blocks (templates/articles/home.html): "initiatives" (most recent coverage)
        # and "topics" go here.
    }
    return render(request, "articles/home.html", context)


@cache_reader_page(params=[*ArticleFilterForm.base_fields, "page"])
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.article_list_page(
        page_number=request.GET.get("page"),
        outlet=getattr(filters.get("outlet"), "pk", None),
        topic=getattr(filters.get("topic"), "slug", None),
        initiative=getattr(filters.get("initiative"), "slug", None),
        entity=getattr(filters.get("entity"), "slug", None),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    context = {"page_obj": page, "form": form, "filtered": any(filters.values())}
    # A filter naming nothing (an unknown outlet or slug, a bad date) is the reader's error,
    # shown beside its field: a 400, which is never cached.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "articles/article_list.html", context, status=status)


@cache_reader_page
def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    article = selectors.article_for_reader(pk=pk)
    if article is None:
        raise Http404("no such article")
    if slug != article.slug:
        # One address per article, whatever the title said when a link was made.
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", {"article": article})


@search_rate_limit
@cache_reader_page(params=[*ReaderSearchForm.base_fields, "page"])
def search(request: HttpRequest) -> HttpResponse:
    form = ReaderSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = selectors.article_search_page(
            q=form.cleaned_data["q"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            page_number=request.GET.get("page"),
            # The tracker's filters (ReaderSearchForm), by slug.
            topic=getattr(form.cleaned_data["topic"], "slug", None),
            initiative=getattr(form.cleaned_data["initiative"], "slug", None),
        )
    context = {
        "form": form,
        "results": results,
        "full_text": search_is_full_text(),
        "word_index": sqlite_fts_enabled(),
    }
    # A bad parameter is the reader's error, shown beside its field: a 400, never a 500.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "articles/search.html", context, status=status)
