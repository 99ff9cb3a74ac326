"""Which figures of one measure are rivals: the rule behind an initiative's conflicting
figures, over values already loaded (no queries), so that pages, the admin, the API and the
figure history all group and judge figures alike.

A claim here is anything with the figure's fields (``pk``, ``value``, ``value_max``, ``unit``,
``per``, ``measure``, ``status``, ``implausible``): a ``Claim``, loaded or unsaved.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .figures import comparable

VERIFIED, FALSE = "verified", "false"  # Claim.Status values: a verdict settles or drops a value


class Measure(NamedTuple):
    """What a figure is of, as conflicts and the figure history group figures: its unit of
    comparison (capacity in GW), its denominator, and what it measures, case ignored."""

    unit: str
    per: str
    measure: str


def measure_of(claim) -> Measure:
    return Measure(comparable(claim.value, claim.unit)[1], claim.per, claim.measure.lower())


@dataclass(frozen=True)
class ConflictValue:
    value: Decimal
    value_max: Decimal | None
    unit: str
    claims: tuple[Any, ...]

    @property
    def verified(self) -> bool:
        return any(claim.status == VERIFIED for claim in self.claims)


@dataclass(frozen=True)
class Conflict:
    """Claims about one initiative that give different amounts of the same measure."""

    initiative: Any
    unit: str  # the unit the values are compared in
    per: str  # the denominator of a rate or price; "" for plain amounts
    measure: str  # what the values measure ("loan", "share of refining"); "" when unsaid
    values: tuple[ConflictValue, ...]  # largest first
    verified: ConflictValue | None = None  # the value an editor verified: the rest are superseded

    @property
    def resolved(self) -> bool:
        return self.verified is not None

    @property
    def what(self) -> str:
        per = f"per {self.per}" if self.per else ""
        return " ".join(part for part in (self.measure, self.unit, per) if part)


def explained_by_facts(facts: Iterable[tuple[Decimal | None, str]]) -> set[tuple[Decimal, str]]:
    """The amounts an initiative's reference facts (value, unit) account for, in comparable
    units: each fact's value, and the sum of any two facts of the same unit (a total of its
    parts)."""
    amounts = [comparable(value, unit) for value, unit in facts if value is not None and unit]
    explained = {(value.normalize(), unit) for value, unit in amounts}
    for index, (value, unit) in enumerate(amounts):
        for other, other_unit in amounts[index + 1 :]:
            if other_unit == unit:
                explained.add(((value + other).normalize(), unit))
    return explained


def conflicts_among(
    initiative,
    claims: Iterable,
    articles: Mapping[int, set[int]],
    facts: Iterable[tuple[Decimal | None, str]] = (),
) -> list[Conflict]:
    """Where ``claims`` about ``initiative`` disagree, given the ids of the articles stating
    each claim (by claim pk) and the initiative's reference facts as (value, unit).

    Two values of one measure conflict when some article states one but not the other and
    another article the reverse (an initiative's "$10 billion" here, "$12 billion" there).
    These are not rivals:
    - a smaller amount that no article states without a larger one (a part of it);
    - two values that are both the initiative's own reference facts, or a sum of two of them
      (a loan, the private capital beside it and the total they make);
    - a figure flagged as implausible (a source's typo), or that an editor marked false.
    Once an editor verifies a value, the conflict says so: the other values are superseded.
    The claims of a conflict get ``article_count``, how many of those articles state them.
    """
    claims = sorted(
        (c for c in claims if c.value is not None and c.status != FALSE and not c.implausible),
        key=lambda c: c.pk,
    )
    explained = explained_by_facts(facts)
    groups: dict[Measure, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        low = comparable(claim.value, claim.unit)[0]
        high = comparable(claim.value_max, claim.unit)[0] if claim.value_max is not None else None
        key = (low.normalize(), high.normalize() if high is not None else None)
        groups[measure_of(claim)][key].append(claim)
    conflicts = []
    for (unit, per, measure), by_value in sorted(groups.items()):
        stating = {
            key: set().union(*(articles.get(claim.pk, ()) for claim in found))
            for key, found in by_value.items()
        }
        # A smaller amount stated only beside a larger one is a part of it ("$12 billion, $2
        # billion of it private capital"), not a rival total.
        parts = {
            key
            for key, here in stating.items()
            for other, there in stating.items()
            if other[0] > key[0] and here <= there
        }
        known = {key for key in by_value if key[1] is None and (key[0], unit) in explained}
        # Disputed: neither value's articles include the other's (subset tests stop early), and
        # the reference facts do not account for both.
        disputed = {
            key
            for key, here in stating.items()
            for other, there in stating.items()
            if key not in parts and other not in parts
            if not (key in known and other in known)
            if other != key and not here <= there and not there <= here
        }
        if not disputed:
            continue
        for key in disputed:
            for claim in by_value[key]:
                claim.article_count = len(articles.get(claim.pk, ()))
        values = tuple(
            ConflictValue(low, high, unit, tuple(by_value[low, high]))
            for low, high in sorted(disputed, key=lambda key: -key[0])
        )
        verified = next((value for value in values if value.verified), None)
        display = next((c.measure for found in by_value.values() for c in found), measure)
        conflicts.append(Conflict(initiative, unit, per, display, values, verified))
    return conflicts
