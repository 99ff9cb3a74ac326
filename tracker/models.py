"""The policy record: who and what the articles are about, and the claims they make.

Links between articles and entities, initiatives and topics carry their provenance: whether the
machine or an editor made them, whether an editor confirmed or rejected them, what text matched,
how confident the match was, and who decided when. Extraction only ever adds or refreshes
undecided machine suggestions, so an editor's decision is never undone.
"""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.models import annotated_outlet

from . import figures
from .querysets import (
    AliasQuerySet,
    ClaimAppearanceQuerySet,
    ClaimQuerySet,
    LinkQuerySet,
    TopicQuerySet,
)

WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")


def _validate_wikidata_id(value: str) -> None:
    if value and not WIKIDATA_ID.fullmatch(value):
        raise ValidationError("A Wikidata id looks like Q30.")


def _validate_country(value: str) -> None:
    if value and not re.fullmatch(r"[A-Z]{2}", value):
        raise ValidationError("Use a two-letter ISO 3166-1 code, such as US or CN.")


def _validate_patterns(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise ValidationError("Patterns are a list of non-empty regular expressions.")
    for pattern in value:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ValidationError(f"{pattern!r} is not a valid regular expression: {exc}") from exc
        if compiled.groupindex:
            raise ValidationError(f"{pattern!r}: named groups are not allowed in a pattern.")


def _validate_keywords(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(k, str) and k.strip() for k in value):
        raise ValidationError("Keywords are a list of non-empty words or phrases.")


class Entity(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        GOVERNMENT_BODY = "government_body", "Government body"
        PERSON = "person", "Person"
        COUNTRY = "country", "Country or bloc"
        ORGANIZATION = "organization", "Organization"
        PUBLICATION = "publication", "Publication"
        FACILITY = "facility", "Mine, plant or project"

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    country = models.CharField(
        max_length=2, blank=True, validators=[_validate_country], help_text="ISO 3166-1 alpha-2."
    )
    website = models.URLField(max_length=500, blank=True)
    wikidata_id = models.CharField(max_length=20, blank=True, validators=[_validate_wikidata_id])
    articles = models.ManyToManyField(
        "articles.Article", through="Mention", related_name="entities", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="entity_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class AliasKind(models.TextChoices):
    NAME = "name", "Another name"
    FORMER = "former", "Former name"
    MISSPELLING = "misspelling", "Misspelling"


ALIAS_NOTE_HELP = "For editors only: never shown on public pages or in the API."


class Alias(models.Model):
    """Another name something goes by (an entity, an initiative); its own name need not be
    repeated here.

    Every alias is matched in articles; readers see names and former names, never misspellings
    nor the editors' ``note``. Names are unique case-insensitively among each kind (constraints
    on each table) and across both (``clean``): matching could not tell which one was meant.
    """

    Kind = AliasKind

    text = models.CharField(max_length=300)
    exact = models.BooleanField(
        default=False,
        help_text="Match only with exactly this capitalization. Words in capitals (acronyms) "
        "always match exactly.",
    )
    kind = models.CharField(max_length=12, choices=AliasKind.choices, default=AliasKind.NAME)
    note = models.TextField(blank=True, help_text=ALIAS_NOTE_HELP)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AliasQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        self.text = self.text.strip()
        for other, owner in ((EntityAlias, "An entity"), (InitiativeAlias, "An initiative")):
            if (
                not isinstance(self, other)
                and other.objects.filter(text__iexact=self.text).exists()
            ):
                raise ValidationError({"text": f"{owner} already goes by this name."})


class EntityAlias(Alias):
    """Another name the entity goes by (see ``Alias``)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "entity aliases"
        constraints = [
            models.UniqueConstraint(Lower("text"), name="entity_alias_text_ci_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="entity_alias_text_not_empty"),
        ]


class EntityMerge(models.Model):
    """What became of an entity that was merged into another, and so deleted; or, with no
    ``into``, of one an editor deleted outright.

    Links and bookmarks to the old slug must not break, and partners who copy the entities need
    to hear that one went: ``/entities/<slug>/`` and its API detail redirect (301) to ``into``,
    and the API's entity-merges list is the entities' tombstones. ``into`` is always a live
    entity: when it is merged in turn, the records that pointed at it move on to its target
    (``entity_merge`` does it). One record per slug: if an entity is later created under a
    merged slug and merged again, the record follows the newer merge.
    """

    former_id = models.BigIntegerField(unique=True, help_text="The merged entity's id.")
    slug = models.SlugField(max_length=200, unique=True, verbose_name="former slug")
    name = models.CharField(max_length=300, verbose_name="former name")
    kind = models.CharField(max_length=20, choices=Entity.Kind.choices)
    into = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        related_name="merged_from",
        null=True,
        blank=True,
        help_text="The live entity it went into: the end of any chain of merges. Empty: the "
        "entity (or the one it went into) was deleted outright (``entity_delete``).",
    )
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, help_text="Also moves when it is repointed.")

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (merged)"


class Initiative(models.Model):
    class Kind(models.TextChoices):
        STOCKPILE = "stockpile", "Stockpile or reserve"
        ALLIANCE = "alliance", "Alliance or forum"
        TRADE_MECHANISM = "trade_mechanism", "Trade mechanism"
        FINANCING_PROGRAMME = "financing_programme", "Financing programme"
        STRATEGY = "strategy", "Strategy"
        SUMMIT = "summit", "Summit"
        AGREEMENT = "agreement", "Agreement"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ANNOUNCED = "announced", "Announced"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    acronym = models.CharField(
        max_length=30, blank=True, help_text="Matched exactly as written: FORGE, not forge."
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ANNOUNCED)
    summary = models.TextField(blank=True)
    official_url = models.URLField(max_length=500, blank=True)
    announced_on = models.DateField(null=True, blank=True)
    launched_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    sponsors = models.ManyToManyField(
        Entity, through="InitiativeSponsor", related_name="sponsored_initiatives", blank=True
    )
    jurisdictions = models.ManyToManyField(
        Entity, related_name="initiatives_in", blank=True, limit_choices_to={"kind": "country"}
    )
    related = models.ManyToManyField(
        "self", through="InitiativeRelation", symmetrical=False, blank=True
    )
    patterns = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_patterns],
        help_text="Regular expressions, matched as written (case included; add (?i) to ignore "
        "case, at some cost in speed), for descriptions that refer to the initiative without "
        "naming it, e.g. a figure followed by 'stockpile'. They only ever yield low-confidence "
        "suggestions.",
    )
    articles = models.ManyToManyField(
        "articles.Article", through="ArticleInitiative", related_name="initiatives", blank=True
    )
    conflict_note = models.TextField(
        blank=True,
        help_text="How editors read the conflicting figures reported about it, and why.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="initiative_name_not_empty"),
            models.CheckConstraint(
                condition=Q(launched_on__isnull=True)
                | Q(announced_on__isnull=True)
                | Q(launched_on__gte=F("announced_on")),
                name="initiative_launched_after_announced",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(launched_on__isnull=True)
                | Q(ended_on__gte=F("launched_on")),
                name="initiative_ended_after_launched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class InitiativeAlias(Alias):
    """Another name of the initiative (see ``Alias``)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "initiative aliases"
        constraints = [
            models.UniqueConstraint(Lower("text"), name="initiative_alias_text_ci_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="initiative_alias_text_not_empty"),
        ]


class InitiativeSponsor(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Leads it"
        FUNDER = "funder", "Funds it"
        PARTICIPANT = "participant", "Takes part"
        SUPPLIER = "supplier", "Supplies it"
        PARTNER = "partner", "Partner"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="sponsorships"
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="sponsorships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEAD)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "entity", "role"], name="initiative_sponsor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.role} {self.initiative_id}"


class InitiativeRelation(models.Model):
    class Kind(models.TextChoices):
        SUCCESSOR_OF = "successor_of", "Successor of"
        PART_OF = "part_of", "Part of"
        COORDINATES_WITH = "coordinates_with", "Coordinates with"

    from_initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="relations_from"
    )
    to_initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="relations_to"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_initiative", "to_initiative", "kind"],
                name="initiative_relation_unique",
            ),
            models.CheckConstraint(
                condition=~Q(from_initiative=F("to_initiative")),
                name="initiative_relation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_initiative_id} {self.kind} {self.to_initiative_id}"


class InitiativeFact(models.Model):
    """A figure the reference data records about an initiative (its own words, sourced)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="facts")
    label = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=30, decimal_places=6, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=figures.UNIT_CHOICES, blank=True)
    note = models.TextField(blank=True)
    as_of = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)

    class Meta:
        ordering = ["initiative", "label"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "label"], name="initiative_fact_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True, unit="") | (Q(value__isnull=False) & ~Q(unit="")),
                name="initiative_fact_value_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Topic(models.Model):
    """A reader-facing subject; articles are assigned to it by its rules, which editors edit.

    An article belongs to the topic when it is linked to one of the topic's entities or
    initiatives, or when the topic's keywords occur in it at least ``min_keyword_hits`` times.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    keywords = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_keywords],
        help_text="Words or phrases, matched as whole words; lowercase ones in any case.",
    )
    min_keyword_hits = models.PositiveSmallIntegerField(default=2)
    entities = models.ManyToManyField(Entity, related_name="topics", blank=True)
    initiatives = models.ManyToManyField(Initiative, related_name="topics", blank=True)
    articles = models.ManyToManyField(
        "articles.Article", through="ArticleTopic", related_name="topics", blank=True
    )
    # Counting a topic's links reads every one of them (tens of thousands): pages that show how
    # many articles a topic has read this instead (Topic.objects.with_article_count()).
    link_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Its links that no editor rejected, to hidden articles too; kept by "
        "Topic.objects.recount_links(), which the services writing topic links call.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_keyword_hits__gte=1), name="topic_min_keyword_hits_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Link(models.Model):
    """What every article link has: where it came from, and an editor's verdict on it."""

    class Origin(models.TextChoices):
        MACHINE = "machine", "Machine"
        EDITOR = "editor", "Editor"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.SUGGESTED, db_index=True
    )
    matched_text = models.CharField(max_length=300, blank=True)
    confidence = models.FloatField(default=1.0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="%(class)s_confidence_range",
            ),
            # Suggested means undecided; a decision always says when it was taken.
            models.CheckConstraint(
                condition=Q(state="suggested", decided_at__isnull=True)
                | (~Q(state="suggested") & Q(decided_at__isnull=False)),
                name="%(class)s_decision_dated",
            ),
            # An editor who adds a link has decided on it.
            models.CheckConstraint(
                condition=~Q(origin="editor", state="suggested"),
                name="%(class)s_editor_links_decided",
            ),
        ]

    @property
    def is_decided(self) -> bool:
        return self.state != self.State.SUGGESTED

    @property
    def outlet(self) -> str:
        """The article's outlet, when the link was read with ``outlet_columns("article__")``."""
        return annotated_outlet(self)


