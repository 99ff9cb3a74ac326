"""Readers with more than one outlet, in a real browser: one story told by two outlets is shown
once, naming both; the initiatives table filters and sorts without JavaScript. Every console
error (a CSP refusal, a 404) fails the test."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from articles.models import Feed
from articles.services import feed_ingest_document
from tests.articles.stories_corpus import (
    HALDEN_DAILY,
    HALDEN_WIRE,
    UNRELATED,
    outlet_feed,
    report,
)
from tests.factories import link_article, make_article, make_entity, make_initiative

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def size(viewport) -> str:
    return "phone" if viewport is PHONE else "desktop"


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return errors


def _ingest(url: str, title: str, *items: str) -> None:
    feed = Feed.objects.create(url=url, title=title)
    with transaction.atomic():  # what runs once the ingest commits runs, as in production
        feed_ingest_document(feed=feed, body=outlet_feed(*items, title=title))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_one_story_from_two_outlets_is_shown_once_naming_both(
    live_server, page, viewport, screenshot, console_errors
):
    _ingest(
        "https://wire.example.com/feed/",
        "Oxide Wire",
        report(1, HALDEN_WIRE, site="wire.example.com"),
        report(2, UNRELATED, site="wire.example.com", day=2),
    )
    _ingest(
        "https://daily.example.net/rss/",
        "Magnet Daily",
        report(3, HALDEN_DAILY, site="daily.example.net", day=4),
    )
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    latest = page.locator(".home-latest")
    expect(latest.locator(".card")).to_have_count(2)  # the story once, the unrelated report
    story = latest.locator(".card", has_text=HALDEN_WIRE[0])
    expect(story.locator(".outlet")).to_have_text("Oxide Wire")
    expect(story.locator(".also-reported")).to_contain_text("Also reported by Magnet Daily")
    expect(latest.get_by_role("link", name=HALDEN_DAILY[0])).to_have_count(0)
    screenshot(page, f"story-two-outlets-{size(viewport)}")

    story.get_by_role("link", name="Magnet Daily").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HALDEN_DAILY[0])
    expect(page.locator(".article__meta .outlet")).to_have_text("Magnet Daily")
    expect(page.locator(".also-reported")).to_contain_text("Oxide Wire")
    assert console_errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_initiatives_table_filters_and_sorts(
    live_server, page, viewport, screenshot, console_errors
):
    japan = make_entity(name="Japan", kind="country")
    for name, kind in (("Alpha Reserve", "stockpile"), ("Zeta Forum", "alliance")):
        initiative = make_initiative(name=name, kind=kind)
        initiative.jurisdictions.add(japan)
        link_article(make_article(), initiative)
    make_initiative(name="Mid Fund", kind="stockpile")

    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/initiatives/")
    page.get_by_role("link", name="Name", exact=True).click()
    rows = page.locator(".initiative-table tbody th[scope=row]")
    expect(rows).to_have_text(["Alpha Reserve", "Mid Fund", "Zeta Forum"])
    page.get_by_role("link", name="Name", exact=True).click()  # again: reversed
    expect(rows).to_have_text(["Zeta Forum", "Mid Fund", "Alpha Reserve"])

    page.get_by_label("Kind").select_option("stockpile")
    page.get_by_label("Jurisdiction").select_option("Japan")
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_text(["Alpha Reserve"])
    screenshot(page, f"initiatives-table-{size(viewport)}")
    assert console_errors == []
