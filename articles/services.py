"""Writes and workflows of the articles app: adding feeds, fetching them, storing articles.

Network I/O happens before any transaction opens; everything one fetch writes (articles, their
feed links, the feed's state and the fetch log row) commits together or not at all.
"""

import hashlib
import logging
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import JSONField
from django.utils import timezone

from reex.bulk import copy_in, next_ids
from reex.caching import reader_pages_invalidate
from reex.celery import runs_in_process
from reex.fetching import FetchError, fetch_url

from .models import Article, ArticleFeed, Feed, FeedFetch, publisher_key
from .parsing import FeedParseError, ParsedEntry, ParsedFeed, parse_feed
from .safety import UnsafeDocument
from .signals import WrittenArticle, articles_changed, articles_written
from .stories import stories_assign

logger = logging.getLogger(__name__)

Outcome = FeedFetch.Outcome
# The database is down or the connection lost: nothing can be recorded, the task retries.
DB_UNREACHABLE = (OperationalError, InterfaceError)
BATCH_SIZE = 500
# Clocks disagree by a little; a post dated a few minutes ahead is not worth a flag.
FUTURE_DATE_SKEW = timedelta(minutes=5)


class FeedBusy(Exception):
    """Another worker holds this feed's lock."""


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: tuple[int, ...] = ()  # created or with new content: what enrichment must see
    # The same articles as written, in memory (the edited ones with their stored fields too), and
    # which of them are new: what the ingest's transaction hands on without reading them back.
    changed: tuple[Article, ...] = ()
    created_ids: frozenset[int] = frozenset()
    collided_ids: tuple[int, ...] = ()  # other publishers' articles an entry matched, untouched


def feed_add(*, url: str, title: str = "") -> tuple[Feed, bool]:
    """Register a feed by URL; returns (feed, created). Raises ValidationError on a bad URL."""
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(f"not an http(s) URL: {url!r}") from exc
    return Feed.objects.get_or_create(url=url, defaults={"title": title})


def feed_for_file(*, path: Path) -> Feed:
    """The feed a local file is ingested as. It is paused: only ``ingest`` reads files."""
    feed, _ = Feed.objects.get_or_create(
        url=path.resolve().as_uri(),
        defaults={
            "status": Feed.Status.PAUSED,
            "paused_reason": "a local file, read only by `manage.py ingest`",
        },
    )
    return feed


def feed_fetch(*, feed_id: int) -> FeedFetch:
    """Fetch one feed over HTTP and store what it carries, under a per-feed lock.

    Every attempt leaves a FeedFetch row saying what happened; failures also move the feed's
    next fetch back (exponential backoff, or the server's Retry-After) and pause it after
    ``FEEDS["PAUSE_AFTER_ERRORS"]`` failures in a row or at once on 410 Gone. That includes the
    failures nothing foresaw: the worker's soft time limit, a value the database refuses, a bug
    (``_record_crash``). Only an unreachable database is raised, for the task to retry.
    """
    lock_key, token = f"feed-fetch-lock:{feed_id}", uuid.uuid4().hex
    if not cache.add(lock_key, token, timeout=settings.FEEDS["LOCK_SECONDS"]):
        raise FeedBusy(f"feed {feed_id} is being fetched by another worker")
    started_at = timezone.now()
    try:
        return _fetch_and_ingest(Feed.objects.get(pk=feed_id), started_at=started_at)
    except DB_UNREACHABLE:
        raise
    except Exception as exc:  # SoftTimeLimitExceeded is an Exception too
        return _record_crash(feed_id=feed_id, started_at=started_at, exc=exc)
    finally:
        if cache.get(lock_key) == token:
            cache.delete(lock_key)


