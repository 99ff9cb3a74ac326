"""Plain functions that make test rows; every field has a dummy default that can be overridden."""

import hashlib
import itertools
import re
import uuid
from html import unescape
from pathlib import Path

from django.contrib.auth import get_user_model

from articles.models import Article

_counter = itertools.count(1)


def make_article(**fields) -> Article:
    """An article with unique identity fields; the content hash follows title and text."""
    n = next(_counter)
    fields.setdefault("title", f"Test article {n}")
    fields.setdefault("content_text", "")
    fields.setdefault("identity", uuid.uuid4().hex)
    fields.setdefault("url", f"https://news.example.org/posts/{fields['identity']}/")
    fields.setdefault("guid", fields["url"])
    fields.setdefault(
        "content_hash",
        hashlib.sha256(f"{fields['title']}\n{fields['content_text']}".encode()).hexdigest(),
    )
    return Article.objects.create(**fields)


def make_user(username: str = "editor", **fields):
    return get_user_model().objects.create_user(username=username, password="x", **fields)


def articles_from_feed(path: Path) -> list[Article]:
    """Store a feed file's entries as articles, the way ingest would, without enqueuing
    anything: through ``articles.parsing`` when it is there, else a crude stand-in."""
    body = path.read_bytes()
    try:
        from articles.parsing import parse_feed
    except ImportError:
        entries = _crude_entries(body)
    else:
        entries = [
            {"identity": entry.identity, **entry.article_fields()}
            for entry in parse_feed(body, url=path.resolve().as_uri()).entries
        ]
    return [Article.objects.create(**entry) for entry in entries]


_TAG = re.compile(r"<[^>]+>")
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_BLOCK = re.compile(r"<(h[1-6]|p|li)\b[^>]*>(.*?)</\1>", re.S)
_STATE = re.compile(
    r"state[- ](?:owned|affiliated)|chinese (?:domestic|state) media|chinese outlet"
)


def _text(html: str) -> str:
    return " ".join(unescape(_TAG.sub("", html)).split())


def _crude_entries(body: bytes) -> list[dict]:
    """Title, link, plain text, highlights and the state-media notice, found with regexes."""
    import feedparser

    entries = []
    for raw in feedparser.parse(body, sanitize_html=False).entries:
        html = raw.content[0].value if raw.get("content") else raw.get("summary", "")
        blocks = [_text(match.group(2)) for match in _BLOCK.finditer(html)]
        text = "\n\n".join(block for block in blocks if block)
        head, _, rest = html.partition("Highlights")
        highlights = [_text(item) for item in _ITEM.findall(rest.split("</ul>")[0])] if rest else []
        notices = [b for b in blocks if b.lower().startswith(("disclosure", "disclaimer"))]
        disclosure = "\n\n".join(notices)
        entries.append(
            {
                "identity": hashlib.sha256(raw.link.encode()).hexdigest(),
                "guid": raw.get("id", ""),
                "url": raw.link,
                "title": raw.title,
                "content_html": html,
                "content_text": text,
                "highlights": highlights,
                "disclosure": disclosure,
                "is_state_media": bool(_STATE.search(disclosure.lower())),
                "content_hash": hashlib.sha256(f"{raw.title}\n{html}".encode()).hexdigest(),
            }
        )
    return entries


# --- partners API (tests/api) -------------------------------------------------------------------


def make_api_key(name: str = "Partner", **fields):
    """An API key and the raw key a partner would send."""
    from partners.services import api_key_create

    return api_key_create(name=name, **fields)


def make_entity(**fields):
    from tracker.models import Entity

    n = next(_counter)
    fields.setdefault("name", f"Entity {n}")
    fields.setdefault("slug", f"entity-{n}")
    fields.setdefault("kind", "company")
    return Entity.objects.create(**fields)


def make_initiative(**fields):
    from tracker.models import Initiative

    n = next(_counter)
    fields.setdefault("name", f"Initiative {n}")
    fields.setdefault("slug", f"initiative-{n}")
    fields.setdefault("kind", "stockpile")
    return Initiative.objects.create(**fields)


