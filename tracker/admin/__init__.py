"""The editors' desk: review queue, claims, initiatives, entities, topics.

Every change of state goes through ``tracker.services`` (which record who decided and when, and
tell readers' pages); the admin only collects the editor's input. Links and claims are never
deleted here: a rejected suggestion is kept so extraction does not make it again.

One module per family of models (``links``, ``claims``, ``initiatives``, ``entities``,
``suggestions``, ``topics``, ``articles``: what the tracker adds to the articles' admin), the
review queue's view in ``review_queue``, the decisions they share in ``decisions``. Importing
them registers their classes.
"""

from . import articles, claims, entities, initiatives, links, suggestions, topics  # noqa: F401