def _fetch_and_ingest(feed: Feed, *, started_at: datetime) -> FeedFetch:
    try:
        response = fetch_url(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FetchError as exc:
        return _record_failure(
            feed,
            started_at=started_at,
            outcome=exc.outcome,
            message=str(exc),
            url=exc.url,
            http_status=exc.http_status,
            bytes_received=exc.bytes_received,
            retry_after=exc.retry_after,
        )
    moved_to = _follow_permanent_redirect(feed, response.permanent_url)
    return _ingest_document(
        feed=feed,
        body=response.body,
        source_url=response.url,
        content_type=response.content_type,
        http_status=response.status,
        etag=response.etag,
        last_modified=response.last_modified,
        started_at=started_at,
        note=moved_to,
    )


def feed_ingest_document(
    *,
    feed: Feed,
    body: bytes,
    source_url: str = "",
    content_type: str = "",
    http_status: int | None = None,
    etag: str = "",
    last_modified: str = "",
    started_at: datetime | None = None,
    note: str = "",
) -> FeedFetch:
    """Store a fetched (or read) feed document: parse, upsert its articles, log the attempt.

    A 304 (``http_status=304``) or a body identical to the last one skips parsing entirely.
    Any failure is logged as a failed attempt, as in ``feed_fetch``.
    """
    started_at = started_at or timezone.now()
    try:
        return _ingest_document(
            feed=feed,
            body=body,
            source_url=source_url,
            content_type=content_type,
            http_status=http_status,
            etag=etag,
            last_modified=last_modified,
            started_at=started_at,
            note=note,
        )
    except DB_UNREACHABLE:
        raise
    except Exception as exc:
        return _record_crash(feed_id=feed.pk, started_at=started_at, exc=exc, url=source_url)


def _ingest_document(
    *,
    feed: Feed,
    body: bytes,
    source_url: str,
    content_type: str,
    http_status: int | None,
    etag: str,
    last_modified: str,
    started_at: datetime,
    note: str,
) -> FeedFetch:
    source_url = source_url or feed.url
    size = len(body)
    log = {"url": source_url, "http_status": http_status, "bytes_received": size}
    if http_status == 304:
        return _record_success(
            feed, started_at=started_at, outcome=Outcome.NOT_MODIFIED, message=note, **log
        )
    body_hash = hashlib.sha256(body).hexdigest()
    if body_hash == feed.body_hash:
        return _record_success(
            feed,
            started_at=started_at,
            outcome=Outcome.UNCHANGED_BODY,
            message=note,
            validators=(etag, last_modified),
            **log,
        )
    try:
        parsed = parse_feed(
            body,
            url=source_url,
            content_type=content_type,
            max_items=settings.FEEDS["MAX_ITEMS"],
        )
    except UnsafeDocument as exc:
        return _record_failure(
            feed, started_at=started_at, outcome=Outcome.UNSAFE_DOCUMENT, message=str(exc), **log
        )
    except FeedParseError as exc:
        return _record_failure(
            feed, started_at=started_at, outcome=Outcome.PARSE_ERROR, message=str(exc), **log
        )

    now = timezone.now()
    with transaction.atomic():
        counts = articles_upsert(feed=feed, entries=parsed.entries, now=now)
        _articles_group(articles=counts.changed)
        unhandled_note = _articles_written_send(counts)
        feed.title = feed.title or parsed.title[:500]
        feed.site_url = feed.site_url or parsed.site_url[:2000]
        feed.body_hash = body_hash
        feed.etag, feed.last_modified = etag[:500], last_modified[:100]
        fetch = _record_success(
            feed,
            started_at=started_at,
            outcome=Outcome.NEW_CONTENT,
            message="; ".join(
                m
                for m in (
                    note,
                    _bozo_note(parsed.bozo_reason),
                    _dropped_note(parsed),
                    _collision_note(counts.collided_ids),
                    unhandled_note,
                )
                if m
            ),
            entries_seen=len(parsed.entries),
            entries_created=counts.created,
            entries_updated=counts.updated,
            entries_dropped=parsed.dropped,
            entries_collided=len(counts.collided_ids),
            **log,
        )
        if counts.changed_ids:
            ids = list(counts.changed_ids)
            # With a worker, stories (articles.tasks) and the tracker's enrichment take them
            # from here; in-process they were done above, in this transaction.
            transaction.on_commit(lambda: articles_changed.send(sender=Article, article_ids=ids))
    return fetch


def _articles_group(*, articles: tuple[Article, ...]) -> None:
    """In-process (Celery eager), group new and changed articles into stories inside the
    ingest's transaction, from the articles as written, instead of the task after commit
    (``articles.tasks.stories_enqueue``, which then does nothing). A failure is logged, never
    the fetch's: its writes go back to a save point, the articles are stored either way, and
    the next ingest or ``manage.py group_stories`` groups them."""
    if not articles or not runs_in_process():
        return
    try:
        with transaction.atomic():
            stories_assign(articles=articles)
    except DB_UNREACHABLE:
        raise
    except Exception:
        logger.exception("grouping %d articles into stories failed", len(articles))


def _articles_written_send(counts: UpsertCounts) -> str:
    """In-process (Celery eager), offer the new and edited articles to the layers above inside
    the ingest's transaction (``signals.articles_written``); returns a note for the fetch log if
    a receiver failed. With a worker, nothing: they hear of them after commit
    (``articles_changed``), and the fetch pays for no save point.

    A receiver that fails does not cost the fetch its articles (a broken step after parsing must
    not keep a feed's posts out, nor pause the feed): its writes go back to a save point, the
    failure is logged and named in the fetch log, and the articles are stored. They are not
    handed on again: a receiver working in-process that failed on them would fail again in the
    same process; they wait, unprocessed, for the layer's own catch-up (the tracker's
    ``manage.py enrich``).
    """
    if not counts.changed or not runs_in_process():
        return ""
    written = [
        WrittenArticle(
            id=article.pk,
            title=article.title,
            content_text=article.content_text,
            highlights=tuple(article.highlights or ()),
            disclosure=article.disclosure,
            is_state_media=article.is_state_media,
            content_hash=article.content_hash,
            created=article.pk in counts.created_ids,
        )
        for article in counts.changed
    ]
    try:
        with transaction.atomic():
            articles_written.send(sender=Article, articles=written)
    except (*DB_UNREACHABLE, SoftTimeLimitExceeded):
        raise
    except Exception as exc:
        logger.exception("processing %d new or edited articles failed", len(written))
        return (
            f"processing the {len(written)} new or edited articles failed "
            f"({type(exc).__name__}: {exc}, in {_where(exc)}): they are stored, unprocessed"
        )
    return ""


def articles_upsert(*, feed: Feed, entries: list[ParsedEntry], now: datetime) -> UpsertCounts:
    """Create or update the articles of one feed document, in bulk, on their natural key.

    An article already stored under the same identity, or failing that under the same URL, is
    updated only when a field the feed sets has changed, and only when it belongs to the
    feed's publisher (``_match_existing``); every article is linked to ``feed`` with that
    feed's categories for it.
    """
    counts = UpsertCounts()
    changed: list[Article] = []
    created_ids: set[int] = set()
    collided: list[int] = []
    key = feed.publisher_key
    for start in range(0, len(entries), BATCH_SIZE):
        batch = entries[start : start + BATCH_SIZE]
        existing, owners = _existing_articles(batch, key)
        to_create, to_update, update_fields, linked = [], [], set(), []
        matches, link_only = _match_existing(batch, existing, owners, feed, collided)
        for entry, article in zip(batch, matches, strict=True):
            _clamp_future_date(entry, article, now)
            if article is None:
                article = Article(identity=entry.identity, first_seen_at=now, updated_at=now)
                _assign(article, entry.article_fields())
                to_create.append(article)
            elif article.pk in link_only:
                counts.unchanged += 1
            else:
                diff = _changed_fields(article, entry)
                if diff:
                    if "content_hash" in diff:
                        changed.append(article)
                    _assign(article, {name: getattr(entry, name) for name in diff})
                    article.updated_at = now
                    update_fields.update(diff, {"updated_at"})
                    to_update.append(article)
                else:
                    counts.unchanged += 1
            linked.append((article, entry.categories))
        created = _create_articles(to_create)
        changed.extend(created)
        created_ids.update(a.pk for a in created)
        if to_update:
            Article.objects.bulk_update(to_update, sorted(update_fields), batch_size=BATCH_SIZE)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        _link_to_feed(feed, linked, now, created={a.pk for a in created})
    counts.changed = tuple(changed)
    counts.changed_ids = tuple(a.pk for a in changed)
    counts.created_ids = frozenset(created_ids)
    counts.collided_ids = tuple(collided)
    return counts


def feeds_claim_due(*, now: datetime | None = None) -> list[int]:
    """Claim the feeds due for a fetch, so a second scheduler run does not claim them again.

    Each claim is a conditional update that moves ``next_fetch_at`` past the lock window; only the
    run whose update touched the row enqueues that feed.
    """
    now = now or timezone.now()
    claimed = []
    hold_until = now + timedelta(seconds=settings.FEEDS["LOCK_SECONDS"])
    for feed_id, next_fetch_at in Feed.objects.due(now).values_list("id", "next_fetch_at"):
        rows = Feed.objects.filter(pk=feed_id, next_fetch_at=next_fetch_at).update(
            next_fetch_at=hold_until
        )
        if rows:
            claimed.append(feed_id)
    return claimed


def feed_pause(*, feed: Feed, reason: str) -> None:
    feed.status, feed.paused_reason = Feed.Status.PAUSED, reason[:500]
    feed.save(update_fields=["status", "paused_reason", "updated_at"])


def feed_resume(*, feed: Feed) -> None:
    """Resume a paused feed: its error count starts again and it is due at once."""
    feed.status, feed.paused_reason = Feed.Status.ACTIVE, ""
    feed.consecutive_errors, feed.next_fetch_at = 0, timezone.now()
    feed.save(
        update_fields=[
            "status", "paused_reason", "consecutive_errors", "next_fetch_at", "updated_at"
        ]
    )  # fmt: skip


def article_hide(*, article: Article) -> bool:
    """Keep an article from readers (pages, search, feeds out); returns whether it changed.

    ``updated_at`` is left alone (it tracks the feed's content), so the reader cache is
    invalidated explicitly.
    """
    return _article_visibility_set(article, hidden=True)


def article_unhide(*, article: Article) -> bool:
    """Show a hidden article to readers again; returns whether it changed."""
    return _article_visibility_set(article, hidden=False)


def _article_visibility_set(article: Article, *, hidden: bool) -> bool:
    # updated_at moves so partners syncing with updated_since see the article leave (or return).
    now = timezone.now()
    changed = (
        Article.objects.filter(pk=article.pk)
        .exclude(is_hidden=hidden)
        .update(is_hidden=hidden, updated_at=now)
    )
    article.is_hidden = hidden
    if changed:
        article.updated_at = now
    if changed:
        reader_pages_invalidate()
    return bool(changed)


# --- helpers ------------------------------------------------------------------------------------


def _existing_articles(batch: list[ParsedEntry], key: str) -> tuple[dict, dict]:
    """Stored articles of a batch, by identity (also as kept apart for publisher ``key``) and
    by ("url", url), in one query; and who owns each (``_owners``)."""
    identities = [e.identity for e in batch]
    identities += [_scoped_identity(i, key) for i in identities]
    urls = [e.url for e in batch if e.url]
    found: dict = {}
    for article in Article.objects.matching_identities(identities, urls).order_by("id"):
        found[article.identity] = article
        if article.url:
            found.setdefault(("url", article.url), article)
    return found, _owners({a.pk for a in found.values()})


def _owners(article_ids: set[int]) -> dict[int, tuple[int, str]]:
    """(feed id, publisher key) of the feed that first carried each article.

    The first feed, not any: a feed merely linked to an article (a race, a syndicated copy)
    gains no right to change it.
    """
    owners: dict[int, tuple[int, str]] = {}
    links = (
        ArticleFeed.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "id")
        .values_list("article_id", "feed_id", "feed__publisher", "feed__url")
    )
    for article_id, feed_id, publisher, url in links:
        if article_id not in owners:
            owners[article_id] = (feed_id, publisher_key(publisher=publisher, url=url))
    return owners


