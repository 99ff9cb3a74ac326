"""What articles tell the layers above them. Articles never import those layers, not even inside
a function (docs/architecture.md): the tracker connects to these in its ``AppConfig.ready``."""

from django.dispatch import Signal

# Sent once an ingest has committed, with ``article_ids``: the articles it created or whose
# content changed (the tracker enriches them).
articles_changed = Signal()
