"""A matcher built from changes finds exactly what one built from scratch finds.

Forms are drawn from a few words that overlap on purpose (prefixes, a form inside another,
acronyms, brands, separators), texts from the same words in any case with filler between.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.matching import ENTITY, INITIATIVE, KEYWORD, Matcher, Term

WORDS = (
    "China", "Northern", "Rare", "Earth", "US", "U.S.", "Project", "Vault", "The",
    "National", "Energy", "REAlloys", "MP", "Materials", "price", "floor",
)  # fmt: skip
FILLER = (" ", " ", " and ", ", ", " of ", "-", " dollars ", "$", "s ", "\n\n")

forms = st.builds(
    lambda words, dash: ("-" if dash else " ").join(words),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.booleans(),
)
terms = st.builds(
    Term, forms, st.sampled_from((ENTITY, INITIATIVE, KEYWORD)), st.integers(1, 6), st.booleans()
)
term_sets = st.lists(terms, max_size=14, unique=True)


def _spelled(word: str, case: int) -> str:
    return (word, word.lower(), word.upper())[case]


texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.integers(0, 2), st.sampled_from(FILLER)), max_size=24
).map(lambda parts: "".join(_spelled(word, case) + gap for word, case, gap in parts))


@pytest.fixture(autouse=True)
def _overlay_for_any_change(monkeypatch):
    # The real limits fold small sets' changes into a fresh compile; here every change stays
    # an overlay, so that path is the one compared.
    monkeypatch.setattr(Matcher, "OVERLAY_SHARE", 100.0)


def _found(matcher: Matcher, text: str) -> list[tuple[int, int, str, frozenset[Term]]]:
    return [(hit.start, hit.end, hit.text, frozenset(hit.terms)) for hit in matcher.find(text)]


@settings(max_examples=200, deadline=None)
@given(before=term_sets, after=term_sets, more=term_sets, samples=st.lists(texts, max_size=6))
def test_changes_find_what_a_fresh_build_finds(before, after, more, samples):
    built = Matcher(before)
    changed = Matcher(after, previous=built)
    changed_again = Matcher(after + more, previous=changed)  # the overlay grows from the base
    fresh, fresh_again = Matcher(after), Matcher(after + more)
    # Every form text appears in some sample, spelled as its term writes it.
    samples = [*samples, " ".join(term.text for term in after + more)]
    for text in samples:
        assert _found(changed, text) == _found(fresh, text), text
        assert _found(changed_again, text) == _found(fresh_again, text), text


def test_a_changed_matcher_compiles_only_the_changes():
    china = Term("China", ENTITY, 1)
    northern = Term("China Northern Rare Earth", ENTITY, 2)
    built = Matcher([china, northern])
    lynas = Term("Lynas", ENTITY, 3)
    changed = Matcher([china, northern, lynas], previous=built)
    assert built.compiled_afresh and not changed.compiled_afresh
    assert changed._pattern is built._pattern  # the big regex is reused, not recompiled
    assert [hit.terms for hit in changed.find("Lynas and China Northern Rare Earth")] == [
        (lynas,),
        (northern,),
    ]


def test_a_removed_form_gives_way_to_a_shorter_one_at_its_place():
    china = Term("China", ENTITY, 1)
    northern = Term("China Northern Rare Earth", ENTITY, 2)
    changed = Matcher([china], previous=Matcher([china, northern]))
    assert [(hit.text, hit.terms) for hit in changed.find("China Northern Rare Earth said")] == [
        ("China", (china,))
    ]


def test_too_many_changes_compile_afresh(monkeypatch):
    monkeypatch.setattr(Matcher, "OVERLAY_SHARE", 0.1)  # of 20 compiled forms: 2 changes
    names = [Term(f"Company {n}", ENTITY, n) for n in range(30)]
    built = Matcher(names[:20])
    assert not Matcher(names[:22], previous=built).compiled_afresh
    assert Matcher(names[:23], previous=built).compiled_afresh
    monkeypatch.setattr(Matcher, "MAX_OVERLAY", 1)
    assert Matcher(names[:22], previous=built).compiled_afresh