def _scoped_identity(identity: str, key: str) -> str:
    """The identity of a publisher's post whose natural key another publisher's article holds."""
    return hashlib.sha256(f"publisher:{key}|{identity}".encode()).hexdigest()


def _match_existing(
    batch: list[ParsedEntry], existing: dict, owners: dict, feed: Feed, collided: list[int]
) -> tuple[list[Article | None], set[int]]:
    """The stored article of each entry: by identity, else by URL if no other entry has it;
    and the matched articles the entry may only be linked to, not change.

    A feed changes only its own publisher's articles. An entry whose identity or link is held
    by another publisher's article (a guid or link copied from another site) never touches it:
    the same content is the same post (linked, not changed); other content is this
    publisher's own article, kept apart under a scoped identity, and the collision is
    reported in ``collided`` for the fetch log. One article is never matched twice in a
    batch: two posts of one document are two posts.
    """
    key = feed.publisher_key
    matches: list[Article | None] = []
    link_only: set[int] = set()

    def belongs(article: Article) -> bool:
        # No publisher on either side (a local file read by `ingest`): the operator's own
        # input, trusted as before.
        owner = owners.get(article.pk)
        return owner is None or not key or not owner[1] or owner[0] == feed.pk or owner[1] == key

    kept_apart: set[int] = set()
    for n, entry in enumerate(batch):
        article = existing.get(entry.identity)
        if article is not None and not belongs(article):
            if article.content_hash == entry.content_hash:
                link_only.add(article.pk)
            else:
                collided.append(article.pk)
                kept_apart.add(n)
                entry.identity = _scoped_identity(entry.identity, key)
                article = existing.get(entry.identity)
        matches.append(article)
    claimed = {a.pk for a in matches if a is not None}
    for n, entry in enumerate(batch):
        candidate = existing.get(("url", entry.url))
        if matches[n] is not None or n in kept_apart or candidate is None:
            continue
        if candidate.pk in claimed:
            continue
        if belongs(candidate):
            matches[n] = candidate
            claimed.add(candidate.pk)
        elif candidate.content_hash != entry.content_hash:
            collided.append(candidate.pk)
    return matches, link_only


