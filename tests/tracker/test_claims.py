"""Figures, normalized; sentences and clauses."""

from decimal import Decimal

import pytest

from tracker.figures import (
    clause_starts,
    comparable,
    is_attributed,
    parse_figures,
    sentence_at,
    sentence_starts,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value", "value_max", "unit", "per_or_counted"),
    [
        ("EXIM approved up to $10 billion in loans", D("1e10"), None, "USD", ""),
        ("a US$1.8bn platform", D("1.8e9"), None, "USD", ""),
        ("a €500 million fund", D("5e8"), None, "EUR", ""),
        ("a £12 million grant", D("1.2e7"), None, "GBP", ""),
        ("a $1.6B framework", D("1.6e9"), None, "USD", ""),
        ("500 million euros", D("5e8"), None, "EUR", ""),
        ("$8.6 billionwith the U.S.", D("8.6e9"), None, "USD", ""),
        ("revenue of $12–$15 per ton", D(12), D(15), "USD", "t"),
        ("a floor near ~$110/kg", D(110), None, "USD", "kg"),
        ("China holds 70% of mining", D(70), None, "percent", ""),
        ("dilution of ~8%–16%", D(8), D(16), "percent", ""),
        ("ten percent of supply", D(10), None, "percent", ""),
        ("6,000 tonnes per year of NdPr", D(6000), None, "t/yr", ""),
        ("275 tpa Dy+Tb", D(275), None, "t/yr", ""),
        ("25,000 metric tons annually", D(25000), None, "t/yr", ""),
        ("247.8 kt of copper", D(247800), None, "t", ""),
        ("1.8 terawatts of wind and solar", D("1.8"), None, "TW", ""),
        ("about 300 GW more", D(300), None, "GW", ""),
        ("a 20-MW turbine", D(20), None, "MW", ""),
        ("~160-200 ppm of heavy oxides", D(160), D(200), "ppm", ""),
        ("delivered 1,700 rare-earth permanent-magnet motors", D(1700), None, "count", "motor"),
        ("seven product families", D(7), None, "count", "family"),
        ("16.1 million common shares", D("1.61e7"), None, "count", "share"),
    ],
)
def test_figures_are_normalized(text, value, value_max, unit, per_or_counted):
    (figure,) = parse_figures(text)
    assert (figure.value, figure.value_max, figure.unit, figure.per or figure.counted) == (
        value,
        value_max,
        unit,
        per_or_counted,
    )


def test_figure_text_keeps_its_lead_in():
    (figure,) = parse_figures("EXIM approved up to $10 billion in loans")
    assert figure.text == "up to $10 billion"


@pytest.mark.parametrize(
    "text",
    [
        "In 2025, output rose.",
        "See page 10 and Q1 2026.",
        "Journal of Magnets 12, 34567 (2024). DOI: 10.1000/x12345-024-55555-1",
        "the 14th Five-Year Plan and a 10-year offtake",
        "by 2027 projects will start",
        "Treasury + ~150 bps",
    ],
)
def test_bare_numbers_are_not_figures(text):
    assert parse_figures(text) == []


def test_a_price_per_tonne_is_money_not_tonnage():
    (figure,) = parse_figures("tin above $50,000/tonne")
    assert (figure.unit, figure.per, figure.value) == ("USD", "t", D(50000))


def test_capacity_compares_across_units():
    assert comparable(D("1.8"), "TW") == (D("1800.0"), "GW")
    assert comparable(D(20), "MW") == (D("0.020"), "GW")
    assert comparable(D(5), "USD") == (D(5), "USD")


def test_sentences_do_not_break_after_initials_or_abbreviations():
    text = "The U.S. says it will act. J. D. Vance spoke. Thomas R. Hardy agreed.\nA new line"
    starts = sentence_starts(text)
    spans = [sentence_at(text, starts, start) for start in starts]
    assert [text[a:b] for a, b in spans] == [
        "The U.S. says it will act.",
        "J. D. Vance spoke.",
        "Thomas R. Hardy agreed.",
        "A new line",
    ]


def test_clauses_split_before_a_new_figure_not_inside_a_pair_of_names():
    sentence = "Mutanda and KCC got $10 billion from EXIM and $2 billion from others"
    starts = clause_starts(sentence)
    assert [sentence[s:e] for s, e in zip(starts, [*starts[1:], len(sentence)], strict=True)] == [
        "Mutanda and KCC got $10 billion from EXIM ",
        "and $2 billion from others",
    ]


def test_attribution_cues():
    assert is_attributed("The company says output doubled.")
    assert is_attributed("According to Reuters, talks stalled.")
    assert not is_attributed("Output doubled.")
