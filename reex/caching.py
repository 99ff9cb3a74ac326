"""Server-side caching of the pages readers see, and how it is invalidated.

A cached page is keyed by the *pages version*: a token in the cache plus the latest
``Article.updated_at`` (a stamp the articles app registers, ``reader_pages_stamp``). Ingest moves
``updated_at`` on every new or changed article, so new content shows without anyone calling
anything (even from another process using an in-process cache). Every other change to a row a
page can show invalidates too, in one place: saving or deleting any model of the apps readers
see, or changing one of their many-to-many sets, calls ``reader_pages_invalidate()`` through the
signals connected below (each such app calls ``reader_pages_follow`` from its
``AppConfig.ready``: this module, infrastructure, names no app), whether the change came from a
service, the admin, its inlines or a shell. Only the models each app says no page shows are left
out: bookkeeping written on every fetch or enrichment, which would otherwise empty the cache all
day. Bulk writes (``update()``, ``bulk_create()``) send no signals: the services doing them call
``reader_pages_invalidate()`` themselves (``tracker.events.tracker_changed``).

Only requests that carry nothing of their own are served from or stored in the cache: a request
with a session or a flash-messages cookie (an editor, or anyone an editor's message was meant for)
is rendered for itself, marked ``Cache-Control: private``, and never stored; a response that sets
a cookie or queued a message is not stored either. Otherwise one visitor's state would be served
to every reader (issue 13: an editor's flash message cached into a public page).

Only canonical URLs are cached: each view names the query parameters it reads, and a URL with
any other is rendered but not stored, so junk query strings cannot fill the cache.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode

VERSION_KEY = "reader-pages:version"
# The page cache has a cache (and a Redis database) of its own, one that may evict: pages are
# the bulk of what is cached and each can be rendered again, unlike the locks and counters in
# the default cache (settings: CACHES, REDIS_CACHE_URL; docs/operations.md). The version key is
# there too: were it evicted, a new token would make every page render again, never go stale.
PAGES_CACHE = "pages"
# The query parameter paginated views read.
PAGE_PARAMS = frozenset({"page", "p"})


def page_cache():
    return caches[PAGES_CACHE]


# The apps whose models reader pages show, and their models no page shows: filled in by each
# app's AppConfig.ready (``reader_pages_follow``); the latest-change stamps likewise.
_followed_apps: set[str] = set()
_not_shown: set[str] = set()
_stamps: list[Callable[[], datetime | None]] = []


def reader_pages_invalidate() -> None:
    """Make every cached reader page stale, once the current transaction commits."""
    transaction.on_commit(_new_version)


def reader_pages_invalidate_once() -> None:
    """``reader_pages_invalidate()``, unless already asked for within this same atomic block
    (save point): that one runs, or is dropped, with this change. A transaction writing a
    thousand rows then sets the version once, not a thousand times."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        here = set(connection.savepoint_ids)
        if any(sids == here and func is _new_version for sids, func, _ in connection.run_on_commit):
            return
    reader_pages_invalidate()


def _new_version() -> None:
    page_cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def reader_pages_follow(app_label: str, *, not_shown: Iterable[str] = ()) -> None:
    """Invalidate reader pages on every save, delete or many-to-many change of a model of
    ``app_label``, but for the models labelled in ``not_shown`` (see the module's docstring).
    Called from the app's ``AppConfig.ready``."""
    _followed_apps.add(app_label)
    _not_shown.update(not_shown)
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_row_changed, dispatch_uid="reader-pages-follow-changes")


def reader_pages_stamp(stamp: Callable[[], datetime | None]) -> None:
    """Make ``stamp()`` (when content last changed, or None) part of the pages version, so that
    content written without signals (bulk writes) shows at once. From an ``AppConfig.ready``."""
    if stamp not in _stamps:
        _stamps.append(stamp)


def _row_changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: act once, after the change
    if kwargs.get("raw"):
        return  # loaddata
    meta = sender._meta
    if meta.app_label in _followed_apps and meta.label not in _not_shown:
        reader_pages_invalidate_once()


def reader_pages_version() -> str:
    cache = page_cache()
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        # add, not set: two processes starting at once agree on the first token.
        if not cache.add(VERSION_KEY, token, timeout=None):
            token = cache.get(VERSION_KEY, token)
    stamps = (stamp() for stamp in _stamps)
    return ":".join([token, *(f"{s.timestamp() if s else 0}" for s in stamps)])


def cache_reader_page(view=None, *, params: Iterable[str] = ()):
    """Serve a view's 200 responses to anonymous readers from the cache, per canonical URL and
    version. ``params`` names the query parameters the view reads: a URL with any other, or
    with one of them twice, is rendered but never cached, so junk query strings cannot fill
    the cache. Used bare (``@cache_reader_page``) a view reads none."""
    if view is None:
        return lambda view: cache_reader_page(view, params=params)
    known = frozenset(params)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if carries_visitor_state(request):
            response = view(request, *args, **kwargs)
            # Nor may a shared cache in front of us (a CDN, a proxy) keep it.
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        query = canonical_query(request, known)
        if query is None:
            return view(request, *args, **kwargs)
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        digest = hashlib.sha256(url.encode()).hexdigest()
        key = f"reader-pages:{reader_pages_version()}:{digest}"
        cache = page_cache()
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if not wrote_visitor_state(request, response):
                cache.set(
                    key,
                    (response.content, response["Content-Type"]),
                    settings.READER_CACHE_SECONDS,
                )
        return response

    return wrapper


def canonical_query(request: HttpRequest, known: frozenset[str]) -> str | None:
    """The query string as the cache key has it (sorted; page numbers without leading zeros),
    or None for a URL not to cache: an unknown parameter, a repeated one, a page number that is
    not plain digits. Values are otherwise kept exactly: only URLs the view cannot tell apart
    may share a key, or one could plant a page under another's URL."""
    pairs = []
    for name, values in request.GET.lists():
        if name not in known or len(values) != 1:
            return None
        value = values[0]
        if name in PAGE_PARAMS and value:
            if not (value.isascii() and value.isdigit() and len(value) <= 9):
                return None
            value = str(int(value))
        pairs.append((name, value))
    return urlencode(sorted(pairs))


def carries_visitor_state(request: HttpRequest) -> bool:
    """Whether the request brings a session (a signed-in editor) or flash messages of its own:
    what the page shows may then be for this visitor alone."""
    return any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    )


def wrote_visitor_state(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether rendering set a cookie or queued a flash message: not a page for everyone."""
    storage = getattr(request, "_messages", None)
    return bool(response.cookies) or bool(storage is not None and storage.added_new)