def _clamp_future_date(entry: ParsedEntry, article: Article | None, now: datetime) -> None:
    """A post dated after its fetch would head every newest-first list until that date: it is
    dated at the fetch instead, and the feed's date kept (and shown to editors) beside it.

    Clamped once: while the feed repeats the same future date, the first fetch time stays.
    """
    if entry.published_at is None or entry.published_at <= now + FUTURE_DATE_SKEW:
        return
    claimed = entry.published_at
    keep = article is not None and article.claimed_published_at == claimed
    entry.published_at = article.published_at if keep else now
    entry.claimed_published_at = claimed


def _changed_fields(article: Article, entry: ParsedEntry) -> list[str]:
    return [
        name
        for name in ParsedEntry.ARTICLE_FIELDS
        if getattr(article, name) != getattr(entry, name)
    ]


def _assign(article: Article, values: dict) -> None:
    for name, value in values.items():
        setattr(article, name, value)


# What a new article's row holds: every column but the search vector (computed later, by
# ``search.search_vectors_update``). JSON columns need the field's own preparation (psycopg's
# Jsonb); every other value is already what the database stores (str, int, bool, an aware
# datetime, None), and preparing 27 values an article through the fields was a fifth of the
# copy's time.
_COPIED_FIELDS = tuple(f for f in Article._meta.concrete_fields if f.name != "search_vector")
_PREPARED_FIELDS = frozenset(f.attname for f in _COPIED_FIELDS if isinstance(f, JSONField))


