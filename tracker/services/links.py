"""Editors' decisions on links: confirm or reject the machine's, or add their own. A decided link
is never changed by enrichment again."""

from django.contrib.auth.models import AbstractBaseUser as User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article

from .. import events
from ..models import ArticleInitiative, ArticleTopic, Entity, Initiative, Link, Mention, Topic

EDITOR = Link.Origin.EDITOR.value
CONFIRMED, REJECTED = Link.State.CONFIRMED.value, Link.State.REJECTED.value


def _link_decide(link: Link, *, state: str, user: User | None) -> Link:
    if state not in (CONFIRMED, REJECTED):
        raise ValidationError(f"A decision confirms or rejects a link, not {state!r}.")
    if link.state == state and link.decided_by_id == getattr(user, "pk", None):
        return link
    was_confirmed = link.state == CONFIRMED
    link.state = state
    link.decided_by = user
    link.decided_at = timezone.now()
    link._history_user = user  # who, for django-simple-history
    with transaction.atomic():  # the outbox row commits with the decision, or neither does
        link.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
        _link_changed(link, was_confirmed=was_confirmed)
    return link


def _link_changed(link: Link, *, was_confirmed: bool) -> None:
    if isinstance(link, ArticleTopic):  # a rejection takes the link out of the topic's count
        Topic.objects.filter(pk=link.topic_id).recount_links()
    # Partners hear of a link when it becomes confirmed, not when an editor re-confirms it.
    linked = isinstance(link, ArticleInitiative) and link.state == CONFIRMED and not was_confirmed
    events.tracker_changed(
        event=events.ARTICLE_INITIATIVE_LINKED if linked else events.LINK_DECIDED, instance=link
    )


def mention_decide(*, mention: Mention, state: str, user: User | None) -> Mention:
    """Confirm or reject an entity mention; extraction never changes it afterwards."""
    return _link_decide(mention, state=state, user=user)


def article_initiative_decide(
    *, link: ArticleInitiative, state: str, user: User | None
) -> ArticleInitiative:
    """Confirm or reject an article's link to an initiative; it then survives re-extraction."""
    return _link_decide(link, state=state, user=user)


def article_topic_decide(*, link: ArticleTopic, state: str, user: User | None) -> ArticleTopic:
    return _link_decide(link, state=state, user=user)


def _link_add(model: type[Link], *, article: Article, user: User | None, **target) -> Link:
    link = model.objects.filter(article=article, **target).first()
    if link is None:
        link = model(article=article, origin=EDITOR, confidence=1.0, **target)
    was_confirmed = link.pk is not None and link.state == CONFIRMED
    link.state, link.decided_by, link.decided_at = CONFIRMED, user, timezone.now()
    link._history_user = user
    with transaction.atomic():
        link.save()
        _link_changed(link, was_confirmed=was_confirmed)
    return link


def mention_add(*, article: Article, entity: Entity, user: User | None) -> Mention:
    """An editor links an article to an entity (or confirms the machine's link)."""
    return _link_add(Mention, article=article, entity=entity, user=user)


def article_initiative_add(
    *, article: Article, initiative: Initiative, user: User | None
) -> ArticleInitiative:
    """An editor links an article to an initiative (or confirms the machine's link)."""
    return _link_add(ArticleInitiative, article=article, initiative=initiative, user=user)
