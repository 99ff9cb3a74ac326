"""Every response carries the security headers, under the production settings: reader pages,
errors, the admin, the API and its docs, feeds, sitemaps, robots.txt, healthz, redirects and
static files.

``SAMPLES`` holds one request per kind of response. The URLconf is walked, and a route with no
sample fails ``test_every_route_has_a_sample``: a new route is checked as soon as it is added.
"""

import re
import runpy
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from reex.settings import base
from tests.factories import (
    link_article,
    make_api_key,
    make_article,
    make_claim,
    make_editor,
    make_entity,
    make_initiative,
    make_topic,
)
from tracker.models import EntityMerge
from tracker.services.merges import entity_merge

# The settings of reex.settings.production that shape responses.
SECURITY_SETTINGS = (
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "WHITENOISE_",
)


@pytest.fixture
def production_security(settings, monkeypatch):
    """The test settings with production's security settings on top, read from the module."""
    # production.py refuses to load without a key; its other checks run as they are.
    monkeypatch.setattr(base, "SECRET_KEY", "production-like-" + "k" * 40)
    production = runpy.run_module("reex.settings.production")
    applied = {
        name: value
        for name, value in production.items()
        if name.isupper() and name.startswith(SECURITY_SETTINGS)
    }
    for name, value in applied.items():
        setattr(settings, name, value)
    # Test settings keep static files uncollected: WhiteNoise serves them from the finders.
    settings.WHITENOISE_USE_FINDERS = True
    assert applied["SECURE_SSL_REDIRECT"] and applied["SECURE_HSTS_SECONDS"] > 0
    return settings


EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
}


def header_problems(response, *, secure: bool) -> list[str]:
    """What is missing or wrong among the headers every response must carry."""
    problems = []
    expected = dict(EXPECTED)
    if not secure:
        del expected["Strict-Transport-Security"]
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name}: {response.get(name)!r}, not {value!r}")
    if not secure and response.has_header("Strict-Transport-Security"):
        problems.append("Strict-Transport-Security sent over plain HTTP")
    policy = response.get("Content-Security-Policy")
    if policy is None:
        return [*problems, "no Content-Security-Policy"]
    directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
    for name, value in {
        "default-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
    }.items():
        if directives.get(name) != value:
            problems.append(f"CSP {name}: {directives.get(name)!r}, not {value!r}")
    if {"'unsafe-eval'", "*"} & set(re.split(r"[\s;]+", policy)):
        problems.append(f"CSP too loose: {policy}")
    return problems


# --- one request per kind of response -----------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A request (its path formatted with the ``world`` fixture) and the status it must get."""

    path: str
    status: int
    method: str = "GET"
    # anonymous | csrf (anonymous, CSRF enforced) | editor | staff | partner | partner-throttled
    who: str = "anonymous"
    secure: bool = True
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


STATIC_FILE = "/static/css/site.css"

