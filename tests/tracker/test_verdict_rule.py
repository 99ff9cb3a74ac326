"""The claim-verdict rule (``Claim.verdict_errors``) and the four paths that record a verdict:
the service, the admin's change form, the admin's bulk action and the public pages' form. Each
refuses exactly what the rule refuses, and leaves the claim as it was."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_admin_editor, make_claim, make_editor
from tracker.forms import ClaimReviewForm
from tracker.models import Claim
from tracker.services import claims as claim_services

EVIDENCE = "https://www.exim.gov/news/vault"

# (status, evidence URL, note) -> the field the rule says is missing, or None.
CASES = [
    ("verified", "", "", "evidence_url"),
    ("verified", "", "A note is not evidence.", "evidence_url"),
    ("verified", EVIDENCE, "", None),
    ("false", "", "", "review_note"),
    ("false", "", "Misread the filing.", None),
    ("false", EVIDENCE, "", None),
    ("disputed", "", "", None),
    ("unverified", "", "", None),
]
REFUSED = [case[:3] for case in CASES if case[3]]
ACCEPTED = [case[:3] for case in CASES if not case[3]]


@pytest.mark.parametrize(("status", "evidence_url", "note", "missing"), CASES)
def test_the_rule_names_what_a_verdict_lacks(status, evidence_url, note, missing):
    errors = Claim.verdict_errors(status=status, evidence_url=evidence_url, note=note)
    assert list(errors) == ([missing] if missing else [])


def test_the_public_form_applies_the_rule_without_a_database():
    for status, evidence_url, note, missing in CASES:
        form = ClaimReviewForm({"status": status, "evidence_url": evidence_url, "note": note})
        expected = {"review_note": "note"}.get(missing, missing)
        assert list(form.errors) == ([expected] if missing else []), (status, evidence_url, note)


def _unchanged(claim: Claim) -> bool:
    claim.refresh_from_db()
    return (claim.status, claim.reviewed_at, claim.evidence_url, claim.review_note) == (
        "unverified", None, "", "",
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "evidence_url", "note"), REFUSED)
def test_the_service_refuses_what_the_rule_refuses(status, evidence_url, note):
    claim = make_claim()
    with pytest.raises(ValidationError) as refused:
        claim_services.claim_review(
            claim=claim, status=status, user=None, evidence_url=evidence_url, note=note
        )
    rule = Claim.verdict_errors(status=status, evidence_url=evidence_url, note=note)
    assert refused.value.message_dict == {field: [message] for field, message in rule.items()}
    assert _unchanged(claim)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "evidence_url", "note"), REFUSED)
def test_the_admin_change_form_refuses_what_the_rule_refuses(client, status, evidence_url, note):
    client.force_login(make_admin_editor())
    claim = make_claim()
    response = client.post(
        reverse("admin:tracker_claim_change", args=[claim.pk]),
        {"status": status, "evidence_url": evidence_url, "review_note": note,
         "appearances-TOTAL_FORMS": 0, "appearances-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 200
    (field,) = Claim.verdict_errors(status=status, evidence_url=evidence_url, note=note)
    assert field in response.context["adminform"].form.errors
    assert _unchanged(claim)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "evidence_url", "note"), REFUSED)
def test_the_admin_bulk_action_refuses_what_the_rule_refuses(client, status, evidence_url, note):
    client.force_login(make_admin_editor())
    claims = [make_claim(), make_claim()]
    response = client.post(
        reverse("admin:tracker_claim_changelist"),
        {"action": f"mark_{status}", "_selected_action": [c.pk for c in claims], "apply": "1",
         "status": status, "evidence_url": evidence_url, "note": note},
    )  # fmt: skip
    assert response.status_code == 200
    (field,) = Claim.verdict_errors(status=status, evidence_url=evidence_url, note=note)
    assert {"review_note": "note"}.get(field, field) in response.context["form"].errors
    assert all(_unchanged(claim) for claim in claims)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "evidence_url", "note"), REFUSED)
def test_the_public_form_refuses_what_the_rule_refuses(client, status, evidence_url, note):
    client.force_login(make_editor())
    claim = make_claim()
    response = client.post(
        f"/claims/{claim.pk}/review/",
        {"status": status, "evidence_url": evidence_url, "note": note},
        follow=True,
    )
    (message,) = Claim.verdict_errors(status=status, evidence_url=evidence_url, note=note).values()
    assert "Claim not changed" in response.content.decode()
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert _unchanged(claim)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "evidence_url", "note"), ACCEPTED)
def test_every_path_records_what_the_rule_accepts(client, status, evidence_url, note):
    client.force_login(make_admin_editor())
    by_service, by_change_form, by_action, by_public_form = (make_claim() for _ in range(4))
    claim_services.claim_review(
        claim=by_service, status=status, user=None, evidence_url=evidence_url, note=note
    )
    client.post(
        reverse("admin:tracker_claim_change", args=[by_change_form.pk]),
        {"status": status, "evidence_url": evidence_url, "review_note": note,
         "appearances-TOTAL_FORMS": 0, "appearances-INITIAL_FORMS": 0},
    )  # fmt: skip
    client.post(
        reverse("admin:tracker_claim_changelist"),
        {"action": f"mark_{status}", "_selected_action": [by_action.pk], "apply": "1",
         "status": status, "evidence_url": evidence_url, "note": note},
    )  # fmt: skip
    client.force_login(make_editor())
    client.post(
        f"/claims/{by_public_form.pk}/review/",
        {"status": status, "evidence_url": evidence_url, "note": note},
    )
    for claim in (by_service, by_change_form, by_action, by_public_form):
        claim.refresh_from_db()
        assert (claim.status, claim.evidence_url, claim.review_note) == (status, evidence_url, note)


@pytest.mark.django_db
def test_evidence_already_on_the_claim_counts_on_the_public_form_as_in_the_service(client):
    claim = make_claim()
    claim_services.claim_review(claim=claim, status="verified", user=None, evidence_url=EVIDENCE)
    claim_services.claim_review(claim=claim, status="disputed", user=None)
    client.force_login(make_editor())
    client.post(f"/claims/{claim.pk}/review/", {"status": "verified"})
    claim.refresh_from_db()
    assert (claim.status, claim.evidence_url) == ("verified", EVIDENCE)
