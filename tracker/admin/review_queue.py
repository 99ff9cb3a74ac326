"""The review queue (admin/tracker/articleinitiative/review/): suggested initiative links,
mentions and entities, decided in one page. Served by ``ArticleInitiativeAdmin``, whose
permissions it checks."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse

from .. import review_queue as review
from ..models import ArticleInitiative, Entity, EntitySuggestion, Initiative, Link, Mention
from ..services import links
from .decisions import links_decide, suggestions_decide


class ReviewLinkForm(forms.Form):
    """An editor adds a link the machine missed (or confirms one it suggested)."""

    article = forms.ModelChoiceField(
        queryset=ArticleInitiative._meta.get_field("article").related_model.objects.all()
    )
    initiative = forms.ModelChoiceField(queryset=Initiative.objects.all(), required=False)
    entity = forms.ModelChoiceField(queryset=Entity.objects.all(), required=False)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("article", ArticleInitiative), ("initiative", ArticleInitiative),
                            ("entity", Mention)):  # fmt: skip
            field = self.fields[name]
            field.widget = AutocompleteSelect(model._meta.get_field(name), admin_site)
            field.queryset = field.queryset  # binds the new widget to the field's choices

    def clean(self):
        data = super().clean()
        if not data.get("initiative") and not data.get("entity"):
            raise ValidationError("Choose an initiative, an entity, or both.")
        return data


def review_queue_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The review queue: suggested initiative links and mentions, decided here."""
    if not (model_admin.has_view_permission(request)
            and request.user.has_perm("tracker.view_mention")):  # fmt: skip
        raise PermissionDenied
    can_decide = model_admin.has_change_permission(request) and request.user.has_perm(
        "tracker.change_mention"
    )
    can_add = request.user.has_perm("tracker.add_articleinitiative") and request.user.has_perm(
        "tracker.add_mention"
    )
    add_form = ReviewLinkForm(admin_site=model_admin.admin_site)
    can_see_suggestions = request.user.has_perm("tracker.view_entitysuggestion")
    can_decide_suggestions = request.user.has_perm(
        "tracker.change_entitysuggestion"
    ) and request.user.has_perm("tracker.add_entity")
    if request.method == "POST":
        if "suggestion" in request.POST:
            if not can_decide_suggestions:
                raise PermissionDenied
            _decide_suggestions(model_admin, request)
            return HttpResponseRedirect(request.get_full_path())
        if "add" in request.POST:
            if not can_add:
                raise PermissionDenied
            add_form = ReviewLinkForm(request.POST, admin_site=model_admin.admin_site)
            if add_form.is_valid():
                _add_link(model_admin, request, **add_form.cleaned_data)
                return HttpResponseRedirect(request.get_full_path())
        else:
            if not can_decide:
                raise PermissionDenied
            _decide_links(model_admin, request)
            return HttpResponseRedirect(request.get_full_path())

    try:
        initiative_id, article_id = _id(request, "initiative"), _id(request, "article")
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    group_by = request.GET.get("group", "")
    queue = review.review_queue(
        initiative_id=initiative_id,
        article_id=article_id,
        group_by=group_by if group_by in review.GROUPINGS else review.BY_TARGET,
        page_number=request.GET.get("page", 1),
    )
    suggested, more_suggested = [], False
    if can_see_suggestions and initiative_id is None and article_id is None:
        suggested, more_suggested = review.entity_suggestions()
    context = {
        "suggested_entities": suggested,
        "more_suggested_entities": more_suggested,
        "can_see_suggestions": can_see_suggestions,
        "can_decide_suggestions": can_decide_suggestions,
        "entity_kinds": Entity.Kind.choices,
        **model_admin.admin_site.each_context(request),
        "title": "Review queue",
        "opts": model_admin.model._meta,
        "queue": queue,
        "can_decide": can_decide,
        "can_add": can_add,
        "add_form": add_form,
        "media": model_admin.media + add_form.media,
        "page_range": queue.page.paginator.get_elided_page_range(queue.page.number),
        "initiatives": Initiative.objects.only("id", "name", "acronym"),
        "initiative_id": initiative_id,
        "article_id": article_id,
    }
    return TemplateResponse(request, "admin/tracker/review_queue.html", context)


def _decide_links(model_admin, request: HttpRequest) -> None:
    one = request.POST.get("decide", "")  # "confirm:initiative:12" from a row's button
    if one:
        verdict, _, key = one.partition(":")
        keys = [key]
    else:
        verdict, keys = request.POST.get("verdict", ""), request.POST.getlist("selected")
    state = {"confirm": Link.State.CONFIRMED.value, "reject": Link.State.REJECTED.value}.get(
        verdict
    )
    if state is None or not keys:
        model_admin.message_user(request, "Select suggestions, then confirm or reject them.",
                                 messages.WARNING)  # fmt: skip
        return
    with transaction.atomic():
        links = review.links_for_keys(keys)
        links_decide(links, state=state, user=request.user)
    model_admin.message_user(request, f"{len(links)} suggestion(s) {state}.", messages.SUCCESS)


def _decide_suggestions(model_admin, request: HttpRequest) -> None:
    """Accept or reject suggested entities: one from its row's button (with the kind and
    aliases typed in that row), or the selected ones in bulk (each with its row's kind)."""
    verdict, _, one = request.POST.get("suggestion", "").partition(":")
    ids = [one] if one else request.POST.getlist("selected_suggestion")
    rows = EntitySuggestion.objects.filter(
        pk__in=[int(pk) for pk in ids if pk.isascii() and pk.isdigit() and len(pk) <= 18],
        state="pending",
    ).order_by("pk")
    if verdict not in ("accept", "reject") or not rows:
        model_admin.message_user(request, "Select suggested entities, then accept or reject them.",
                          messages.WARNING)  # fmt: skip
        return
    suggestions_decide(
        model_admin,
        request,
        rows,
        accept=verdict == "accept",
        details=lambda row: {
            "kind": request.POST.get(f"kind_{row.pk}") or None,
            "name": request.POST.get(f"name_{row.pk}") or None,
            "aliases": _lines(request.POST.get(f"aliases_{row.pk}", "")),
        },
    )


def _add_link(model_admin, request: HttpRequest, *, article, initiative, entity) -> None:
    with transaction.atomic():
        if initiative:
            links.article_initiative_add(article=article, initiative=initiative, user=request.user)
        if entity:
            links.mention_add(article=article, entity=entity, user=request.user)
    added = " and ".join(str(t) for t in (initiative, entity) if t)
    model_admin.message_user(request, f"Linked “{article}” to {added}.", messages.SUCCESS)


def _id(request: HttpRequest, name: str) -> int | None:
    """A row id from the query string, or None; anything but ASCII digits is refused (``isdigit``
    alone lets "²" through, which ``int()`` then refuses: a 500)."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise ValueError(f"?{name}= must be an id: digits 0-9 only.")
    return int(value)


def _lines(value: str) -> list[str]:
    """Aliases typed one per line or separated by semicolons (not commas: "Co., Ltd.")."""
    return [part.strip() for part in value.replace(";", "\n").splitlines() if part.strip()]
