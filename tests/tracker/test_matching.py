"""One-pass name matching: word boundaries, case rules for acronyms, longest form wins."""

from tracker.matching import ENTITY, INITIATIVE, KEYWORD, KeywordCounter, Matcher, Term

FORGE = Term("FORGE", INITIATIVE, 1)
CHIPS = Term("CHIPS", INITIATIVE, 2)
RIGI = Term("RIGI", INITIATIVE, 3)
VAULT = Term("Project Vault", INITIATIVE, 4)
US = Term("US", ENTITY, 10)
US_DOTS = Term("U.S.", ENTITY, 10)
EXIM = Term("EXIM", ENTITY, 11)
EXIM_LONG = Term("U.S. Export-Import Bank", ENTITY, 11)
NATIONAL = Term("The National", ENTITY, 12)
NEA = Term("National Energy Administration", ENTITY, 13)
DOD = Term("DoD", ENTITY, 14)
CHINA = Term("China", ENTITY, 15)
PRICE_FLOOR = Term("price floor", KEYWORD, 20)

MATCHER = Matcher(
    [
        FORGE,
        CHIPS,
        RIGI,
        VAULT,
        US,
        US_DOTS,
        EXIM,
        EXIM_LONG,
        NATIONAL,
        NEA,
        DOD,
        CHINA,
        PRICE_FLOOR,
    ]
)


def found(text: str) -> list[tuple[str, int]]:
    return [(hit.text, hit.terms[0].target) for hit in MATCHER.find(text)]


def test_acronyms_do_not_match_ordinary_words():
    text = (
        "Allies forge ahead and Forge a pact; potato chips and Chips; an origin story; "
        "rigid rules; Rigi is a mountain; let us talk; dod and Dod."
    )
    assert found(text) == []


def test_acronyms_match_as_written():
    text = "FORGE, the CHIPS Act, Argentina's RIGI, the US and DoD."
    assert found(text) == [("FORGE", 1), ("CHIPS", 2), ("RIGI", 3), ("US", 10), ("DoD", 14)]


def test_no_partial_words():
    assert found("Chinese firms; Chinas; ProjectVault; Project Vaults; FORGEd") == []


def test_capitalized_names_need_their_capital_but_survive_headline_capitals():
    assert found("china clay and project vault") == []
    assert found("CHINA AND PROJECT VAULT") == [("CHINA", 15), ("PROJECT VAULT", 4)]


def test_the_longer_of_two_overlapping_names_wins():
    assert found("The U.S. Export–Import Bank said") == [("U.S. Export–Import Bank", 11)]
    assert found("The National Energy Administration said; The National reported") == [
        ("National Energy Administration", 13),
        ("The National", 12),
    ]


def test_separators_are_loose_inside_a_name():
    assert found("Project\n Vault; price-floor; price  floor") == [
        ("Project\n Vault", 4),
        ("price-floor", 20),
        ("price  floor", 20),
    ]


def test_a_currency_prefix_is_not_a_country():
    assert found("US$1.8bn for the US") == [("US", 10)]


def test_exact_terms_match_only_as_written():
    matcher = Matcher([Term("REEx", ENTITY, 1, exact=True)])
    assert [hit.text for hit in matcher.find("REEx, reex, REEX")] == ["REEx"]


def test_keyword_counter_counts_whole_words_in_any_case():
    counter = KeywordCounter(["stockpile", "price floor"])
    counts = counter.count("Stockpile, stockpiles, STOCKPILE; price floors and a price-floor.")
    assert counts == {"stockpile": 2, "price floor": 1}


def test_a_brand_in_mixed_case_matches_whatever_its_inner_capitals():
    matcher = Matcher([Term("REAlloys", ENTITY, 1), Term("AltynGroup Holdings", ENTITY, 2)])
    text = "REalloys, ReAlloys, REALLOYS and REAlloys; Altyngroup Holdings; realloys; altyngroup"
    assert [(h.text, h.terms[0].target) for h in matcher.find(text)] == [
        ("REalloys", 1),
        ("ReAlloys", 1),
        ("REALLOYS", 1),
        ("REAlloys", 1),
        ("Altyngroup Holdings", 2),
    ]


def test_short_acronyms_keep_their_case_rules():
    matcher = Matcher([Term("IT", ENTITY, 1), Term("MP", ENTITY, 2), US, DOD])
    assert [h.text for h in matcher.find("it is up to us, mp, Mp, Dod, DOD; IT and MP and US")] == [
        "IT",
        "MP",
        "US",
    ]


def test_a_country_before_a_currency_word_names_the_currency():
    canada = Term("Canada", ENTITY, 30)
    matcher = Matcher([US, US_DOTS, CHINA, canada, Term("United States", ENTITY, 10)])
    text = (
        "Prices in U.S. dollars, a US-dollar peg, United States dollar bonds, 40 US cents, "
        "the Canada Dollar and US$5; China yuan."
    )
    assert matcher.find(text) == []
    assert [h.text for h in matcher.find("The U.S. won the bid and China said so.")] == [
        "U.S.",
        "China",
    ]


def test_a_number_word_before_a_currency_word_is_still_a_number():
    matcher = Matcher([Term("twelve", "number", 12)])
    assert [h.text for h in matcher.find("twelve dollars")] == ["twelve"]
