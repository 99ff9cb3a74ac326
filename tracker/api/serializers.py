"""What partners see of the tracker's record: output only."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import Claim, ClaimDeletion, Entity, EntityMerge, Initiative, Topic
from tracker.selectors import initiative_conflicts


class EntitySerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)

    class Meta:
        model = Entity
        fields = [
            "slug", "name", "kind", "description", "country", "website", "wikidata_id", "aliases",
            "created_at", "updated_at",
        ]  # fmt: skip


class EntityMergeSerializer(serializers.ModelSerializer):
    """A merged entity's tombstone: its slug now leads to `into`."""

    slug = serializers.SlugField(help_text="The merged entity's slug (a 301 to `into` now).")
    name = serializers.CharField(help_text="The merged entity's name (now an alias of `into`).")
    into = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the entity it was merged into; null: deleted outright.",
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Recorded, or repointed since: `into` was merged in turn."
    )

    class Meta:
        model = EntityMerge
        fields = ["former_id", "slug", "name", "kind", "into", "merged_at", "updated_at"]


class SponsorSerializer(serializers.Serializer):
    entity = serializers.CharField(source="entity.slug")
    role = serializers.CharField()


class FactSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    as_of = serializers.DateField(allow_null=True)
    source_url = serializers.CharField(allow_blank=True)


class InitiativeSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    sponsors = SponsorSerializer(source="sponsorships", many=True, read_only=True)
    jurisdictions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    facts = FactSerializer(many=True, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "slug", "name", "acronym", "kind", "status", "summary", "official_url",
            "announced_on", "launched_on", "ended_on", "aliases", "sponsors", "jurisdictions",
            "facts", "created_at", "updated_at",
        ]  # fmt: skip


class ConflictValueSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=30, decimal_places=6)
    value_max = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    claims = serializers.SerializerMethodField()

    def get_claims(self, value) -> list[int]:
        return [claim.pk for claim in value.claims]


class ConflictSerializer(serializers.Serializer):
    """Reports that disagree: the values given for one measure, each with the claims behind it.
    ``verified`` is the value an editor verified (the others are superseded), or null."""

    unit = serializers.CharField()
    per = serializers.CharField(allow_blank=True)
    measure = serializers.CharField(allow_blank=True)
    values = ConflictValueSerializer(many=True)
    verified = ConflictValueSerializer(allow_null=True)


class InitiativeDetailSerializer(InitiativeSerializer):
    """One initiative, with the conflicts the pages and the admin show for it."""

    conflicts = serializers.SerializerMethodField()

    class Meta(InitiativeSerializer.Meta):
        fields = [*InitiativeSerializer.Meta.fields, "conflicts"]

    @extend_schema_field(ConflictSerializer(many=True))
    def get_conflicts(self, initiative) -> list[dict]:
        return ConflictSerializer(initiative_conflicts(initiative), many=True).data


class TopicSerializer(serializers.ModelSerializer):
    entities = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    initiatives = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Topic
        fields = [
            "slug", "name", "description", "entities", "initiatives", "created_at", "updated_at",
        ]  # fmt: skip


class SubjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["initiative", "entity"])
    slug = serializers.CharField()


class AppearanceSerializer(serializers.Serializer):
    """Where a claim is stated: the article, and the sentence in that article's own words."""

    article = serializers.IntegerField(source="article_id")
    sentence = serializers.CharField()
    location = serializers.CharField()


class ClaimSerializer(serializers.ModelSerializer):
    deleted = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    initiatives = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    entities = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    statement = serializers.SerializerMethodField()
    articles = serializers.SerializerMethodField()
    appearances = AppearanceSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "deleted", "statement", "figure_text", "measure", "value", "value_max", "unit",
            "per", "period", "bound", "outlook", "implausible", "is_attributed", "subject",
            "initiatives", "entities", "articles", "appearances", "status",
            "needs_independent_verification", "needs_rereview", "evidence_url", "review_note",
            "reviewed_at", "created_at", "updated_at",
        ]  # fmt: skip

    def get_subject(self, claim: Claim) -> SubjectSerializer(allow_null=True):  # type: ignore[valid-type]
        if claim.subject_initiative_id:
            return {"type": "initiative", "slug": claim.subject_initiative.slug}
        if claim.subject_entity_id:
            return {"type": "entity", "slug": claim.subject_entity.slug}
        return None

    def get_statement(self, claim: Claim) -> str:
        """The claim in the words of the first article (by id) that states it; every article's
        own sentence is in ``appearances``."""
        appearances = claim.appearances.all()
        return appearances[0].sentence if appearances else claim.statement

    def get_deleted(self, claim: Claim) -> bool:
        """A tombstone (with ``updated_since`` only): every article stating the claim was
        withdrawn; delete your copy."""
        return not getattr(claim, "is_visible", True)

    def get_articles(self, claim: Claim) -> list[int]:
        """The ids of the articles that make the claim."""
        return [appearance.article_id for appearance in claim.appearances.all()]


class ClaimDeletionSerializer(serializers.ModelSerializer):
    """A deleted claim: delete your copy of ``former_id``."""

    former_id = serializers.IntegerField(help_text="The deleted claim's id.")
    into = serializers.IntegerField(
        source="into_id",
        allow_null=True,
        help_text="For `merged`: the id of the claim it was folded into (re-sent as a claim).",
    )

    class Meta:
        model = ClaimDeletion
        fields = ["former_id", "reason", "into", "deleted_at", "updated_at"]
