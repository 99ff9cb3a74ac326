"""A claim reaches readers and partners only through a published article: hide the only article
stating it and it leaves every surface; a second, visible article keeps it everywhere."""

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from articles.services import article_hide, article_unhide
from tests.factories import make_api_key, make_article, make_claim, make_entity, make_initiative
from tracker.models import Claim, ClaimAppearance
from tracker.services.claims import claim_review

pytestmark = pytest.mark.django_db

# Two reports that disagree on how much ore a stockpile holds: a conflict while both are seen.
LOW = "The depot now holds 8,125 tonnes of separated oxides, officials said."
HIGH = "The depot now holds 9,340 tonnes of separated oxides, a ministry note says."
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def record():
    depot = make_initiative(slug="oxide-depot", name="Oxide Depot")
    agency = make_entity(slug="minerals-office", name="Minerals Office")
    low_article, high_article = make_article(title="Low figure"), make_article(title="High")
    low = make_claim(
        articles=[low_article], statement=LOW, figure_text="8,125 tonnes", value=8125,
        unit="t", subject_initiative=depot,
    )  # fmt: skip
    make_claim(
        articles=[high_article], statement=HIGH, figure_text="9,340 tonnes", value=9340,
        unit="t", subject_initiative=depot,
    )  # fmt: skip
    low.entities.add(agency)
    claim_review(claim=low, status="disputed", user=None, note="Two figures in circulation.")
    return {"depot": depot, "agency": agency, "low": low, "low_article": low_article}


def surfaces(claim: Claim, depot, agency) -> dict[str, bool]:
    """Where ``claim`` shows, surface by surface."""
    reader = Client()
    _, raw = make_api_key(scopes=["read", "export"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")

    page = reader.get(f"/initiatives/{depot.slug}/").content.decode()
    key_figures = page.split('id="figures-title"', 1)[1]
    conflicts = re.findall(r'<section class="panel conflict".*?</section>', page, re.S)
    jsonld = [json.loads(block) for block in JSONLD.findall(page)]
    reviews = [r for block in jsonld for r in (block if isinstance(block, list) else [block])]
    detail = api.get(f"/api/v1/initiatives/{depot.slug}/").json()

    def exported(fmt: str) -> list[int]:
        response = api.get(f"/api/v1/export/claims.{fmt}")
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode()
        if fmt == "csv":
            return [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]
        return [json.loads(line)["id"] for line in text.splitlines()]

    return {
        "initiative key figures": claim.statement in key_figures,
        "initiative conflicts": any(claim.figure_text in block for block in conflicts),
        "ClaimReview JSON-LD": any(r.get("claimReviewed") == claim.statement for r in reviews),
        "claims page": claim.statement in reader.get("/claims/").content.decode(),
        "entity page": claim.statement in reader.get(f"/entities/{agency.slug}/").content.decode(),
        "API claims list": claim.pk
        in [c["id"] for c in api.get("/api/v1/claims/?page_size=200").json()["results"]],
        "API claim detail": api.get(f"/api/v1/claims/{claim.pk}/").status_code == 200,
        "API initiative conflicts": any(
            claim.pk in value["claims"] for c in detail["conflicts"] for value in c["values"]
        ),
        "export CSV": claim.pk in exported("csv"),
        "export JSON Lines": claim.pk in exported("jsonl"),
    }


def test_a_claim_shows_on_every_surface_while_its_article_is_published(record):
    shown = surfaces(record["low"], record["depot"], record["agency"])
    assert shown == dict.fromkeys(shown, True)


def test_hiding_the_only_article_stating_a_claim_hides_it_everywhere(record):
    assert article_hide(article=record["low_article"])
    shown = surfaces(record["low"], record["depot"], record["agency"])
    assert shown == dict.fromkeys(shown, False)


def test_a_second_visible_article_keeps_the_claim_everywhere(record):
    other = make_article(title="Another outlet repeats the low figure")
    ClaimAppearance.objects.create(
        claim=record["low"], article=other, sentence=LOW, location="body", position=0
    )
    # The high figure's own article must still disagree with this one for a conflict to show.
    assert article_hide(article=record["low_article"])
    shown = surfaces(record["low"], record["depot"], record["agency"])
    assert shown == dict.fromkeys(shown, True)
    # ...and the API names only the published article among the claim's articles.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key(name='solo')[1]}")
    assert api.get(f"/api/v1/claims/{record['low'].pk}/").json()["articles"] == [other.pk]


def test_a_sync_hears_of_a_claim_leaving_and_coming_back(record):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key(name='sync')[1]}")
    claim = record["low"]

    def pulled(since) -> dict[int, dict]:
        stamp = since.isoformat().replace("+00:00", "Z")
        rows = api.get("/api/v1/claims/", {"updated_since": stamp, "page_size": 200}).json()
        return {row["id"]: row for row in rows["results"]}

    synced = timezone.now()
    assert claim.pk not in pulled(synced)  # nothing changed yet
    article_hide(article=record["low_article"])
    row = pulled(synced)[claim.pk]  # the claim itself was not touched: its article was
    assert (row["deleted"], row["articles"]) == (True, [])
    assert api.get(f"/api/v1/claims/{claim.pk}/").status_code == 404

    synced = timezone.now()
    article_unhide(article=record["low_article"])
    row = pulled(synced)[claim.pk]
    assert (row["deleted"], row["articles"]) == (False, [record["low_article"].pk])
