"""Reading figures right: numbers in words, fractions, ranges, rates, counts of any noun, bounds,
what is not a figure; what a figure measures (``describe``); reporting verbs vs the noun."""

from decimal import Decimal

import pytest

from tracker.figures import (
    WORD_NUMBERS,
    Figure,
    clause_starts,
    describe,
    is_attributed,
    is_attribution_cue,
    parse_figures,
    unit_label,
)
from tracker.matching import NUMBER, Matcher, Term

D = Decimal


def only(text: str) -> Figure:
    (figure,) = parse_figures(text)
    return figure


def reading(figure: Figure) -> tuple:
    return (figure.value, figure.value_max, figure.unit, figure.per, figure.counted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ninety-five firms joined the alliance.", (D(95), None, "count", "", "firm")),
        ("twenty one smelters closed", (D(21), None, "count", "", "smelter")),
        ("a twelve-billion-dollar fund", (D("12e9"), None, "USD", "", "")),
        ("sixty percent of the ore", (D(60), None, "percent", "", "")),
        ("one hundred and twenty plants", (D(120), None, "count", "", "plant")),
        ("three hundred workers", (D(300), None, "count", "", "worker")),
        ("a dozen refiners", (D(12), None, "count", "", "refiner")),
        ("two dozen mines", (D(24), None, "count", "", "mine")),
        ("a million tonnes of ore", (D("1e6"), None, "t", "", "")),
        ("a million households", (D("1e6"), None, "count", "", "household")),
        ("a billion dollars", (D("1e9"), None, "USD", "", "")),
        ("three million tonnes", (D("3e6"), None, "t", "", "")),
        ("3.5 million tonnes", (D("3.5e6"), None, "t", "", "")),
        ("five billion euros", (D("5e9"), None, "EUR", "", "")),
        # Fractions are shares of a whole, in percent.
        ("two-thirds of the world's supply", (D("66.666667"), None, "percent", "", "")),
        ("a quarter of global output", (D(25), None, "percent", "", "")),
        ("half of all separation plants", (D(50), None, "percent", "", "")),
        ("one-fifth of demand", (D(20), None, "percent", "", "")),
        ("three quarters of the deposits", (D(75), None, "percent", "", "")),
        ("a fourth of refining", (D(25), None, "percent", "", "")),
    ],
)
def test_numbers_in_words_and_fractions(text, expected):
    assert reading(only(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a $2.5trn stimulus", (D("2.5e12"), None, "USD", "", "")),
        ("a $1.2-billion loan", (D("1.2e9"), None, "USD", "", "")),
        ("A$500m for the plant", (D("5e8"), None, "AUD", "", "")),
        ("RMB 3 billion in subsidies", (D("3e9"), None, "CNY", "", "")),
        ("10 billion yuan", (D("1e10"), None, "CNY", "", "")),
        ("500 million Canadian dollars", (D("5e8"), None, "CAD", "", "")),
        ("50\u00a0000 tonnes of ore", (D(50000), None, "t", "", "")),
        ("a 1,000-tonne plant", (D(1000), None, "t", "", "")),
        ("5 Mt of ore", (D("5e6"), None, "t", "", "")),
    ],
)
def test_currencies_and_magnitudes(text, expected):
    assert reading(only(text)) == expected


def test_a_fraction_keeps_its_words_and_bound():
    figure = only("Suppliers hold roughly two-thirds of the market.")
    assert (figure.text, figure.bound) == ("roughly two-thirds", "about")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("output grew from 4,300 to 8,900 tonnes", (D(4300), D(8900), "t", "", "")),
        ("from 4,300 tonnes to 8,900 tonnes", (D(4300), D(8900), "t", "", "")),
        ("between $2 and $3 billion", (D("2e9"), D("3e9"), "USD", "", "")),
        ("between 5% and 7% of revenue", (D(5), D(7), "percent", "", "")),
        ("a 5-7% discount", (D(5), D(7), "percent", "", "")),
        ("dilution of 8%–16%", (D(8), D(16), "percent", "", "")),
        ("85–90% of separation", (D(85), D(90), "percent", "", "")),
        ("$12–$15 per pound", (D(12), D(15), "USD", "lb", "")),
        ("five to seven years", (D(5), D(7), "count", "", "year")),
        ("200-300 MW of turbines", (D(200), D(300), "MW", "", "")),
    ],
)
def test_ranges_keep_both_ends(text, expected):
    assert reading(only(text)) == expected


