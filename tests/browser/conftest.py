"""Browser tests: Playwright driving Debian's Chromium (headless) against pytest-django's
live server. Playwright's own browser download is not used: the machine's chromium is.

Screenshots land in ``screenshots/`` at the repository root (see README)."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are ordinary synchronous calls, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Chromium: apt-get install chromium (or set CHROMIUM=/path)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }  # fmt: skip


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")`` saves ``screenshots/name.png`` for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(autouse=True)
def no_browser_errors(request):
    """Every browser test fails on what a person's browser would show as broken: a console error
    (CSP refusals among them), an uncaught script error, a failed request, or a 4xx/5xx
    answer to anything the page loaded."""
    if "page" not in request.fixturenames:
        yield
        return
    context = request.getfixturevalue("page").context  # every tab the test opens in it
    seen: list[str] = []
    context.on("console", lambda m: m.type == "error" and seen.append(f"console: {m.text}"))
    context.on("weberror", lambda error: seen.append(f"page error: {error.error}"))
    context.on("requestfailed", lambda r: seen.append(f"failed: {r.url} {r.failure}"))
    context.on("response", lambda r: r.status >= 400 and seen.append(f"{r.status}: {r.url}"))
    yield
    # A request the page itself abandoned (the test navigated on) is not a failure.
    seen = [line for line in seen if not line.endswith("net::ERR_ABORTED")]
    marker = request.node.get_closest_marker("browser_allows")
    if marker:  # what a test knows the page does and names it (a third party's own request)
        seen = [line for line in seen if not any(part in line for part in marker.args)]
    assert seen == [], "the browser saw errors:\n" + "\n".join(seen)
