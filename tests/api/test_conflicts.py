"""Partners see the same conflicts as the pages and the admin, and are told when they change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.http import http_date

from tests.factories import add_rival_vault_report
from tracker.models import Claim, Initiative
from tracker.services.claims import claim_review

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def test_initiative_detail_reports_the_project_vault_conflict(api, sample_tracker):
    assert api.get("/api/v1/initiatives/project-vault/").json()["conflicts"] == []
    add_rival_vault_report()

    body = api.get("/api/v1/initiatives/project-vault/").json()

    usd = next(c for c in body["conflicts"] if c["unit"] == "USD")
    assert (usd["measure"], usd["per"], usd["verified"]) == ("loan", "", None)
    values = {Decimal(v["value"]) for v in usd["values"]}
    assert values == {Decimal("10000000000"), Decimal("8000000000")}
    ten = next(v for v in usd["values"] if Decimal(v["value"]) == Decimal("10000000000"))
    assert set(Claim.objects.filter(pk__in=ten["claims"]).values_list("value", flat=True)) == {
        Decimal("10000000000")
    }
    assert "conflicts" not in api.get("/api/v1/initiatives/").json()["results"][0]


def test_a_verdict_on_a_claim_moves_the_initiative_detail_last_modified(api, sample_tracker):
    # The initiative itself last changed a day ago; only a claim about it changes now.
    Initiative.objects.filter(slug="project-vault").update(updated_at=timezone.now() - DAY)
    vault = Initiative.objects.get(slug="project-vault")
    claim = Claim.objects.about_initiative(vault).with_figure().first()

    claim_review(claim=claim, status="disputed", user=None, note="Sources differ.")
    claim.refresh_from_db()

    response = api.get("/api/v1/initiatives/project-vault/")
    assert claim.updated_at > vault.updated_at
    assert response["Last-Modified"] == http_date(claim.updated_at.timestamp())