def make_topic(**fields):
    from tracker.models import Topic

    n = next(_counter)
    fields.setdefault("name", f"Topic {n}")
    fields.setdefault("slug", f"topic-{n}")
    return Topic.objects.create(**fields)


def make_claim(*, articles=(), **fields):
    """A claim (a figure in tonnes by default) appearing in ``articles``."""
    from tracker.models import Claim, ClaimAppearance

    n = next(_counter)
    fields.setdefault("fingerprint", uuid.uuid4().hex)
    fields.setdefault("statement", f"Output reached {n} tonnes.")
    fields.setdefault("figure_text", f"{n} tonnes")
    fields.setdefault("value", n)
    fields.setdefault("unit", "t")
    claim = Claim.objects.create(**fields)
    for position, article in enumerate(articles):
        ClaimAppearance.objects.create(
            claim=claim, article=article, sentence=claim.statement, location="body",
            position=position,
        )  # fmt: skip
    return claim


def link_article(article, target, **fields):
    """Link ``article`` to an Initiative, Entity or Topic (a machine suggestion by default)."""
    from tracker.models import ArticleInitiative, ArticleTopic, Initiative, Mention, Topic

    if isinstance(target, Initiative):
        return ArticleInitiative.objects.create(article=article, initiative=target, **fields)
    if isinstance(target, Topic):
        link = ArticleTopic.objects.create(article=article, topic=target, **fields)
        Topic.objects.filter(pk=target.pk).recount_links()  # as the services that link do
        return link
    return Mention.objects.create(article=article, entity=target, **fields)


def load_sample_tracker(*, search_index: bool = True) -> None:
    """The reader pages' test data: reference records, the sample feed ingested and enriched."""
    from django.core.management import call_command

    from articles.search import search_vectors_update
    from articles.services import feed_for_file, feed_ingest_document
    from tests.articles.feeds import SAMPLE_FEED as sample
    from tracker.services.enrichment import articles_enrich

    call_command("load_reference", verbosity=0)
    feed_ingest_document(feed=feed_for_file(path=sample), body=sample.read_bytes())
    articles_enrich(article_ids=list(Article.objects.values_list("id", flat=True)), force=True)
    if search_index:
        search_vectors_update()


def add_rival_vault_report(**fields) -> Article:
    """A made-up later report giving Project Vault's EXIM loan another amount than the sample
    feed does, enriched: a real conflict (the sample's own amounts are all accounted for by the
    reference facts: the loan, the private capital and the total they make)."""
    from tracker.services.enrichment import articles_enrich

    fields.setdefault("title", "Vault loan revised in a later filing")
    fields.setdefault(
        "content_text",
        "A later filing showed EXIM cleared $8 billion in long-term direct loans for Project "
        "Vault.",
    )
    article = make_article(**fields)
    articles_enrich(article_ids=[article.pk])
    return article


def make_editor(username: str = "desk-editor"):
    """A signed-in-able user with the permissions the public editor controls check."""
    from django.contrib.auth.models import Permission

    user = make_user(username)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="tracker",
            codename__in=[
                "change_claim",
                "change_articleinitiative",
                "add_articleinitiative",
                "change_mention",
            ],
        )
    )
    return user


def make_admin_editor(username: str = "admin-editor", password: str = "x"):
    """Staff in the "Editors" group: what ``manage.py create_editor`` makes.

    The group comes from migrations tracker/0002 (and 0006 and 0007, which add permissions);
    transactional tests flush it away, so it is rebuilt here from the migrations' own lists
    when missing.
    """
    import importlib

    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        wanted = Q(pk__in=[])
        for name in (
            "0002_editors_group",
            "0006_entity_merge",
            "0013_entity_suggestions_alias_kinds",
        ):
            migration = importlib.import_module(f"tracker.migrations.{name}")
            for app, codename in migration.codenames():
                wanted |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    user = make_user(username, is_staff=True)
    user.set_password(password)
    user.save(update_fields=["password"])
    user.groups.add(group)
    return user