def _create_articles(articles: list[Article]) -> list[Article]:
    if not articles:
        return []
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                return _copy_articles(articles)
            return Article.objects.bulk_create(articles, batch_size=BATCH_SIZE)
    except IntegrityError:
        # Another feed carrying the same post committed it first; fall back to one at a time.
        created = []
        for article in articles:
            article.pk = None  # the copy's id, if it drew one, went with its save point
            existing = Article.objects.filter(identity=article.identity).first()
            if existing is None:
                article.save()
                created.append(article)
            else:
                article.pk = existing.pk
        return created


def _copy_articles(articles: list[Article]) -> list[Article]:
    """New articles by binary ``COPY``, their ids drawn from the sequence first: a quarter of
    ``bulk_create``'s time for a 5,000-post backfill (docs/PERFORMANCE.md). A post another feed
    committed meanwhile breaks the unique identity and fails the copy: the caller falls back."""
    for article, pk in zip(articles, next_ids(Article, len(articles)), strict=True):
        article.pk = pk
    copy_in(
        Article,
        tuple(field.name for field in _COPIED_FIELDS),
        [
            tuple(
                field.get_db_prep_save(getattr(a, field.attname), connection)
                if field.attname in _PREPARED_FIELDS
                else getattr(a, field.attname)
                for field in _COPIED_FIELDS
            )
            for a in articles
        ],
    )
    for article in articles:
        article._state.adding, article._state.db = False, connection.alias
    return articles