SAMPLES: dict[str, Sample] = {
    # Reader pages, feeds, sitemaps.
    "articles:home": Sample("/", 200),
    "articles:list": Sample("/articles/", 200),
    "articles:detail-short": Sample("/articles/{article.pk}/", 301),
    "articles:detail": Sample("/articles/{article.pk}/{article.slug}/", 200),
    "articles:search": Sample("/search/?q=magnet", 200),
    "articles:feed-rss": Sample("/feeds/rss/", 200),
    "articles:feed-atom": Sample("/feeds/atom/", 200),
    "tracker:topic": Sample("/topics/{topic.slug}/", 200),
    "tracker:topic-rss": Sample("/topics/{topic.slug}/feed/rss/", 200),
    "tracker:topic-atom": Sample("/topics/{topic.slug}/feed/atom/", 200),
    "tracker:initiatives": Sample("/initiatives/", 200),
    "tracker:topics": Sample("/topics/", 200),
    "tracker:entities": Sample("/entities/", 200),
    "tracker:initiative": Sample("/initiatives/{initiative.slug}/", 200),
    "tracker:initiative-rss": Sample("/initiatives/{initiative.slug}/feed/rss/", 200),
    "tracker:initiative-atom": Sample("/initiatives/{initiative.slug}/feed/atom/", 200),
    "tracker:entity": Sample("/entities/{entity.slug}/", 200),
    "tracker:claims": Sample("/claims/", 200),
    "robots": Sample("/robots.txt", 200),
    "sitemap": Sample("/sitemap.xml", 200),
    "sitemap-section": Sample("/sitemap-articles.xml", 200),
    "healthz": Sample("/healthz", 200),
    "favicon": Sample("/favicon.ico", 301),
    # Editors' controls: POST, then a redirect back.
    "tracker:claim-review": Sample(
        "/claims/{claim.pk}/review/", 302, method="POST", who="editor", data={"status": "verified"}
    ),
    "tracker:initiative-link-decide": Sample(
        "/links/initiative/{initiative_link.pk}/decide/",
        302,
        method="POST",
        who="editor",
        data={"decision": "confirm"},
    ),
    "tracker:mention-decide": Sample(
        "/links/mention/{mention.pk}/decide/",
        302,
        method="POST",
        who="editor",
        data={"decision": "confirm"},
    ),
    "tracker:article-initiative-add": Sample(
        "/articles/{article.pk}/initiatives/add/",
        302,
        method="POST",
        who="editor",
        data={"initiative": "{initiative.slug}"},
    ),
    # The partner API, its exports, schema and docs.
    "api:root": Sample("/api/v1/", 200, who="partner"),
    "api:article-list": Sample("/api/v1/articles/", 200, who="partner"),
    "api:article-detail": Sample("/api/v1/articles/{article.pk}/", 200, who="partner"),
    "api:entity-list": Sample("/api/v1/entities/", 200, who="partner"),
    "api:entity-detail": Sample("/api/v1/entities/{entity.slug}/", 200, who="partner"),
    "api:entity-merge-list": Sample("/api/v1/entity-merges/", 200, who="partner"),
    "api:initiative-list": Sample("/api/v1/initiatives/", 200, who="partner"),
    "api:initiative-detail": Sample("/api/v1/initiatives/{initiative.slug}/", 200, who="partner"),
    "api:claim-list": Sample("/api/v1/claims/", 200, who="partner"),
    "api:claim-detail": Sample("/api/v1/claims/{claim.pk}/", 200, who="partner"),
    "api:claim-deletion-list": Sample("/api/v1/claim-deletions/", 200, who="partner"),
    "api:topic-list": Sample("/api/v1/topics/", 200, who="partner"),
    "api:topic-detail": Sample("/api/v1/topics/{topic.slug}/", 200, who="partner"),
    "api:export-articles-csv": Sample("/api/v1/export/articles.csv", 200, who="partner"),
    "api:export-articles-jsonl": Sample("/api/v1/export/articles.jsonl", 200, who="partner"),
    "api:export-claims-csv": Sample("/api/v1/export/claims.csv", 200, who="partner"),
    "api:export-claims-jsonl": Sample("/api/v1/export/claims.jsonl", 200, who="partner"),
    "api:schema": Sample("/api/v1/schema/", 200),
    "api:swagger-ui": Sample("/api/v1/docs/", 200),
    "api:redoc": Sample("/api/v1/redoc/", 200),
    # The admin: Django's own views, one of each kind, and ours.
    "admin:login": Sample("/admin/login/", 200),
    "admin:index": Sample("/admin/", 200, who="staff"),
    "admin:logout": Sample("/admin/logout/", 200, method="POST", who="staff"),
    "admin:password_change": Sample("/admin/password_change/", 200, who="staff"),
    "admin:password_change_done": Sample("/admin/password_change/done/", 200, who="staff"),
    "admin:autocomplete": Sample(
        "/admin/autocomplete/?app_label=tracker&model_name=articleinitiative"
        "&field_name=initiative&term=a",
        200,
        who="staff",
    ),
    "admin:jsi18n": Sample("/admin/jsi18n/", 200, who="staff"),
    "admin:view_on_site": Sample("/admin/r/{article_type.pk}/{article.pk}/", 302, who="staff"),
    "admin:app_list": Sample("/admin/tracker/", 200, who="staff"),
    "admin:tracker_review_queue": Sample(
        "/admin/tracker/articleinitiative/review/", 200, who="staff"
    ),
    "admin:<model>_changelist": Sample("/admin/articles/article/", 200, who="staff"),
    "admin:<model>_add": Sample("/admin/tracker/topic/add/", 200, who="staff"),
    "admin:<model>_change": Sample(
        "/admin/articles/article/{article.pk}/change/", 200, who="staff"
    ),
    "admin:<model>_delete": Sample("/admin/tracker/topic/{topic.pk}/delete/", 200, who="staff"),
    "admin:<model>_history": Sample("/admin/tracker/claim/{claim.pk}/history/", 200, who="staff"),
    "admin:<model>_simple_history": Sample(
        "/admin/tracker/claim/{claim.pk}/history/{claim_history.pk}/", 200, who="staff"
    ),
    "admin:<model>_password_change": Sample(
        "/admin/auth/user/{staff.pk}/password/", 200, who="staff"
    ),
    "admin:<model> object": Sample("/admin/articles/article/{article.pk}/", 302, who="staff"),
    "admin:catch-all": Sample("/admin/no-such-page/", 404, who="staff"),
    # Kinds of response that are no route of their own.
    "static file": Sample(STATIC_FILE, 200),
    "static file, swagger-ui from the sidecar": Sample(
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", 200
    ),
    "static file, not modified": Sample(STATIC_FILE, 304, headers={"If-None-Match": "{etag}"}),
    "swagger-ui's script": Sample("/api/v1/docs/?script=", 200),
    "404 page": Sample("/no/such/page/", 404),
    "404 from the API": Sample("/api/v1/articles/999999999/", 404, who="partner"),
    "500 page": Sample("/articles/", 500),
    "403, CSRF failure": Sample(
        "/admin/login/", 403, method="POST", who="csrf", data={"username": "x"}
    ),
    "403, no permission": Sample("/claims/{claim.pk}/review/", 403, method="POST"),
    "405, wrong method": Sample("/claims/{claim.pk}/review/", 405),
    "401 from the API": Sample("/api/v1/articles/", 401),
    "403 from the API": Sample("/api/v1/export/claims.csv", 403, who="partner-read-only"),
    "429 from the API": Sample("/api/v1/topics/", 429, who="partner-throttled"),
    "304 from the API": Sample(
        "/api/v1/topics/", 304, who="partner", headers={"If-None-Match": "{api_etag}"}
    ),
    "400, a disallowed host": Sample("/", 400, headers={"Host": "evil.example"}),
    # SecurityMiddleware's HTTPS redirect reads the host, and so raises the 400 itself, which
    # never passes back through it: reex.middleware.security_headers_fallback covers it.
    "400, a disallowed host over plain HTTP": Sample(
        "/", 400, secure=False, headers={"Host": "evil.example"}
    ),
    "redirect, to the admin login": Sample("/admin/", 302),
    "redirect, adding a slash": Sample("/articles", 301),
    "redirect, a merged entity's page": Sample("/entities/{merged_entity}/", 301),
    "redirect, a merged entity in the API": Sample(
        "/api/v1/entities/{merged_entity}/", 301, who="partner"
    ),
    "redirect, plain HTTP to HTTPS": Sample("/articles/", 301, secure=False),
    "redirect, plain HTTP to HTTPS for a static file": Sample(STATIC_FILE, 301, secure=False),
    "HEAD of a page": Sample("/", 200, method="HEAD"),
}


