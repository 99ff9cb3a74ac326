"""The tracker's public pages (topics, initiatives, entities, claims) and the editors' controls
on them: thin views over ``selectors`` (reads) and ``services`` (writes)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from articles import selectors as article_selectors
from articles.models import Article
from articles.search import full_text_enabled as search_is_full_text
from articles.search import sqlite_fts_enabled
from reex.caching import cache_reader_page
from reex.ratelimit import rate_limit_per_address

from . import selectors
from .charts import figure_history, weekly_chart
from .forms import (
    ArticleFilterForm,
    ClaimFilterForm,
    ClaimReviewForm,
    InitiativeFilterForm,
    InitiativeLinkForm,
    LinkDecisionForm,
    ReaderSearchForm,
)
from .models import ArticleInitiative, Claim, Entity, Mention
from .services import claims, links


@cache_reader_page
def topic_list(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/topic_list.html", {"topics": selectors.home_topics()})


@cache_reader_page(params=["page"])
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.topic_page(slug=slug, page_number=request.GET.get("page"))
    chart = weekly_chart(data.weeks, title=f"Articles on {data.topic.name} per week")
    return render(request, "tracker/topic_detail.html", {"data": data, "chart": chart})


@cache_reader_page(params=[*InitiativeFilterForm.base_fields, "page"])
def initiative_list(request: HttpRequest) -> HttpResponse:
    table = selectors.initiative_table()
    form = InitiativeFilterForm(
        request.GET or None, jurisdictions=table.jurisdictions, sponsors=table.sponsors
    )
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.initiative_list_page(
        table=table, page_number=request.GET.get("page"), **filters
    )
    sort = filters.get("sort", "")
    columns = {
        # (label, the sort its heading links to, how the table is sorted by it: aria-sort)
        key: (label, f"-{key}" if sort == key else key, _direction(sort or "latest", key))
        for key, label in InitiativeFilterForm.SORTS.items()
    }
    context = {
        "page_obj": page,
        "form": form,
        "columns": columns,
        "filtered": any(value for name, value in filters.items() if name != "sort"),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tracker/initiative_list.html", context, status=status)


def _direction(sort: str, key: str) -> str:
    """The aria-sort value of a column: how the table is sorted by it, if it is."""
    if sort.removeprefix("-") != key:
        return "none"
    return "descending" if selectors.initiative_sort_descending(sort) else "ascending"


@cache_reader_page(params=["page"])
def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    data = selectors.initiative_page(slug=slug, page_number=request.GET.get("page"))
    chart = weekly_chart(data.weeks, title=f"Articles on {data.initiative.name} per week")
    history = figure_history(data.claims, title=f"{data.initiative.name}, as reported")
    context = {
        "data": data,
        "chart": chart,
        "history": history,
        "reviewed_claims": _reviewed(data.claims),
    }
    return render(request, "tracker/initiative_detail.html", context)


@cache_reader_page(params=["kind", "page"])
def entity_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind and kind not in Entity.Kind.values:
        # An unknown kind lists every entity rather than none, at the list's own address: one
        # page per junk value would fill the cache.
        return redirect("tracker:entities")
    page = selectors.entity_list_page(kind=kind, page_number=request.GET.get("page"))
    context = {"page_obj": page, "kind": kind, "kinds": Entity.Kind.choices}
    return render(request, "tracker/entity_list.html", context)


@cache_reader_page(params=["page"])
def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        data = selectors.entity_page(slug=slug, page_number=request.GET.get("page"))
    except selectors.EntityMerged as merged:
        # To the first page: a page number counted the merged entity's articles, not these.
        return redirect("tracker:entity", slug=merged.into.slug, permanent=True)
    return render(request, "tracker/entity_detail.html", {"data": data})


@cache_reader_page(params=[*ClaimFilterForm.base_fields, "page"])
def claim_list(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.claim_list_page(
        status=filters.get("status", ""),
        initiative=filters.get("initiative"),
        entity=filters.get("entity"),
        measure=filters.get("measure", ""),
        unit=filters.get("unit", ""),
        page_number=request.GET.get("page"),
    )
    context = {"form": form, "page_obj": page, "reviewed_claims": _reviewed(page.object_list)}
    # A filter that names nothing (an unknown slug) is the reader's error, shown by its field;
    # a 400 is also never cached, so junk values cannot fill the cache.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tracker/claim_list.html", context, status=status)


def _reviewed(claims) -> list[Claim]:
    return [claim for claim in claims if claim.status != Claim.Status.UNVERIFIED]


# --- editors' controls ------------------------------------------------------------------------


def _require(request: HttpRequest, permission: str) -> None:
    # Anonymous visitors get 403 too, not a login redirect: these are form targets, not pages.
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "tracker.change_claim")
    claim = get_object_or_404(Claim, pk=pk)
    form = ClaimReviewForm(request.POST, claim=claim)
    if form.is_valid():
        try:
            claims.claim_review(
                claim=claim,
                status=form.cleaned_data["status"],
                user=request.user,
                evidence_url=form.cleaned_data["evidence_url"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Claim marked {claim.get_status_display().lower()}.")
    else:
        messages.error(request, f"Claim not changed: {_errors(form)}")
    return _back(request, reverse("tracker:claims"))


@require_POST
def initiative_link_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "tracker.change_articleinitiative")
    link = get_object_or_404(ArticleInitiative.objects.select_related("initiative"), pk=pk)
    return _link_decide(
        request,
        decide=lambda state: links.article_initiative_decide(
            link=link, state=state, user=request.user
        ),
        target=link.initiative,
        fallback=reverse("tracker:initiative", args=[link.initiative.slug]),
    )


@require_POST
def mention_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "tracker.change_mention")
    mention = get_object_or_404(Mention.objects.select_related("entity"), pk=pk)
    return _link_decide(
        request,
        decide=lambda state: links.mention_decide(mention=mention, state=state, user=request.user),
        target=mention.entity,
        fallback=reverse("tracker:entity", args=[mention.entity.slug]),
    )


def _link_decide(request: HttpRequest, *, decide, target, fallback: str) -> HttpResponse:
    """Confirm or reject one link (``decide(state)`` calls its kind's service), then go back."""
    form = LinkDecisionForm(request.POST)
    if form.is_valid():
        link = decide(form.cleaned_data["state"])
        messages.success(request, f"Link to {target.name} {link.state}.")
    else:
        messages.error(request, f"Link not changed: {_errors(form)}")
    return _back(request, fallback)


@require_POST
def article_initiative_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "tracker.add_articleinitiative")
    article = get_object_or_404(Article.objects.published().only("id", "title"), pk=pk)
    form = InitiativeLinkForm(request.POST)
    if form.is_valid():
        initiative = form.cleaned_data["initiative"]
        links.article_initiative_add(article=article, initiative=initiative, user=request.user)
        messages.success(request, f"Article linked to {initiative.name}.")
    else:
        messages.error(request, f"Article not linked: {_errors(form)}")
    return _back(request, article.get_absolute_url())