class ArticleInitiative(Link):
    class Basis(models.TextChoices):
        NAMED = "named", "Named in the article"
        DESCRIBED = "described", "Described without its name"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="article_links"
    )
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.NAMED)

    history = HistoricalRecords()

    class Meta(Link.Meta):
        constraints = [
            *Link.Meta.constraints,
            models.UniqueConstraint(
                fields=["article", "initiative"], name="article_initiative_unique"
            ),
        ]
        indexes = [models.Index(fields=["initiative", "state"])]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.initiative_id} ({self.state})"


class Mention(Link):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    occurrences = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta(Link.Meta):
        constraints = [
            *Link.Meta.constraints,
            models.UniqueConstraint(fields=["article", "entity"], name="mention_unique"),
        ]
        indexes = [models.Index(fields=["entity", "state"])]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.entity_id} ({self.state})"


class ArticleTopic(Link):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")

    class Meta(Link.Meta):
        constraints = [
            *Link.Meta.constraints,
            models.UniqueConstraint(fields=["article", "topic"], name="article_topic_unique"),
        ]
        indexes = [
            models.Index(fields=["topic", "state"]),
            # A topic's shown links by article, read from the index alone: its chart's weeks
            # (joined to the newest articles), its link count, its newest articles.
            models.Index(
                fields=["topic", "article"],
                condition=~Q(state="rejected"),
                name="article_topic_shown_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.topic_id} ({self.state})"


class Claim(models.Model):
    """One checkable fact, made in one or more articles (see ``appearances``).

    A fact is its subject (an initiative or entity), what is measured (``measure``: a share of
    refining, a loan, a capacity...), the value or range with its unit and denominator, the
    period it is for, how the figure is bounded ("up to") and whether it is a forecast or a
    target. The same fact is one claim however many articles state it, so one review covers
    every appearance; each appearance keeps that article's own sentence, which is what pages,
    the API and exports quote. A figure whose measure is unknown is a claim of its own sentence
    only: it is never merged with another article's. A claim without a figure is an attributed
    assertion ("X says ...") and is one claim per distinct sentence.
    """

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        VERIFIED = "verified", "Verified"
        DISPUTED = "disputed", "Disputed"
        FALSE = "false", "False"

    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    statement = models.TextField(
        help_text="The sentence of the first article that stated it; each article's own "
        "sentence is on its appearance."
    )
    figure_text = models.CharField(max_length=200, blank=True)
    measure = models.CharField(
        max_length=120,
        blank=True,
        help_text="What the figure measures (share of refining, loan, capacity, the noun "
        "counted...); blank when the sentence does not say.",
    )
    value = models.DecimalField(max_digits=30, decimal_places=6, null=True, blank=True)
    value_max = models.DecimalField(max_digits=30, decimal_places=6, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=figures.UNIT_CHOICES, blank=True)
    per = models.CharField(
        max_length=10, blank=True, help_text="The denominator of a rate or price (kg in USD/kg)."
    )
    period = models.CharField(max_length=20, blank=True, help_text="The year or date it is for.")
    bound = models.CharField(
        max_length=12, blank=True, help_text="How the figure is bounded: up to, about, more than..."
    )
    outlook = models.CharField(
        max_length=10, blank=True, help_text="forecast or target; blank for a stated fact."
    )
    implausible = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why the figure looks misread or mistyped at the source. Such a claim is "
        "kept for an editor but never shown as a key figure or counted in a conflict.",
    )
    is_attributed = models.BooleanField(
        default=False, help_text="Reported as someone's statement (says, claims, according to)."
    )
    subject_initiative = models.ForeignKey(
        Initiative, on_delete=models.SET_NULL, null=True, blank=True, related_name="subject_of"
    )
    subject_entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="subject_of"
    )
    initiatives = models.ManyToManyField(Initiative, related_name="claims", blank=True)
    entities = models.ManyToManyField(Entity, related_name="claims", blank=True)

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.UNVERIFIED, db_index=True
    )
    needs_independent_verification = models.BooleanField(
        default=False, help_text="Made in state-affiliated media: check it against other sources."
    )
    evidence_url = models.URLField(max_length=2000, blank=True)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.BigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The claim whose verdict this one took over when enrichment split or "
        "reshaped it.",
    )
    needs_rereview = models.BooleanField(
        default=False,
        help_text="Its verdict was carried over from a claim that covered more than one fact: "
        "an editor should check it still holds for this one.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True, unit="", value_max__isnull=True)
                | (Q(value__isnull=False) & ~Q(unit="")),
                name="claim_value_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gte=F("value")),
                name="claim_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(subject_initiative__isnull=True) | Q(subject_entity__isnull=True),
                name="claim_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="unverified") | Q(reviewed_at__isnull=False),
                name="claim_review_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | ~Q(evidence_url=""),
                name="claim_verified_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure_text or 'claim'}: {self.statement[:80]}"

    @classmethod
    def verdict_errors(cls, *, status: str, evidence_url: str, note: str) -> dict[str, str]:
        """What a verdict lacks, by the claim field to fill in (none: it may be given).

        The one rule every path that records a verdict applies (the service, the admin's form
        and bulk action, the editors' form on the public pages): verified needs the evidence's
        URL; false needs that URL or a note saying why; unverified and disputed need neither.
        """
        errors = {}
        if status == cls.Status.VERIFIED and not evidence_url:
            errors["evidence_url"] = "A verified claim needs the evidence's URL."
        if status == cls.Status.FALSE and not (evidence_url or note):
            errors["review_note"] = (
                "A claim marked false needs the evidence's URL or a note saying why."
            )
        return errors

    def clean(self) -> None:
        errors = self.verdict_errors(
            status=self.status, evidence_url=self.evidence_url, note=self.review_note
        )
        if errors:
            raise ValidationError(errors)

    @property
    def subject(self) -> Initiative | Entity | None:
        return self.subject_initiative or self.subject_entity

    @property
    def unit_label(self) -> str:
        return figures.unit_label(self.unit, self.per) if self.unit else ""

    @property
    def fact(self) -> str:
        """The fact in a few words, without any article's wording: "loan · up to · 2026"."""
        parts = [self.measure, self.bound, self.period, self.outlook]
        return " · ".join(part for part in parts if part)


class ClaimAppearance(models.Model):
    class Location(models.TextChoices):
        HIGHLIGHT = "highlight", "Highlights"
        BODY = "body", "Body"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="claim_appearances"
    )
    sentence = models.TextField()
    location = models.CharField(max_length=10, choices=Location.choices)
    position = models.PositiveIntegerField(default=0, help_text="Where the sentence starts.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ClaimAppearanceQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "article"], name="claim_appearance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.article_id}"


