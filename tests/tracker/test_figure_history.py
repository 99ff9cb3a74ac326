"""Compare over time: an initiative's key-figure history, the values reported by date with the
one an editor verified marked, drawn as a server-rendered SVG."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from reex.caching import page_cache
from tests.factories import make_article, make_claim, make_initiative
from tracker.services.claims import claim_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    page_cache().clear()
    yield
    page_cache().clear()


def _report(day: int, month: int = 1):
    return make_article(
        title=f"Report of {day}/{month}", published_at=datetime(2026, month, day, 8, tzinfo=UTC)
    )


@pytest.fixture
def fund():
    fund = make_initiative(name="Lithium Bridge Fund", slug="lithium-bridge-fund")
    first, second, third, fourth = _report(5), _report(20), _report(3, 2), _report(9, 2)
    common = {"subject_initiative": fund, "measure": "loan", "unit": "USD"}
    make_claim(articles=[first, third], value=400_000_000, figure_text="$400 million", **common)
    verified = make_claim(
        articles=[second], value=450_000_000, figure_text="$450 million", **common
    )
    # A value misread at the source never joins the history.
    make_claim(
        articles=[fourth], value=45, figure_text="$45", implausible="far too small", **common
    )
    # Another measure, reported once: not the key figure.
    make_claim(articles=[fourth], subject_initiative=fund, value=300, unit="t", measure="output")
    claim_review(
        claim=verified, status="verified", user=None, evidence_url="https://example.org/fund"
    )
    return fund


def test_the_history_has_each_dated_report_in_order_with_the_verified_value(fund):
    from tracker.charts import figure_history
    from tracker.selectors import initiative_page

    data = initiative_page(slug=fund.slug, page_number=1)
    history = figure_history(data.claims, title="Fund")

    assert [(p.day.isoformat(), p.value, p.status) for p in history.points] == [
        ("2026-01-05", Decimal(400_000_000), "unverified"),
        ("2026-01-20", Decimal(450_000_000), "verified"),
        ("2026-02-03", Decimal(400_000_000), "unverified"),
    ]
    assert history.title == "Fund: loan" and history.unit == "USD"
    # Dates run left to right; the largest value touches the top.
    xs = [p.x for p in history.points]
    assert xs == sorted(xs) and history.points[1].y == history.top


def test_the_initiative_page_draws_the_history_without_inline_styles(client, fund):
    html = client.get(f"/initiatives/{fund.slug}/").content.decode()
    section = html[html.index("Reported over time") :]
    section = section[: section.index("</figure>")]
    assert section.count('<circle class="history__dot') == 3
    assert section.count("history__dot--verified") == 1
    assert "$450 million <strong>(verified)</strong>" in section
    assert "style=" not in section


def test_no_history_for_a_figure_reported_once(client):
    fund = make_initiative(name="Single Report Fund", slug="single-report-fund")
    make_claim(articles=[_report(5)], subject_initiative=fund, value=10, unit="t")
    html = client.get(f"/initiatives/{fund.slug}/").content.decode()
    assert "Reported over time" not in html
