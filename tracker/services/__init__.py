"""Writes and workflows of the tracker, one module per workflow (docs/tracker.md, "Services").

- ``enrichment``: ``articles_enrich``, the links to entities, initiatives and topics;
  ``enrichment_claims`` its claims half (appearances, links to names, carried verdicts).
- ``links``: editors' decisions on links (``mention_decide``, ``article_initiative_add``, ...).
- ``claims``: editors' verdicts (``claim_review``) and ``claims_delete``.
- ``merges``: ``entity_merge`` and ``entity_delete``.
- ``suggestions``: suggested new entities, recorded by enrichment, decided by editors.
- ``reference``: ``reference_load``.
- ``bulk``: the plain SQL insert enrichment's hot path uses.

Callers import from the module (``from tracker.services.claims import claim_review``); this
package re-exports nothing, so each import says which workflow it uses.
"""