class ClaimDeletion(models.Model):
    """A claim that was deleted: its tombstone, for partners who copy the claims.

    Written by ``tracker.services.claims.claims_delete``, the one way claims are deleted, in the
    same transaction as the delete. Claim ids are never reused, so ``former_id`` names one claim for
    good; a later claim with the same fingerprint has a new id and is listed as a claim.
    """

    class Reason(models.TextChoices):
        MERGED = "merged", "Folded into another claim (its subjects were merged)"
        UNSTATED = "unstated", "No article makes it any more (articles edited or re-read)"
        EDITOR = "editor", "Deleted by an editor"

    former_id = models.BigIntegerField(unique=True, help_text="The deleted claim's id.")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    into_id = models.BigIntegerField(
        null=True, blank=True, help_text="For a merged claim: the claim it was folded into."
    )
    deleted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"claim {self.former_id} ({self.reason})"


class ArticleEnrichment(models.Model):
    """When an article was last enriched, and from which version of its content."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="enrichment"
    )
    content_hash = models.CharField(max_length=64)
    lexicon_version = models.CharField(max_length=64, blank=True)
    enriched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id} at {self.enriched_at:%Y-%m-%d %H:%M}"


class ReferenceValue(models.Model):
    """The value the reference data last gave one field of one record.

    ``load_reference`` runs at every web start: it changes a field only while the field still
    holds the value last loaded into it, so an editor's change (the field no longer holds it)
    is never reverted.
    """

    model = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=100)
    value = models.JSONField(null=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "object_id", "field"], name="reference_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id} {self.field}"


class Event(models.Model):
    """The outbox: one row per change that partners hear of, written in the transaction of the
    change itself (``tracker.events.tracker_changed``), so an event exists if and only if its
    change committed. ``partners`` reads these rows and fans each out into webhook deliveries,
    after commit and again from its periodic sweep; the tracker never imports partners.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=50)
    # The ``data`` partners receive, as it was at the change (not as it is when sent).
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set once deliveries exist for every endpoint that wanted the event.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="event_undispatched",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.uuid}"


