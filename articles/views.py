"""Reader-facing pages of the articles app: thin views over ``selectors``. The article list and
search filter by the tracker's links, so they are the tracker's views (tracker/views.py)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reex.caching import cache_reader_page

from . import selectors


@cache_reader_page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "articles": selectors.home_articles(),
        # Tracker blocks (templates/articles/home.html): "initiatives" (most recent coverage)
        # and "topics" go here.
    }
    return render(request, "articles/home.html", context)


@cache_reader_page
def article_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    article = selectors.article_for_reader(pk=pk)
    if article is None:
        raise Http404("no such article")
    if slug != article.slug:
        # One address per article, whatever the title said when a link was made.
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", {"article": article})
