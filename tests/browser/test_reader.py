"""Readers and editors on the tracker's pages, in a real browser (Chromium, headless)."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import add_rival_vault_report, load_sample_tracker, make_editor
from tracker.models import Claim, Entity
from tracker.services.claims import claim_review

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VAULT_TITLE = "Project Vault Gets Its Banker"


@pytest.fixture
def sample():
    load_sample_tracker()


def ten_billion() -> Claim:
    return Claim.objects.get(subject_initiative__slug="project-vault", figure_text__contains="$10")


def size(viewport) -> str:
    return "phone" if viewport is PHONE else "desktop"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reader_searches_opens_initiative_follows_timeline_and_sees_verified_badge(
    live_server, page, sample, viewport, screenshot
):
    add_rival_vault_report()  # another amount for the loan: reports disagree until verified
    claim_review(
        claim=ten_billion(),
        status="verified",
        user=None,
        evidence_url="https://www.exim.gov/news/vault",
    )
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/search/")
    form = page.locator(".search-form")
    form.get_by_label("Search articles").fill("Vault")
    form.get_by_role("button", name="Search").click()
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name=VAULT_TITLE, exact=False)).to_be_visible()
    screenshot(page, f"search-{size(viewport)}")

    results.get_by_role("link", name=VAULT_TITLE, exact=False).click()
    page.locator(".article__aside").get_by_role("link", name="Project Vault").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Project Vault")
    # The loan's amounts differed; an editor verified one, and the panel says which.
    panel = page.locator(".conflict--resolved")
    expect(panel).to_contain_text("an editor verified one")
    expect(panel.locator(".conflict__value", has_text="$8 billion")).to_contain_text("Superseded")
    expect(page.locator(".chart__svg")).to_be_visible()

    page.locator(".timeline").get_by_role("link", name=VAULT_TITLE, exact=False).click()
    claim = page.locator(f"#claim-{ten_billion().pk}")
    expect(claim.locator(".status--verified")).to_have_text("Verified")
    assert page.locator("form.editor-control, details.editor-control").count() == 0


def test_editor_marks_claim_verified_from_article_page_and_reader_sees_badge(
    live_server, browser, page, sample, screenshot
):
    editor = Client()
    editor.force_login(make_editor())
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": editor.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    claim = ten_billion()
    article = claim.appearances.get(article__title__startswith=VAULT_TITLE).article
    page.set_viewport_size(DESKTOP)

    # A reader's visit first, so the page without the badge is cached for readers.
    reader = browser.new_context(viewport=DESKTOP)
    reader_page = reader.new_page()
    reader_page.goto(live_server.url + article.get_absolute_url())
    expect(reader_page.locator(f"#claim-{claim.pk} .status--unverified")).to_be_visible()

    page.goto(live_server.url + article.get_absolute_url())
    controls = page.locator(f"#claim-{claim.pk} details.editor-control")
    controls.locator("summary").click()
    controls.get_by_label("Status").select_option("verified")
    controls.get_by_label("Evidence URL").fill("https://www.exim.gov/news/vault")
    screenshot(page, "article-editor")
    controls.get_by_role("button", name="Save verdict").click()

    expect(page.get_by_text("Claim marked verified.")).to_be_visible()
    expect(page.locator(f"#claim-{claim.pk} .status--verified")).to_be_visible()

    reader_page.reload()
    expect(reader_page.locator(f"#claim-{claim.pk} .status--verified")).to_have_text("Verified")
    assert reader_page.locator(".editor-control").count() == 0
    reader.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_main_pages_render_for_screenshots(live_server, page, sample, viewport, screenshot):
    claim_review(
        claim=ten_billion(),
        status="verified",
        user=None,
        evidence_url="https://www.exim.gov/news/vault",
    )
    exim = Entity.objects.get(aliases__text="EXIM")
    article = ten_billion().appearances.first().article
    page.set_viewport_size(viewport)
    for name, path, heading in (
        ("home", "/", "REEx"),
        ("initiative", "/initiatives/project-vault/", "Project Vault"),
        ("initiatives", "/initiatives/", "Initiatives"),
        ("topic", "/topics/stockpiles-and-reserves/", "Stockpiles"),
        ("entity", f"/entities/{exim.slug}/", exim.name),
        ("article", article.get_absolute_url(), VAULT_TITLE),
        ("claims", "/claims/", "Claims"),
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert heading in page.get_by_role("heading", level=1).inner_text(), path
        screenshot(page, f"{name}-{size(viewport)}")