class EntitySuggestion(models.Model):
    """A name enrichment found in articles that no entity or initiative goes by yet.

    Found by ``tracker.discovery`` and recorded by ``tracker.services.suggestions``: one row per
    name (``key``, its spelling folded), whatever the articles. An editor accepts it (an entity
    is created, see ``entity_suggestion_accept``) or rejects it; a rejected name is kept so it
    is never suggested again.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=300, help_text="As first seen.")
    key = models.CharField(max_length=300, unique=True, editable=False)
    kind = models.CharField(
        max_length=20, choices=Entity.Kind.choices, help_text="The machine's guess."
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    entity = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_as",
        help_text="The entity created when it was accepted.",
    )
    articles = models.ManyToManyField(
        "articles.Article", through="EntitySighting", related_name="+", blank=True
    )
    article_count = models.PositiveIntegerField(default=0, editable=False)
    first_seen_at = models.DateTimeField(default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-article_count", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="entity_suggestion_decision_dated",
            ),
            models.CheckConstraint(condition=~Q(key=""), name="entity_suggestion_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class EntitySighting(models.Model):
    """Where a suggested name was seen: one row per article, with the words around it."""

    suggestion = models.ForeignKey(
        EntitySuggestion, on_delete=models.CASCADE, related_name="sightings"
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    context = models.TextField()
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["suggestion", "-article"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "article"], name="entity_sighting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} in {self.article_id}"


class LexiconVersion(models.Model):
    """One row the database rewrites whenever anything extraction's lexicon is built from
    changes: names, aliases, patterns, topic keywords and rules (triggers of migration
    0015_lexicon_version, so ``bulk_create``, ``update()``, cascades and raw SQL count too).

    ``lexicon.lexicon_version`` reads it with one primary-key lookup, however many names there
    are. ``token`` is random at every change: a change rolled back and another made after it
    still give a new version, which a counter alone would not.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    changes = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="lexicon_version_one_row")]

    def __str__(self) -> str:
        return f"{self.changes}.{self.token}"