@pytest.mark.parametrize(
    ("text", "quoted", "expected"),
    [
        ("capacity passed 1,840 GW, or about 1.8 TW, in May", "1,840 GW, or about 1.8 TW",
         (D(1840), None, "GW", "", "")),
        ("capacity of 1,840 GW (about 1.8 TW) in 2025", "1,840 GW (about 1.8 TW)",
         (D(1840), None, "GW", "", "")),
        ("a grant of $1.2 billion, i.e. $1,200 million, for", "$1.2 billion, i.e. $1,200 million",
         (D("1.2e9"), None, "USD", "", "")),
        ("1,000 MW or 1 GW of turbines", "1,000 MW or 1 GW", (D(1000), None, "MW", "", "")),
        ("800 kg, or 0.8 tonnes, of oxide", "800 kg, or 0.8 tonnes", (D("0.8"), None, "t", "", "")),
    ],
)  # fmt: skip
def test_a_figure_restated_in_other_units_is_one_figure(text, quoted, expected):
    figure = only(text)
    assert (figure.text, reading(figure)) == (quoted, expected)


@pytest.mark.parametrize(
    "text",
    [
        "5 GW or 7 GW of turbines",  # two values: a choice, not a restatement
        "2,000 tonnes, or about 1.8 kt",  # 2,000 does not round to 1.8 thousand
        "500 tonnes, or 2% of supply",  # a share of something else
        "12 plants, or 1,200 tonnes",
        "40 GW, or up to 41 GW",  # a new bound is a new statement
    ],
)
def test_different_figures_side_by_side_stay_two(text):
    assert len(parse_figures(text)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000 tonnes a year of oxide", (D(1000), None, "t/yr", "", "")),
        ("1,000 tonnes per annum", (D(1000), None, "t/yr", "", "")),
        ("1,000 tonnes annually", (D(1000), None, "t/yr", "", "")),
        ("a 1,000 tpa plant", (D(1000), None, "t/yr", "", "")),
        ("2 ktpa of capacity", (D(2000), None, "t/yr", "", "")),
        ("500 tonnes a month", (D(500), None, "t", "month", "")),
        ("$110 per kilogram", (D(110), None, "USD", "kg", "")),
        ("$110/kg", (D(110), None, "USD", "kg", "")),
        ("$4,000 a tonne", (D(4000), None, "USD", "t", "")),
        ("$60 per kg NdPr oxide", (D(60), None, "USD", "kg", "")),
        ("$75/lb", (D(75), None, "USD", "lb", "")),
        ("5 GW a year", (D(5), None, "GW", "yr", "")),
        ("$5 billion a year", (D("5e9"), None, "USD", "yr", "")),
        ("$2 billion annually", (D("2e9"), None, "USD", "yr", "")),
        ("$1.25 per share", (D("1.25"), None, "USD", "share", "")),
        ("40 trucks a day", (D(40), None, "count", "day", "truck")),
        ("800 kg of dysprosium", (D("0.8"), None, "t", "", "")),
        ("1,684 tonnes a year earlier", (D(1684), None, "t", "", "")),
        ("1,000 tonnes of magnets a year", (D(1000), None, "t/yr", "", "")),
        ("6,000 tonnes of NdPr oxide per year", (D(6000), None, "t/yr", "", "")),
        ("500 tonnes of ore a day", (D(500), None, "t", "day", "")),
        ("300 tonnes of concentrate a year earlier", (D(300), None, "t", "", "")),
        ("1,000 tonnes of magnets and a year later", (D(1000), None, "t", "", "")),
        ("sales of $3 billion a month ago", (D("3e9"), None, "USD", "", "")),
    ],
)
def test_rates_and_unit_prices_keep_their_denominator(text, expected):
    assert reading(only(text)) == expected


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("the registry lists 987 enterprises", "enterprise"),
        ("quotas cover 26 provinces", "province"),
        ("12 new smelters opened", "smelter"),
        ("three rare-earth refineries", "refinery"),
        ("4 processing facilities", "facility"),
        ("11 separation processes", "process"),
        ("7 magnet makers signed", "maker"),
        ("5 companies signed offtake deals", "company"),
        ("Six critical minerals summits", "summit"),
        ("300 people attended", "person"),
        ("17 rare earths", "rare earth"),
        ("2 percentage points", "percentage point"),
        ("1,200 U.S. jobs", "job"),
        ("1 million EVs a year", "EV"),
    ],
)
def test_counts_of_any_plural_noun(text, counted):
    figure = only(text)
    assert (figure.unit, figure.counted) == ("count", counted)


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("up to $10 billion", "up to"),
        ("as much as $3 billion", "up to"),
        ("about 90%", "about"),
        ("dominant—roughly 70% of mining", "about"),
        ("roughly 300 GW", "about"),
        ("~8%", "about"),
        ("an estimated 40 mines", "about"),
        ("more than 50 countries", "more than"),
        ("over 1,700 motors", "more than"),
        ("upward of 1,700 motors", "more than"),
        ("upwards of 40 mines", "more than"),
        ("10,000+ workers", "more than"),
        ("3,400+ tpa", "more than"),
        ("at least 5 plants", "at least"),
        ("less than 1%", "less than"),
        ("below $25/t", "less than"),
        ("fewer than 20 firms", "less than"),
        ("$10 billion", ""),
    ],
)
def test_bounds_are_normalized(text, bound):
    assert only(text).bound == bound


