"""The rule deciding which figures of one measure are rivals (``tracker.conflicts``), over plain
values: no database."""

from decimal import Decimal
from types import SimpleNamespace

from tracker.conflicts import Measure, conflicts_among, explained_by_facts, measure_of

INITIATIVE = object()  # the rule only carries it into each conflict
_pks = iter(range(1, 10_000))


def claim(value, unit="USD", *, measure="loan", per="", status="unverified", implausible="",
          value_max=None):  # fmt: skip
    return SimpleNamespace(
        pk=next(_pks),
        value=Decimal(value),
        value_max=Decimal(value_max) if value_max is not None else None,
        unit=unit,
        per=per,
        measure=measure,
        status=status,
        implausible=implausible,
    )


def stated(*pairs) -> dict[int, set[int]]:
    """Articles stating each claim: stated((claim, {1, 2}), ...)."""
    return {c.pk: set(articles) for c, articles in pairs}


def values(conflict) -> list[Decimal]:
    return [value.value for value in conflict.values]


def test_values_that_different_articles_give_instead_of_each_other_are_rivals():
    ten, twelve = claim("10e9"), claim("12e9")
    (conflict,) = conflicts_among(INITIATIVE, [ten, twelve], stated((ten, {1}), (twelve, {2, 3})))
    assert conflict.initiative is INITIATIVE
    assert values(conflict) == [Decimal("12e9"), Decimal("10e9")]  # largest first
    assert (conflict.measure, conflict.unit, conflict.what) == ("loan", "USD", "loan USD")
    assert (ten.article_count, twelve.article_count) == (1, 2)
    assert not conflict.resolved


def test_a_smaller_amount_stated_only_beside_a_larger_one_is_a_part_of_it():
    total, private = claim("12e9"), claim("2e9")
    articles = stated((total, {1, 2}), (private, {1}))
    assert conflicts_among(INITIATIVE, [total, private], articles) == []


def test_values_the_reference_facts_account_for_are_not_rivals():
    loan, total = claim("10e9"), claim("12e9")
    articles = stated((loan, {1}), (total, {2}))
    facts = [(Decimal("10e9"), "USD"), (Decimal("2e9"), "USD")]  # 12e9 is their sum
    assert explained_by_facts(facts) == {
        (Decimal("10e9").normalize(), "USD"),
        (Decimal("2e9").normalize(), "USD"),
        (Decimal("12e9").normalize(), "USD"),
    }
    assert conflicts_among(INITIATIVE, [loan, total], articles, facts) == []
    # One value explained is not enough: the other is still a rival.
    assert len(conflicts_among(INITIATIVE, [loan, total], articles, facts[:1])) == 1


def test_implausible_and_false_figures_are_never_rivals():
    ten = claim("10e9")
    typo, wrong = claim("10", implausible="approved $10"), claim("15e9", status="false")
    articles = stated((ten, {1}), (typo, {2}), (wrong, {3}))
    assert conflicts_among(INITIATIVE, [ten, typo, wrong], articles) == []


def test_a_verified_value_supersedes_the_others():
    ten, twelve = claim("10e9", status="verified"), claim("12e9")
    (conflict,) = conflicts_among(INITIATIVE, [ten, twelve], stated((ten, {1}), (twelve, {2})))
    assert conflict.resolved and conflict.verified.value == Decimal("10e9")


def test_figures_of_different_measures_or_denominators_never_conflict():
    loan, grant = claim("10e9"), claim("12e9", measure="grant")
    price, other_price = (
        claim("60", per="kg", measure="price"),
        claim("80", per="t", measure="price"),
    )
    articles = stated((loan, {1}), (grant, {2}), (price, {3}), (other_price, {4}))
    assert conflicts_among(INITIATIVE, [loan, grant, price, other_price], articles) == []


def test_capacities_are_compared_in_one_unit_and_measures_ignore_case():
    gigawatt, megawatts = (
        claim("1", "GW", measure="Capacity"),
        claim("1000", "MW", measure="capacity"),
    )
    assert measure_of(gigawatt) == measure_of(megawatts) == Measure("GW", "", "capacity")
    same = stated((gigawatt, {1}), (megawatts, {2}))
    assert conflicts_among(INITIATIVE, [gigawatt, megawatts], same) == []  # one value, twice
    bigger = claim("2000", "MW", measure="capacity")
    (conflict,) = conflicts_among(
        INITIATIVE, [gigawatt, bigger], stated((gigawatt, {1}), (bigger, {2}))
    )
    assert values(conflict) == [Decimal(2), Decimal(1)] and conflict.unit == "GW"
    assert conflict.measure == "Capacity"  # as the first claim wrote it


def test_a_range_is_a_value_of_its_own():
    point, ranged = claim("10e9"), claim("10e9", value_max="12e9")
    (conflict,) = conflicts_among(INITIATIVE, [point, ranged], stated((point, {1}), (ranged, {2})))
    assert {(v.value, v.value_max) for v in conflict.values} == {
        (Decimal("10e9"), None),
        (Decimal("10e9"), Decimal("12e9")),
    }