def _link_to_feed(
    feed: Feed, linked: list[tuple[Article, list[str]]], now: datetime, *, created: set[int]
) -> None:
    if connection.vendor == "postgresql" and created:
        # Links of articles this ingest created cannot exist yet: copied in, like the articles.
        categories = ArticleFeed._meta.get_field("categories")
        copy_in(
            ArticleFeed,
            ("article", "feed", "categories", "first_seen_at", "last_seen_at"),
            [
                (article.pk, feed.pk, categories.get_db_prep_save(cats, connection), now, now)
                for article, cats in linked
                if article.pk in created
            ],
        )
        linked = [(article, cats) for article, cats in linked if article.pk not in created]
    ArticleFeed.objects.bulk_create(
        [
            ArticleFeed(
                article=article, feed=feed, categories=cats, first_seen_at=now, last_seen_at=now
            )
            for article, cats in linked
        ],
        update_conflicts=True,
        unique_fields=["article", "feed"],
        update_fields=["categories", "last_seen_at"],
        batch_size=BATCH_SIZE,
    )


def _follow_permanent_redirect(feed: Feed, permanent_url: str | None) -> str:
    """Move the feed to where a 301/308 chain says it now lives, unless that URL is taken."""
    if not permanent_url or permanent_url == feed.url:
        return ""
    other = Feed.objects.filter(url=permanent_url).exclude(pk=feed.pk).first()
    if other:
        return f"permanently redirected to {permanent_url}, already tracked as feed #{other.pk}"
    old_url, feed.url = feed.url, permanent_url
    feed.save(update_fields=["url", "updated_at"])
    return f"moved permanently from {old_url}"


def _bozo_note(reason: str) -> str:
    return f"malformed feed, kept what it yields ({reason})" if reason else ""


def _dropped_note(parsed: ParsedFeed) -> str:
    if not parsed.dropped:
        return ""
    kept = settings.FEEDS["MAX_ITEMS"]
    return f"read the first {kept} items, dropped {parsed.dropped} more (FEEDS_MAX_ITEMS)"


def _collision_note(article_ids: tuple[int, ...]) -> str:
    if not article_ids:
        return ""
    shown = ", ".join(f"#{pk}" for pk in sorted(set(article_ids))[:10])
    return (
        f"{len(article_ids)} items carried the guid or link of another publisher's articles "
        f"({shown}): kept as this feed's own, the others left untouched"
    )