@pytest.mark.parametrize(
    "text",
    [
        "In 2025, output rose.",
        "the 2025-2030 targets",
        "by 2027 projects will start",
        "See page 10 and Q1 2026.",
        "Section 232 tariffs apply.",
        "Article 5 members met.",
        "The F-35 jets and COVID-19 cases",
        "Phase 2 partners agreed.",
        "On March 5 leaders met.",
        "aged 45 years",
        "the meeting at 10:30 am",
        "as shown in [12] and (34)",
        "in the first half of 2025",
        "over a quarter of a century",
        "the third largest producer",
        "one analyst said",
        "zero emissions",
        "a five-year plan and a 10-year offtake",
        "a 10 year development timeline",
        "the 14th Five-Year Plan",
        "Treasury + ~150 bps",
        "500 million Hong Kong dollars",
        "5 million pounds of uranium",
        "90 kilometers of range",
        "Scope 3 emissions",
        "the founder, 80 years old, retired",
        "a G7 summit and COP28 talks",
        "in the 1990s",
        "Japan's agency pledged ¥20 billion.",
    ],
)
def test_labels_dates_and_names_are_not_figures(text):
    assert parse_figures(text) == []


SENTENCES = [
    "Ninety-five firms applied and one hundred and twenty were turned away.",
    "Roughly two-thirds of the ore, about a quarter of the metal and half of the magnets.",
    "A twelve-billion-dollar plan adds three hundred workers and a dozen plants.",
    "Between two and three billion dollars will flow; sixty percent goes to mining.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_number_words_found_by_the_matcher_read_the_same(text):
    matcher = Matcher(Term(word, NUMBER, value) for word, value in WORD_NUMBERS.items())
    spans = [(hit.start, hit.end) for hit in matcher.find(text)]
    assert parse_figures(text, spans) == parse_figures(text)
    assert parse_figures(text)


def test_unit_labels():
    assert unit_label("USD", "kg") == "USD/kg"
    assert unit_label("t/yr", "") == "t/yr"
    assert unit_label("percent", "") == "percent"
    assert unit_label("count", "") == "count"


# --- describe -------------------------------------------------------------------------------


def context(text: str, index: int = 0):
    """describe() for the index-th figure, on its clause as extraction cuts it."""
    figure = parse_figures(text)[index]
    starts = [*clause_starts(text), len(text)]
    start = max(s for s in starts[:-1] if s <= figure.start)
    end = min(s for s in starts[1:] if s > figure.start)
    return describe(text, figure, start, end)


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("China refines 90% of the world's rare earths.", "share of refining"),
        ("China makes 90% of the world's magnets.", "share of magnet production"),
        ("The country accounts for 90% of global refining.", "share of refining"),
        ("It controls 85% of processing capacity.", "share of processing"),
        ("Miners there hold a 70% share of cobalt supply.", "share of supply"),
        ("Beijing has 60% of mining.", "share of mining"),
        ("China produces 90% of global magnet output.", "share of magnet production"),
        ("Its refining share is 88%.", "share of refining"),
        ("China's share of global refining is 90%.", "share of refining"),
        ("In refining, China's grip reaches 90%.", "share of refining"),
        ("Quarterly revenue rose to A$201 million.", "revenue"),
        ("Exports fell from 900 to 700 tonnes.", "exports"),
        ("Renewables are 47% of installed capacity.", "share of capacity"),
        ("The bank approved a $10 billion loan.", "loan"),
        ("The bank approved loans of $10 billion.", "loan"),
        ("The bank approved $10 billion in long-term loans.", "loan"),
        ("The bank approved a $10 billion Export-Import Bank loan.", "loan"),
        ("Investors added $2 billion in private capital.", "private capital"),
        ("The fund will invest $500 million.", "investment"),
        ("The plant has a production capacity of 5,000 tonnes.", "capacity"),
        ("They built a 5,000 tpa refinery.", "capacity"),
        ("The mine produced 40,000 tonnes of concentrate.", "production"),
        ("Exports reached 3,000 tonnes.", "exports"),
        ("A floor price of $110/kg applies.", "price"),
        ("Oxide sold at $60 per kg.", "price"),
        ("A 25% tariff applies.", "tariff"),
        ("Tariffs of 25% apply.", "tariff"),
        ("The state took a 10% stake.", "stake"),
        ("Sales rose 12%.", "growth"),
        ("Exports were down 8%.", "decline"),
        ("The government stockpiled 500 tonnes.", "stockpile"),
        ("The registry lists 987 enterprises.", "enterprise"),
        ("The deposit grades 800 ppm.", "grade"),
    ],
)
def test_measure_comes_from_the_clause_words(text, measure):
    assert context(text).measure == measure


