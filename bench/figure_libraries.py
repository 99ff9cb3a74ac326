"""price-parser and quantulum3 against our ``parse_figures`` on the project's figure sentences
(docs/decisions.md, "Our own figure parser"). Neither library is a dependency: run it with a
scratch virtualenv's Python, this tree on the path for ``tracker.figures``:

    python3 -m venv /tmp/figlibs && /tmp/figlibs/bin/pip install price-parser quantulum3
    /tmp/figlibs/bin/python bench/figure_libraries.py
"""

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tracker.figures needs no Django
# quantulum3 warns at import that its optional classifier is not installed.
warnings.filterwarnings("ignore", module="quantulum3")

from price_parser import Price  # noqa: E402
from quantulum3 import parser as quantulum  # noqa: E402

from tracker.figures import parse_figures  # noqa: E402

SENTENCES = [
    "EXIM approved a $10 billion loan for Project Vault.",
    "Output reached 247.8 kt last year.",
    "The plant will make 1,000 tonnes a year of oxide.",
    "A floor price of $110 per kilogram applies.",
    "A floor price of $110/kg applies.",
    "RMB 3 billion in subsidies",
    "two-thirds of the world's supply",
    "output grew from 4,300 to 8,900 tonnes",
    "A$500m for the plant",
    "Ninety-five firms signed.",
]


def main() -> None:
    for sentence in SENTENCES:
        price = Price.fromstring(sentence)
        quantities = "; ".join(
            f"{q.value:g} {q.unit.name!r} ({q.surface!r})" for q in quantulum.parse(sentence)
        )
        ours = "; ".join(
            f"{f.value}{f'–{f.value_max}' if f.value_max else ''} {f.unit}"
            f"{f' per {f.per}' if f.per else ''}{f' {f.counted}' if f.counted else ''}"
            for f in parse_figures(sentence)
        )
        print(sentence)
        print(f"  price-parser:  {price.amount} {price.currency}")
        print(f"  quantulum3:    {quantities or 'nothing'}")
        print(f"  parse_figures: {ours or 'nothing'}")


if __name__ == "__main__":
    main()