def route_kinds() -> set[str]:
    """The URLconf's routes as ``SAMPLES`` names them: by URL name, the admin's per-model ones
    as ``admin:<model>_<view>`` (each ModelAdmin serves the same views)."""
    model_prefixes = [
        f"{model._meta.app_label}_{model._meta.model_name}_" for model in admin.site._registry
    ]

    def kind(pattern: URLPattern, namespace: str, route: str) -> str:
        name = pattern.name
        if namespace == "admin":
            if name is None:
                return (
                    "admin:catch-all" if route.endswith("(?P<url>.*)$") else "admin:<model> object"
                )
            for prefix in model_prefixes:
                if name.startswith(prefix):
                    return f"admin:<model>_{name.removeprefix(prefix)}"
        assert name, f"the route {route!r} has no name"
        return f"{namespace}:{name}" if namespace else name

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, route, inner)
            else:
                yield kind(pattern, namespace, route)

    return set(walk(get_resolver().url_patterns))


def test_every_route_has_a_sample():
    kinds = route_kinds()
    assert "articles:home" in kinds and "admin:<model>_change" in kinds  # the walk works
    missing = kinds - set(SAMPLES)
    assert not missing, f"add a sample for each new route to SAMPLES: {sorted(missing)}"


# --- the headers on each sample -----------------------------------------------------------------


@pytest.fixture
def world(db):
    """One of each object the sample paths name."""
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    article = make_article(title="A magnet story")
    initiative, entity, topic = make_initiative(), make_entity(), make_topic()
    initiative_link = link_article(article, initiative)
    mention = link_article(article, entity)
    link_article(article, topic)
    claim = make_claim(articles=[article], subject_initiative=initiative)
    merged = make_entity()
    entity_merge(source=merged, into=entity)
    staff = User.objects.create_superuser("security-staff", "staff@example.org", "x")
    return {
        "article": article,
        "initiative": initiative,
        "entity": entity,
        "topic": topic,
        "initiative_link": initiative_link,
        "mention": mention,
        "merged_entity": EntityMerge.objects.get().slug,
        "claim": claim,
        "claim_history": claim.history.latest(),
        "article_type": ContentType.objects.get_for_model(article),
        "staff": staff,
    }