def test_after_a_change_the_amount_measures_what_changed():
    text = "Quarterly revenue rose 42% to A$201 million."
    assert (context(text, 0).measure, context(text, 1).measure) == ("growth", "revenue")


def test_same_figure_different_measures_differ():
    refining = context("Analysts say China refines 90% of the rare earths it mines.")
    magnets = context("Analysts say China makes 90% of the world's magnets.")
    assert refining.measure != magnets.measure


def test_a_figure_takes_no_measure_from_another_figures_noun():
    # "stockpile" belongs to the $12 billion; the $10 billion after the comma says nothing.
    text = "Vault is a $12 billion stockpile, seeded with $10 billion from a lender."
    assert (context(text, 0).measure, context(text, 1).measure) == ("stockpile", "")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Output reached 5,000 tonnes in 2024.", "2024"),
        ("In Q3 2025, output reached 5,000 tonnes.", "2025-Q3"),
        ("In the second quarter of 2025 output was 5,000 tonnes.", "2025-Q2"),
        ("In March 2026 prices hit $60/kg.", "2026-03"),
        ("Output should reach 5,000 tonnes by 2030.", "by 2030"),
        ("Output should reach 5,000 tonnes by the end of 2027.", "by 2027"),
        ("A credit line of $250 million by year-end 2026.", "by 2026"),
        ("Output reached 5,000 tonnes.", ""),
        ("It expects 10,500 tonnes per annum by fiscal 2027.", "by 2027"),
    ],
)
def test_period(text, period):
    assert context(text).period == period