def _record_crash(
    *, feed_id: int, started_at: datetime, exc: Exception, url: str = ""
) -> FeedFetch:
    """Log an attempt that failed in a way no check foresaw, and back off as for any failure.

    Whatever the attempt wrote was rolled back with its transaction, and the feed is read
    again, so nothing it changed in memory (the body hash above all) is saved.
    """
    if isinstance(exc, SoftTimeLimitExceeded):
        outcome, what = Outcome.TIME_LIMIT, "the worker's soft time limit was reached"
    elif isinstance(exc, DatabaseError):
        outcome, what = Outcome.DATABASE_ERROR, "the database refused the write"
    else:
        outcome, what = Outcome.INTERNAL_ERROR, "unexpected error"
    message = f"{what}: {type(exc).__name__}: {exc}".rstrip(": ") + f" (in {_where(exc)})"
    logger.error("feed %s: %s", feed_id, message, exc_info=exc)
    usable = connection.connection is None or connection.is_usable()
    if not usable and not connection.in_atomic_block:
        # An exception raised by a signal (the time limit) can leave the connection mid-query:
        # the log is written on a fresh one.
        connection.close()
    feed = Feed.objects.get(pk=feed_id)
    return _record_failure(
        feed, started_at=started_at, outcome=outcome, message=message, url=url or feed.url
    )


def _where(exc: BaseException) -> str:
    """The innermost frame of our own code the exception passed through, as path:line."""
    root = Path(settings.BASE_DIR)
    where = "unknown place"
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.is_relative_to(root) and ".venv" not in path.parts:
            where = f"{path.relative_to(root)}:{frame.lineno} {frame.name}"
    return where


def _record_success(
    feed: Feed,
    *,
    started_at: datetime,
    outcome: str,
    message: str = "",
    validators: tuple[str, str] | None = None,
    **log,
) -> FeedFetch:
    now = timezone.now()
    if validators and any(validators):
        feed.etag, feed.last_modified = validators[0][:500], validators[1][:100]
    feed.last_fetched_at = now
    feed.next_fetch_at = now + timedelta(minutes=feed.fetch_interval_minutes)
    feed.consecutive_errors, feed.last_error = 0, ""
    feed.save()
    return _log_attempt(feed, started_at=started_at, finished_at=now, outcome=outcome,
                        message=message, **log)  # fmt: skip


def _record_failure(
    feed: Feed,
    *,
    started_at: datetime,
    outcome: str,
    message: str,
    retry_after: timedelta | None = None,
    **log,
) -> FeedFetch:
    """Log a failed attempt and schedule the next one; what is already stored stays as it was."""
    now = timezone.now()
    limits = settings.FEEDS
    feed.consecutive_errors += 1
    backoff = timedelta(
        minutes=min(
            feed.fetch_interval_minutes * 2 ** (feed.consecutive_errors - 1),
            limits["MAX_BACKOFF_MINUTES"],
        )
    )
    if retry_after is not None:
        backoff = min(retry_after, timedelta(minutes=limits["MAX_RETRY_AFTER_MINUTES"]))
    feed.last_fetched_at = now
    feed.next_fetch_at = now + backoff
    feed.last_error = message[:2000]
    if log.get("http_status") == 410:
        feed.status = Feed.Status.PAUSED
        feed.paused_reason = "the server says the feed is gone (HTTP 410)"
    elif feed.consecutive_errors >= limits["PAUSE_AFTER_ERRORS"] and not feed.is_paused:
        feed.status = Feed.Status.PAUSED
        feed.paused_reason = (
            f"paused automatically after {feed.consecutive_errors} failed fetches in a row"
        )
    feed.save()
    logger.warning("feed %s (%s): %s: %s", feed.pk, feed.url, outcome, message)
    return _log_attempt(feed, started_at=started_at, finished_at=now, outcome=outcome,
                        message=message, **log)  # fmt: skip


def _log_attempt(
    feed: Feed, *, started_at: datetime, finished_at: datetime, outcome: str, message: str, **log
) -> FeedFetch:
    """The fetch log's one writer: a row for every attempt, whatever became of it (``log``:
    the URL read, the HTTP status, the bytes and entries counted)."""
    return FeedFetch.objects.create(
        feed=feed,
        started_at=started_at,
        finished_at=finished_at,
        outcome=outcome,
        error_message=message,
        **log,
    )
