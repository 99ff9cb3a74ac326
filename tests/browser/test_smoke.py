"""The reader's first view of the site, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.articles.feeds import SAMPLE_FEED

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sample_articles():
    from articles.services import feed_for_file, feed_ingest_document

    feed = feed_for_file(path=SAMPLE_FEED)
    feed_ingest_document(feed=feed, body=SAMPLE_FEED.read_bytes())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_lists_articles_and_opens_one(
    live_server, page, sample_articles, viewport, screenshot
):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    screenshot(page, f"home-{'phone' if viewport is PHONE else 'desktop'}")

    page.get_by_role("link", name="Project Vault Gets Its Banker", exact=False).first.click()

    # The click starts a navigation; wait for the article page rather than read the title mid-load.
    expect(page).to_have_title(re.compile("Project Vault"))
    expect(page.get_by_text("Highlights", exact=False).first).to_be_visible()