# --- the article list and search: articles filtered by the tracker's links ----------------------
# Mounted in the articles namespace (articles:list, articles:search) by web/urls.py.

# Each distinct search is a full-text query (and, once, a cache entry): per address, bounded.
search_rate_limit = rate_limit_per_address(
    scope="search", per_minute=lambda: settings.SEARCH_RATE_PER_MINUTE
)


@cache_reader_page(params=[*ArticleFilterForm.base_fields, "page"])
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = article_selectors.article_list_page(
        page_number=request.GET.get("page"),
        outlet=getattr(filters.get("outlet"), "pk", None),
        among=selectors.linked_article_ids(
            topic=getattr(filters.get("topic"), "slug", None),
            initiative=getattr(filters.get("initiative"), "slug", None),
            entity=getattr(filters.get("entity"), "slug", None),
        ),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    context = {"page_obj": page, "form": form, "filtered": any(filters.values())}
    # A filter naming nothing (an unknown outlet or slug, a bad date) is the reader's error,
    # shown beside its field: a 400, which is never cached.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "articles/article_list.html", context, status=status)


@search_rate_limit
@cache_reader_page(params=[*ReaderSearchForm.base_fields, "page"])
def search(request: HttpRequest) -> HttpResponse:
    form = ReaderSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = article_selectors.article_search_page(
            q=form.cleaned_data["q"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            page_number=request.GET.get("page"),
            # The tracker's filters (ReaderSearchForm): its links narrow the search.
            among=selectors.linked_article_ids(
                topic=getattr(form.cleaned_data["topic"], "slug", None),
                initiative=getattr(form.cleaned_data["initiative"], "slug", None),
            ),
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
