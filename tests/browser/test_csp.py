"""The Content-Security-Policy refuses nothing our own pages need, in a real browser: the API
docs (Swagger UI, Redoc), a reader page and the admin all render with no violation."""

import pytest

from tests.factories import make_admin_editor, make_article

from .conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

# Recorded before any page script runs; the browser reports each refusal as an event.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def visit(live_server, page):
    """``visit(path, ready)``: the page once ``ready`` shows, and what the policy refused."""
    page.set_viewport_size(DESKTOP)
    page.add_init_script(RECORD_VIOLATIONS)
    refusals = []

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refusals.append(message.text)

    page.on("console", note_refusal)

    def go(path: str, ready: str) -> list[str]:
        response = page.goto(live_server.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.get_by_text(ready, exact=False).first.wait_for(timeout=20_000)
        page.wait_for_load_state("networkidle")
        return [*page.evaluate("window.cspViolations"), *refusals]

    return go


def test_swagger_ui_renders_the_operations_under_the_policy(visit, page):
    assert visit("/api/v1/docs/", ready="/api/v1/articles/") == []
    assert page.locator(".opblock").count() >= 10  # a list and a detail per resource


# Redoc's sidebar badge links Redocly's logo from its CDN: refused by the policy, and nothing of
# ours; everything the docs need comes from the sidecar package.
@pytest.mark.browser_allows("cdn.redoc.ly/redoc/logo-mini.svg")
def test_redoc_renders_the_operations_under_the_policy(visit, page):
    refused = visit("/api/v1/redoc/", ready="REEx Tracker partner API")
    # Redoc's "powered by" logo lives on Redocly's CDN; refused, Redoc drops it. Nothing else.
    assert refused and all(REDOC_LOGO in refusal for refusal in refused), refused
    assert page.get_by_text("/api/v1/initiatives/{slug}/", exact=False).count() >= 1


def test_a_reader_page_and_the_admin_render_under_the_policy(visit, page):
    article = make_article(title="A magnet story")
    make_admin_editor("csp-editor", password="correct horse battery")
    assert visit(article.get_absolute_url(), ready="A magnet story") == []

    assert visit("/admin/login/", ready="Username") == []
    page.get_by_label("Username").fill("csp-editor")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    assert visit("/admin/articles/article/", ready="A magnet story") == []
    assert visit(f"/admin/articles/article/{article.pk}/change/", ready="Save") == []