@pytest.mark.parametrize(
    ("text", "outlook"),
    [
        ("Output will reach 5,000 tonnes.", "forecast"),
        ("Output is expected to reach 5,000 tonnes.", "forecast"),
        ("Output could reach 5,000 tonnes.", "forecast"),
        ("Output of 5,000 tonnes by 2030.", "forecast"),
        ("The company aims to produce 5,000 tonnes.", "target"),
        ("Its goal is 5,000 tonnes.", "target"),
        ("The firm plans to produce 5,000 tonnes.", "target"),
        ("Output reached 5,000 tonnes.", ""),
        ("By 2024 output had reached 5,000 tonnes.", ""),
        ("In May 2025 output reached 5,000 tonnes.", ""),
        ("Project Alpha shipped 5,000 tonnes.", ""),
        ("It made 90% of magnets, according to a body which forecasts more by 2040.", ""),
        ("EXIM lent $10 billion to Vault, a partnership that will buy minerals.", ""),
    ],
)
def test_outlook(text, outlook):
    assert context(text).outlook == outlook


def test_by_a_past_year_is_no_forecast_when_the_year_is_known():
    text = "Output of 5,000 tonnes by 2024."
    figure = only(text)
    assert describe(text, figure, 0, len(text), year=2026).outlook == ""
    assert describe(text, figure, 0, len(text), year=2023).outlook == "forecast"


@pytest.mark.parametrize(
    ("text", "implausible"),
    [
        ("The bank approved $10 in long-term loans.", "a loan of $10: missing magnitude?"),
        ("A stockpile of $12 was announced.", "a stockpile of $12: missing magnitude?"),
        ("China holds 120% of refining.", "a share of 120%: more than the whole"),
        ("The bank approved $10 billion in loans.", ""),
        ("Oxide sold at $60 per kg.", ""),
        ("Revenue per ton ($12) is low.", ""),
        ("Shares closed at $21.50.", ""),
        ("Sales rose 150%.", ""),
    ],
)
def test_implausible_values_are_flagged_not_dropped(text, implausible):
    assert parse_figures(text)  # still read
    assert context(text).implausible == implausible


# --- attribution ----------------------------------------------------------------------------


def cue(text: str, word: str) -> bool:
    start = text.index(word)
    return is_attribution_cue(text, start, start + len(word))


@pytest.mark.parametrize(
    ("text", "word", "reporting"),
    [
        ("The company claims that output doubled.", "claims", True),
        ("The company claims 158 patent filings.", "claims", True),
        ("Output doubled, the company claims.", "claims", True),
        ("China Claims Major Advances in Wind", "Claims", True),
        ("The minister said output doubled.", "said", True),
        ("Output doubled, she says.", "says", True),
        ("Output doubled, according to the ministry.", "according to", True),
        ("Output reportedly doubled.", "reportedly", True),
        ("Output rose, and said it would rise again.", "said", True),
        ("Reviewing F-35 radar claims", "claims", False),
        ("The claims were withdrawn.", "claims", False),
        ("Such claims are hard to verify.", "claims", False),
        ("Its claims of a breakthrough drew doubt.", "claims", False),
        ("The said company filed.", "said", False),
        ("Work proceeds according to plan.", "according to", False),
        ("Analysts say the plant will open in 2027.", "say", True),
        ("The deal is worth $12 billion, analysts claim.", "claim", True),
        ("Residents will have a say in the plan.", "say", False),
        ("The company filed a claim for damages.", "claim", False),
    ],
)
def test_attribution_cue_is_a_reporting_verb_not_the_noun(text, word, reporting):
    assert cue(text, word) is reporting


def test_a_sentence_with_only_the_noun_is_not_attributed():
    assert not is_attributed("The claims were withdrawn after review.")
    assert is_attributed("The firm claims output doubled.")
