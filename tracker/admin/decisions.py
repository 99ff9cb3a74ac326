"""Editors' verdicts on what the machine suggested, one path for each kind of decision: the
links' and suggestions' list actions and the review queue all decide through these."""

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from ..models import ArticleInitiative, ArticleTopic, EntitySuggestion, Link, Mention
from ..services import links
from ..services.suggestions import (
    entity_suggestion_accept,
    entity_suggestion_reject,
    entity_suggestions_enrich,
)

# Each kind of link is decided by its own service (which tells the pages that show it).
_LINK_DECIDERS: dict[type[Link], Callable[..., Link]] = {
    ArticleInitiative: lambda link, **kw: links.article_initiative_decide(link=link, **kw),
    Mention: lambda link, **kw: links.mention_decide(mention=link, **kw),
    ArticleTopic: lambda link, **kw: links.article_topic_decide(link=link, **kw),
}


def links_decide(links: Iterable[Link], *, state: str, user) -> None:
    """Confirm or reject links of any kind, all or none."""
    with transaction.atomic():
        for link in links:
            _LINK_DECIDERS[type(link)](link, state=state, user=user)


def suggestions_decide(
    model_admin,
    request: HttpRequest,
    rows: Iterable[EntitySuggestion],
    *,
    accept: bool,
    details: Callable[[EntitySuggestion], dict] = lambda row: {},
) -> None:
    """Accept (create the entities; ``details`` gives a row's kind, name and aliases as the
    editor typed them) or reject suggested entities. A row the services refuse is reported by
    name and the others go ahead."""
    done, failed, accepted = 0, [], []
    for row in rows:
        try:
            if accept:
                entity_suggestion_accept(
                    suggestion=row, user=request.user, enrich=False, **details(row)
                )
                accepted.append(row)
            else:
                entity_suggestion_reject(suggestion=row, user=request.user)
            done += 1
        except ValidationError as error:
            failed.append(f"{row.name}: {'; '.join(error.messages)}")
    if accepted:  # once for them all: their articles show the new entities' mentions
        entity_suggestions_enrich(suggestions=accepted)
    verdict = "accepted" if accept else "rejected"
    if done:
        model_admin.message_user(request, f"{done} suggested entit(ies) {verdict}.",
                                 messages.SUCCESS)  # fmt: skip
    for message in failed:
        model_admin.message_user(request, message, messages.ERROR)
