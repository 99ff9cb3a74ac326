"""What partners see of an article: output only, nothing here writes."""

from django.utils.text import slugify
from rest_framework import serializers

from articles.models import site_domain


class LinkSerializer(serializers.Serializer):
    """An article's link to an entity, initiative or topic; ``rejected`` means removed."""

    state = serializers.CharField()
    origin = serializers.CharField()
    confidence = serializers.FloatField()
    updated_at = serializers.DateTimeField()


class InitiativeLinkSerializer(LinkSerializer):
    initiative = serializers.CharField(source="initiative.slug")
    basis = serializers.CharField()
    # With ?include=initiatives:
    name = serializers.CharField(required=False)
    acronym = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.CharField(required=False)
    status = serializers.CharField(required=False)


class ArticleClaimSerializer(serializers.Serializer):
    """A claim the article makes (``?include=claims``); the claim's own sync is /claims/."""

    id = serializers.IntegerField()
    statement = serializers.CharField()
    figure_text = serializers.CharField(allow_blank=True)
    value = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    value_max = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    needs_independent_verification = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class MentionSerializer(LinkSerializer):
    entity = serializers.CharField(source="entity.slug")


class TopicLinkSerializer(LinkSerializer):
    topic = serializers.CharField(source="topic.slug")


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
    source = serializers.CharField(
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
    initiatives = InitiativeLinkSerializer(source="initiative_links", many=True)
    entities = MentionSerializer(source="mention_links", many=True)
    topics = TopicLinkSerializer(source="topic_links", many=True)
    claims = ArticleClaimSerializer(many=True, required=False, help_text="With ?include=claims.")

    def to_representation(self, row: dict) -> dict:
        """Built by hand from a ``values()`` row with its links (articles.api.views): the fields
        above describe it for the schema, and JSONRenderer formats the dates as DRF would."""
        hidden = row["is_hidden"]
        data = {"id": row["id"], "deleted": hidden, "updated_at": row["updated_at"]}
        if hidden:
            data.update(
                dict.fromkeys(("slug", "source", "story", *CONTENT_FIELDS, *self.body_fields))
            )
            data.update(initiatives=[], entities=[], topics=[])
            if "claims" in row:
                data["claims"] = []
            return data
        data["slug"] = slugify(row["title"])[:80].strip("-") or "article"
        data["source"] = site_domain(row["url"])
        data["story"] = row.get("story_id")
        for field in (*CONTENT_FIELDS, *self.body_fields):
            data[field] = row[field]
        data["initiatives"] = row["initiatives"]
        data["entities"] = row["entities"]
        data["topics"] = row["topics"]
        if "claims" in row:
            data["claims"] = row["claims"]
        return data

    body_fields: tuple[str, ...] = ()


class ArticleBodySerializer(ArticleSerializer):
    """With the bodies: on the detail endpoint, or a list asked for ``?include=body``."""

    content_html = serializers.CharField(allow_null=True, allow_blank=True)
    highlights = serializers.ListField(child=serializers.CharField(), allow_null=True)
    takeaway = serializers.CharField(allow_null=True, allow_blank=True)
    sources = serializers.JSONField(allow_null=True)

    body_fields = BODY_FIELDS