def client_for(who: str, world: dict) -> tuple[Client, dict]:
    """A client, and the headers its requests carry, for ``Sample.who``."""
    client = Client(enforce_csrf_checks=who == "csrf")
    headers = {}
    if who == "editor":
        client.force_login(make_editor())
    elif who == "staff":
        client.force_login(world["staff"])
    elif who.startswith("partner"):
        scopes = ["read"] if who == "partner-read-only" else ["read", "export"]
        rate = 1 if who == "partner-throttled" else 1000
        _, raw = make_api_key(scopes=scopes, rate_per_minute=rate)
        headers["Authorization"] = f"Api-Key {raw}"
        if who == "partner-throttled":
            # Use up the key's one request a minute.
            assert client.get("/api/v1/topics/", headers=headers, secure=True).status_code == 200
    return client, headers


def break_the_article_list(monkeypatch) -> None:
    """/articles/ fails on its read: Django's handler500 renders templates/500.html."""

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.selectors.article_list_page", broken)


def send(sample: Sample, world: dict, monkeypatch):
    client, headers = client_for(sample.who, world)
    values = dict(world)
    if "{etag}" in str(sample.headers):
        values["etag"] = client.get(STATIC_FILE, secure=True)["ETag"]
    if "{api_etag}" in str(sample.headers):
        values["api_etag"] = client.get(sample.path, headers=headers, secure=True)["ETag"]
    if sample.status == 500:
        break_the_article_list(monkeypatch)
        client.raise_request_exception = False
    path = sample.path.format(**values)
    data = {k: v.format(**values) for k, v in sample.data.items()}
    headers |= {k: v.format(**values) for k, v in sample.headers.items()}
    request = getattr(client, sample.method.lower())
    return request(path, data, headers=headers, secure=sample.secure)


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_response_carries_the_security_headers(
    production_security, world, monkeypatch, request, kind
):
    cache.clear()  # no reader page, nor partner rate count, from an earlier test
    sample = SAMPLES[kind]
    if sample.who == "partner-throttled":
        request.getfixturevalue("frozen_clock")  # both requests in one rate-limit window

    response = send(sample, world, monkeypatch)

    assert response.status_code == sample.status, (kind, response.status_code)
    problems = header_problems(response, secure=sample.secure)
    assert problems == [], f"{kind} ({sample.path}, {response.status_code})"


def test_the_production_like_settings_are_in_force(production_security, db, client):
    # The samples mean something only if production's settings, not the test ones, answered.
    response = client.get("/", secure=False)
    assert response.status_code == 301 and response["Location"] == "https://testserver/"
    response = client.get("/admin/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000;")
    assert response.cookies["csrftoken"]["secure"]


def test_the_api_docs_relax_style_src_alone(production_security, world, client):
    # Swagger UI and Redoc style themselves inline; scripts stay our own files.
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        policy = client.get(path, secure=True)["Content-Security-Policy"]
        directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self' 'unsafe-inline'", path


def test_the_error_pages_need_no_inline_style_or_script(production_security, world, monkeypatch):
    # Under the strict policy an inline <style> is dropped: the page would show unstyled.
    client = Client(enforce_csrf_checks=True)
    csrf_failure = client.post("/admin/login/", {"username": "x"}, secure=True)
    not_found = client.get("/no/such/page/", secure=True)
    forbidden = client.post(f"/claims/{world['claim'].pk}/review/", secure=True)
    client.raise_request_exception = False
    break_the_article_list(monkeypatch)
    server_error = client.get("/articles/", secure=True)

    assert "couldn’t accept that form" in csrf_failure.content.decode()
    for response, status in ((csrf_failure, 403), (not_found, 404), (server_error, 500)):
        html = response.content.decode()
        assert response.status_code == status
        assert "<script" not in html and not re.search(r"<style|\sstyle=", html), html[:300]
        assert "/static/css/site.css" in html
    # Django's bare 403 page: no style at all, none to block.
    assert forbidden.status_code == 403
    assert not re.search(r"<script|<style|\sstyle=", forbidden.content.decode())
