"""The editors' admin in a real browser: the review queue paginated, grouped both ways and
driven from the keyboard; and no page an editor visits logs a CSP violation, a console error
or a failed request (the claim History page's inline style and the login page's favicon 404
were both caught this way). Screenshots, phone and desktop, land in screenshots/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import (
    link_article,
    load_sample_tracker,
    make_admin_editor,
    make_article,
    make_entity,
    make_initiative,
)
from tracker.models import ArticleInitiative, Claim, Mention
from tracker.services.claims import claim_review

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
# A refusal the page's own policy makes is also written to the console, where it is collected with
# everything else, from every tab of the context.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`csp: ${event.effectiveDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def problems(context):
    """Everything wrong the browser saw in any tab: console errors (CSP refusals among them),
    uncaught script errors, failed requests, responses of 400 and above."""
    seen: list[str] = []
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("console", lambda m: m.type == "error" and seen.append(f"console: {m.text}"))
    context.on("weberror", lambda error: seen.append(f"page error: {error.error}"))
    context.on("requestfailed", lambda r: seen.append(f"failed: {r.url}"))
    context.on("response", lambda r: r.status >= 400 and seen.append(f"{r.status}: {r.url}"))
    return lambda: list(seen)


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Review queue").wait_for()


def current_key(page) -> str:
    return page.locator("tr.review-row.is-current").get_attribute("data-key")


def test_review_queue_is_paginated_grouped_and_keyboard_driven(
    live_server, page, problems, screenshot
):
    magnets, refinery = make_initiative(name="Magnet Compact"), make_entity(name="Ore Works")
    for n in range(60):
        article = make_article(
            title=f"Plant {n:02d} expands", content_text=f"Plant {n} joined the Magnet Compact "
            f"with Ore Works after a long review of its permits."
        )  # fmt: skip
        link_article(article, magnets, matched_text="Magnet Compact", confidence=0.9 - n / 1000)
        link_article(article, refinery, matched_text="Ore Works")
    make_admin_editor("kai", password=PASSWORD)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "kai")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_text("120 suggestions waiting · page 1 of 3").wait_for()
    group = page.locator(".review-group").first
    assert re.search(r"Magnet Compact\s+· 60 waiting", group.locator("caption").text_content())
    assert page.locator("tr.review-row").count() == 50
    expect(page.locator("#review-keys")).to_be_visible()  # the help line shows once JS runs
    screenshot(page, "admin-review-queue-paged-desktop")

    # j moves to the first suggestion, c confirms it; the page comes back on the next one.
    page.keyboard.press("j")
    first = current_key(page)
    page.keyboard.press("c")
    page.get_by_text("1 suggestion(s) confirmed.").wait_for()
    kind, pk = first.split(":")
    assert kind == "initiative"
    assert ArticleInitiative.objects.get(pk=pk).decided_by.username == "kai"
    page.get_by_text("119 suggestions waiting").wait_for()
    assert current_key(page) != first  # the row after it, focused again

    page.keyboard.press("j")
    rejected = current_key(page)
    page.keyboard.press("r")
    page.get_by_text("1 suggestion(s) rejected.").wait_for()
    assert ArticleInitiative.objects.get(pk=rejected.split(":")[1]).state == "rejected"

    page.keyboard.press("n")  # next page
    page.wait_for_url(re.compile(r"page=2"))
    continued = page.locator(".review-group").first.locator("caption").text_content()
    assert "Magnet Compact" in continued and "(continued)" in continued
    assert "Ore Works" in page.locator(".review-group").nth(1).locator("caption").text_content()

    page.get_by_role("link", name="article", exact=True).click()
    page.wait_for_url(re.compile(r"group=article"))
    caption = page.locator(".review-group").first.locator("caption").text_content()
    assert caption.strip().startswith("Plant 59 expands") and "2 waiting" in caption
    screenshot(page, "admin-review-queue-by-article-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "admin-review-queue-by-article-phone")
    assert problems() == []


def test_review_queue_works_without_javascript(live_server, browser):
    magnets = make_initiative(name="Magnet Compact")
    link = link_article(make_article(content_text="The Magnet Compact grew."), magnets,
                        matched_text="Magnet Compact")  # fmt: skip
    make_admin_editor("noscript", password=PASSWORD)
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "noscript")
    page.get_by_role("link", name="Review queue").click()
    page.wait_for_url("**/review/**")  # on the queue itself, so the absence below means something
    assert page.locator("tr.review-row").count() == 1
    assert not page.locator("#review-keys").is_visible()  # no promise of keys that do nothing
    page.locator("tr.review-row").get_by_role("button", name="Confirm").click()
    page.get_by_text("1 suggestion(s) confirmed.").wait_for()
    link.refresh_from_db()
    assert link.state == "confirmed"
    context.close()


def test_no_csp_violation_console_error_or_404_on_the_editors_pages(
    live_server, page, problems, screenshot
):
    load_sample_tracker(search_index=False)
    make_admin_editor("lee", password=PASSWORD)
    claim = Claim.objects.filter(appearances__isnull=False).order_by("pk").first()
    claim_review(claim=claim, status=Claim.Status.VERIFIED, user=None,
                          evidence_url="https://example.org/filing")  # fmt: skip
    mention = Mention.objects.order_by("pk").first()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("admin:login"))
    screenshot(page, "admin-login-phone")
    sign_in(page, live_server, "lee")
    pages = {
        "admin-home": reverse("admin:index"),
        "admin-review-queue": reverse("admin:tracker_review_queue"),
        "admin-claims": reverse("admin:tracker_claim_changelist"),
        "admin-claim": reverse("admin:tracker_claim_change", args=[claim.pk]),
        "admin-claim-history-page": reverse("admin:tracker_claim_history", args=[claim.pk]),
        "admin-articles": reverse("admin:articles_article_changelist"),
        "admin-initiatives": reverse("admin:tracker_initiative_changelist"),
        "admin-entity": reverse("admin:tracker_entity_change", args=[mention.entity_id]),
        "admin-feeds": reverse("admin:articles_feed_changelist"),
    }
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        # Every page opens at once, each in its own tab of the signed-in context: the waits for
        # the network to go quiet overlap instead of adding up (they were 9 s of 15).
        tabs = {}
        for name, path in pages.items():
            tabs[name] = tab = page.context.new_page()
            tab.set_viewport_size(viewport)
            tab.goto(live_server.url + path, wait_until="commit")
        for name, tab in tabs.items():
            tab.wait_for_load_state("networkidle")
            assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
                name, size,
            )  # fmt: skip
            if name in ("admin-home", "admin-claims", "admin-claim-history-page"):
                screenshot(tab, f"{name}-{size}")
            tab.close()
    assert "REEx Tracker" in page.locator("#site-name").inner_text()
    assert problems() == []


def test_claims_list_fits_a_1366_pixel_screen(live_server, page, screenshot):
    load_sample_tracker(search_index=False)
    make_admin_editor("ana", password=PASSWORD)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "ana")
    page.goto(live_server.url + reverse("admin:tracker_claim_changelist"))
    table = page.locator("#result_list").bounding_box()
    assert table["x"] + table["width"] <= DESKTOP["width"]
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert {"MEASURE", "OUTLETS", "INDEPENDENT CHECK"} <= {h.strip().upper() for h in headers}
    assert page.locator("#result_list img[src*='icon-no']").count() == 0
    screenshot(page, "admin-claims-1366")
