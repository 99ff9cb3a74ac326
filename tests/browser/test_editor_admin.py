"""An editor's morning in the admin, in a real browser: confirm a suggested link from the
review queue, verify a claim with its evidence, and find both decisions in the history."""

import re

import pytest
from django.urls import reverse

from tests.factories import load_sample_tracker, make_admin_editor
from tracker.models import ArticleInitiative, Claim, Initiative

from .conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE = "https://www.exim.gov/news/project-vault-approval"


def test_editor_confirms_a_link_verifies_a_claim_and_sees_the_history(
    live_server, page, screenshot
):
    load_sample_tracker(search_index=False)
    make_admin_editor("maria", password="correct horse battery")
    vault = Initiative.objects.get(slug="project-vault")
    claim = Claim.objects.get(subject_initiative=vault, figure_text="up to $10 billion")
    page.set_viewport_size(DESKTOP)

    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Review queue").click()
    screenshot(page, "admin-review-queue")

    group = page.locator(".review-group").filter(
        has=page.locator("caption", has_text="Project Vault")
    )
    row = group.locator("tr.review-row").filter(has_text="Gets Its Banker")
    assert row.locator("mark").first.inner_text() == "Project Vault"
    row.get_by_role("button", name="Confirm").click()
    page.get_by_text("1 suggestion(s) confirmed.").wait_for()
    link = ArticleInitiative.objects.get(
        initiative=vault, article__title__startswith="Project Vault Gets Its Banker"
    )
    assert (link.state, link.decided_by.username) == ("confirmed", "maria")

    page.goto(live_server.url + reverse("admin:tracker_claim_changelist"))
    page.locator(f"input[name=_selected_action][value='{claim.pk}']").check()
    page.locator("select[name=action]").select_option("mark_verified")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Evidence URL").fill(EVIDENCE)
    page.get_by_label("Note").fill("EXIM board approval, published.")
    screenshot(page, "admin-claim-verify")
    page.get_by_role("button", name=re.compile("Mark 1 claim")).click()
    page.get_by_text("1 claim(s) marked verified.").wait_for()
    claim.refresh_from_db()
    assert (claim.status, claim.evidence_url, claim.reviewed_by.username) == (
        "verified", EVIDENCE, "maria",
    )  # fmt: skip

    page.goto(live_server.url + reverse("admin:tracker_articleinitiative_history", args=[link.pk]))
    history = page.locator("#change-history")
    assert "confirmed" in history.inner_text() and "maria" in history.inner_text()
    screenshot(page, "admin-link-history")
    page.goto(live_server.url + reverse("admin:tracker_claim_history", args=[claim.pk]))
    history = page.locator("#change-history")
    assert EVIDENCE in history.inner_text() and "maria" in history.inner_text()
    screenshot(page, "admin-claim-history")
