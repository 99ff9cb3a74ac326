"""What partners see of an article: output only, nothing here writes. Its links to the
tracker's entities, initiatives, topics and claims are added by the tracker's subclasses
(tracker/api/articles.py)."""

from django.utils.text import slugify
from rest_framework import serializers

from articles.models import site_domain

# Set to null on a tombstone (a hidden article): a partner deletes its copy.
CONTENT_FIELDS = (
    "url", "title", "author", "published_at", "summary", "disclosure", "is_state_media",
    "comment_count", "first_seen_at", "language",
)  # fmt: skip
BODY_FIELDS = ("content_html", "highlights", "takeaway", "sources")


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deleted = serializers.BooleanField(
        source="is_hidden", help_text="A tombstone: the article was withdrawn; delete your copy."
    )
    updated_at = serializers.DateTimeField()
    slug = serializers.CharField(allow_null=True)
    url = serializers.URLField(allow_null=True, allow_blank=True)
    # A field named like Field.source, the attribute django-stubs types as a string.
    source = serializers.CharField(  # type: ignore[assignment]
        allow_null=True, help_text="The publisher's domain, from `url` (`www.` left out)."
    )
    title = serializers.CharField(allow_null=True)
    author = serializers.CharField(allow_null=True, allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        help_text="BCP 47, lowercased (`en`, `en-us`); blank when the feed does not say.",
    )
    first_seen_at = serializers.DateTimeField(allow_null=True)
    story = serializers.IntegerField(
        allow_null=True,
        help_text="The story (one event, several outlets' reports) it belongs to: articles "
        "with the same `story` report the same event. Null when no other report was found.",
    )
    summary = serializers.CharField(allow_null=True, allow_blank=True)
    disclosure = serializers.CharField(allow_null=True, allow_blank=True)
    is_state_media = serializers.BooleanField(allow_null=True)
    comment_count = serializers.IntegerField(allow_null=True)

    def to_representation(self, row: dict) -> dict:
        """Built by hand from a ``values()`` row (articles.api.views): the fields above describe
        it for the schema, and JSONRenderer formats the dates as DRF would."""
        hidden = row["is_hidden"]
        data = {"id": row["id"], "deleted": hidden, "updated_at": row["updated_at"]}
        if hidden:
            data.update(
                dict.fromkeys(("slug", "source", "story", *CONTENT_FIELDS, *self.body_fields))
            )
            return data
        data["slug"] = slugify(row["title"])[:80].strip("-") or "article"
        data["source"] = site_domain(row["url"])
        data["story"] = row.get("story_id")
        for field in (*CONTENT_FIELDS, *self.body_fields):
            data[field] = row[field]
        return data

    body_fields: tuple[str, ...] = ()


# The bodies: on the detail endpoint, or a list asked for ``?include=body``. A mixin of its own
# so that a subclass of ArticleSerializer can have them too (tracker.api.articles).
class ArticleBodyFields(serializers.Serializer):
    content_html = serializers.CharField(allow_null=True, allow_blank=True)
    highlights = serializers.ListField(child=serializers.CharField(), allow_null=True)
    takeaway = serializers.CharField(allow_null=True, allow_blank=True)
    sources = serializers.JSONField(allow_null=True)

    body_fields = BODY_FIELDS


class ArticleBodySerializer(ArticleSerializer, ArticleBodyFields):
    """With the bodies: on the detail endpoint, or a list asked for ``?include=body``."""

    body_fields = BODY_FIELDS
