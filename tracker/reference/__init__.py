"""Reference data: the entities, initiatives and topics the seed feed discusses.

Facts and figures come from the seed posts; every description is written afresh. Loaded by
``python manage.py load_reference`` (``services.reference.reference_load``), which is idempotent.

Format, one JSON file per kind:

- ``entities.json``: ``slug``, ``name``, ``kind`` (see ``Entity.Kind``), ``description``,
  optional ``country`` (ISO code), ``website``, ``wikidata_id``, ``aliases`` (strings, or
  ``{"text": ..., "exact": true, "kind": "name" | "misspelling", "note": ...}``: a misspelling
  is matched but never shown to readers, and a note is for editors only, never public), and
  ``former_names`` (names the entity went by before a rename or merger; matched as aliases,
  shown to readers as "formerly").
- ``initiatives.json``: ``slug``, ``name``, ``kind``, ``status``, ``summary``, optional
  ``acronym``, ``official_url``, ``announced_on``/``launched_on``/``ended_on`` (ISO dates),
  ``aliases``, ``patterns`` (regexes for unnamed references), ``sponsors``
  (``{"entity": slug, "role": ...}``), ``jurisdictions`` (entity slugs), ``facts``
  (``{"label", "value", "unit", "note", "as_of", "source_url"}``) and ``relations``
  (``{"kind": "part_of" | "successor_of" | "coordinates_with", "to": initiative slug}``).
- ``topics.json``: ``slug``, ``name``, ``description``, ``keywords``, ``min_keyword_hits``,
  ``entities`` and ``initiatives`` (slugs).
"""

import json
from pathlib import Path
from typing import Any

DIRECTORY = Path(__file__).resolve().parent
KINDS = ("entities", "initiatives", "topics")


def read_reference(directory: Path = DIRECTORY) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: json.loads((directory / f"{kind}.json").read_text(encoding="utf-8")) for kind in KINDS
    }
