"""Reads that span the tracker's models: conflicts between claims, what needs enrichment."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.http import Http404

from articles.models import Article, ArticleFeed, outlet_name
from articles.pagination import paginate
from articles.querysets import LISTING_FIELDS, outlet_columns
from articles.selectors import feed_articles

from .conflicts import Conflict, conflicts_among
from .models import (
    ArticleInitiative,
    ArticleTopic,
    Claim,
    ClaimAppearance,
    Entity,
    EntityAlias,
    Initiative,
    InitiativeFact,
    InitiativeRelation,
    InitiativeSponsor,
    Link,
    Mention,
    Topic,
)


def initiative_conflicts(initiative: Initiative, *, resolved: bool = True) -> list[Conflict]:
    """Where reports about ``initiative`` disagree: for each measure (unit, denominator), the
    values that articles give instead of one another, with the claims behind each value
    (``conflicts.conflicts_among`` says which values are rivals). ``resolved=False`` leaves out
    those an editor settled by verifying one value.
    """
    claims = list(
        Claim.objects.visible()
        .about_initiative(initiative)
        .with_figure()
        .exclude(status=Claim.Status.FALSE)
        .order_by("id")
    )
    # Plain pairs, not appearance objects: a figure repeated across a corpus has thousands.
    articles: dict[int, set[int]] = defaultdict(set)
    pairs = (
        ClaimAppearance.objects.visible()
        .filter(claim__in=claims)
        .values_list("claim_id", "article_id")
    )
    for claim_id, article_id in pairs:
        articles[claim_id].add(article_id)
    facts = _fact_values(initiative.facts.all()) if claims else []  # prefetched, or one query
    found = conflicts_among(initiative, claims, articles, facts)
    return found if resolved else [c for c in found if not c.resolved]


def _fact_values(facts) -> list[tuple[Decimal | None, str]]:
    """Reference facts as ``conflicts_among`` takes them."""
    return [(fact.value, fact.unit) for fact in facts]


def open_conflicts() -> dict[Initiative, list[Conflict]]:
    """Every initiative's open conflicts (none verified yet), worked out once each: only
    initiatives with more than one value among their figures can have any."""
    candidates = (
        Claim.objects.visible()
        .with_figure()
        .exclude(status=Claim.Status.FALSE)
        .filter(subject_initiative__isnull=False)
        .values("subject_initiative")
        .annotate(values=Count("value", distinct=True))
        .filter(values__gt=1)
        .values_list("subject_initiative", flat=True)
    )
    found = {}
    for initiative in Initiative.objects.filter(pk__in=list(candidates)).prefetch_related("facts"):
        if conflicts := initiative_conflicts(initiative, resolved=False):
            found[initiative] = conflicts
    return found


def initiatives_with_conflicts() -> QuerySet[Initiative]:
    """Initiatives for which ``initiative_conflicts`` reports an open conflict."""
    return Initiative.objects.filter(pk__in=[i.pk for i in open_conflicts()])


def articles_to_enrich(*, lexicon_version: str) -> QuerySet[Article]:
    """Articles never enriched, changed since they last were, or enriched before the names and
    rules (or the extraction code) last changed."""
    return Article.objects.filter(
        Q(enrichment__isnull=True)
        | ~Q(enrichment__content_hash=F("content_hash"))
        | ~Q(enrichment__lexicon_version=lexicon_version)
    )


# --- reader pages ---------------------------------------------------------------------------
# Each page reads in a fixed number of queries, whatever the number of articles or claims:
# lists are paginated, and every relation a template walks is selected or prefetched here.

HOME_INITIATIVES = 6
HOME_NEWEST_LINKS = 200  # links read, newest first, to find the initiatives in the news
INDEX_NEWEST_LINKS = 2_000  # the same, for the latest coverage of every initiative
TOPIC_ARTICLES_PER_PAGE = 20
TIMELINE_PER_PAGE = 20
INITIATIVES_PER_PAGE = 30
ENTITIES_PER_PAGE = 50
ENTITY_ARTICLES_PER_PAGE = 20
CLAIMS_PER_PAGE = 20
CLAIM_ARTICLES_SHOWN = 3  # articles listed under a claim; "and N more" for the rest
MOST_PRESENT = 8
MOST_PRESENT_AMONG = 200  # a topic's newest articles that "most present" counts links in
ENTITY_CLAIMS = 20
FEED_ITEMS = 30
CHART_WEEKS = 26

# Verified and disputed first: what readers can lean on, then what is contested.
KEY_FIGURES = 12
CLAIMS_COUNT_CAP = 1_000  # "1000+ claims": filters narrow it, nobody pages past 50
# Served by the PostgreSQL index claim_reader_order_idx (migration 0003): keep them identical.
CLAIM_STATUS_ORDER = Case(
    When(status=Claim.Status.VERIFIED, then=Value(0)),
    When(status=Claim.Status.DISPUTED, then=Value(1)),
    When(status=Claim.Status.FALSE, then=Value(2)),
    default=Value(3),
)


@dataclass(frozen=True)
class WeekCount:
    week: date  # the Monday starting the week
    count: int


@dataclass
class TopicPage:
    topic: Topic  # with .article_count
    page: Page  # of ArticleTopic links, their articles selected
    # With .present: how many of the topic's newest MOST_PRESENT_AMONG articles link to it.
    initiatives: list[Initiative]
    entities: list[Entity]
    weeks: list[WeekCount]  # the weeks the chart draws
    most_present_among: int


@dataclass
class InitiativePage:
    initiative: Initiative
    sponsorships: list[InitiativeSponsor]
    jurisdictions: list[Entity]
    relations: list[tuple[str, Initiative]]  # ("Successor of", other), read from this side
    facts: list[InitiativeFact]
    claims: list[Claim]  # about the initiative with a figure, verified first
    conflicts: list[Conflict]
    page: Page  # the timeline: ArticleInitiative links, newest article first
    weeks: list[WeekCount]
    # What the page lists: years of coverage make thousands of figures; /claims/ has them all.
    key_claims: list[Claim] = field(default_factory=list)


@dataclass
class EntityPage:
    entity: Entity
    page: Page  # of Mention links, their articles selected
    initiatives: list[Initiative]
    claims: list[Claim]


@dataclass
class ArticleTracker:
    """What the tracker adds to an article's page."""

    claims: list[Claim]
    initiative_links: list[ArticleInitiative]  # confirmed first, rejected ones never
    mentions: list[Mention]

    @property
    def reviewed_claims(self) -> list[Claim]:
        return [claim for claim in self.claims if claim.status != Claim.Status.UNVERIFIED]


def _visible_links(model: type[Link]) -> QuerySet:
    """Links readers may see: not rejected, to an article that is not hidden."""
    return model.objects.visible().filter(article__is_hidden=False)


def _articles_of(links: QuerySet) -> QuerySet:
    """Links with their article as a list shows it (``Article.outlet`` included)."""
    return (
        links.select_related("article")
        .annotate(**outlet_columns("article__"))
        .only(
            *(f"article__{name}" for name in LISTING_FIELDS),
            "id",
            "article_id",
            "origin",
            "state",
            "confidence",
        )
    )


def _newest_article_first(links: QuerySet) -> QuerySet:
    return links.order_by(F("article__published_at").desc(nulls_last=True), F("article__id").desc())


def _weekly(links: QuerySet) -> tuple[list[WeekCount], int]:
    """Visible links per week of their article's publication, and how many links in all
    (undated articles included)."""
    rows = (
        links.annotate(week=TruncWeek("article__published_at"))
        .values("week")
        .annotate(count=Count("id"))
        .order_by("week")
    )
    weeks, total = [], 0
    for row in rows:
        total += row["count"]
        if row["week"] is not None:
            weeks.append(WeekCount(_day(row["week"]), row["count"]))
    return weeks, total


def home_initiatives(
    *, limit: int = HOME_INITIATIVES, newest_links: int = HOME_NEWEST_LINKS
) -> list[Initiative]:
    """The initiatives with the most recent coverage, each with ``latest`` (a datetime).

    Read off the newest links, in the order article_newest_idx walks them, rather than from
    every initiative's every link: the first link to name an initiative gives its latest
    coverage, and a few hundred links name the initiatives in the news. Only when they name
    fewer than ``limit`` is the window widened.
    """
    links = _newest_article_first(
        _visible_links(ArticleInitiative).filter(article__published_at__isnull=False)
    ).values_list("initiative_id", "article__published_at")
    while True:
        rows = list(links[:newest_links])
        latest: dict[int, datetime] = {}
        for initiative_id, published_at in rows:
            latest.setdefault(initiative_id, published_at)
        if len(rows) < newest_links:
            break  # every link read: nothing is missing
        # Beyond the window, initiatives were last covered at or before its oldest link: the
        # ones covered after it are ranked for sure (a tie at its date would go by name).
        oldest = rows[-1][1]
        latest = {pk: at for pk, at in latest.items() if at > oldest}
        if len(latest) >= limit:
            break
        newest_links *= 4
    initiatives = list(
        Initiative.objects.filter(pk__in=latest).only("id", "name", "slug", "acronym", "status")
    )
    for initiative in initiatives:
        initiative.latest = latest[initiative.pk]
    return sorted(initiatives, key=lambda i: (-i.latest.timestamp(), i.name))[:limit]


def home_topics() -> list[Topic]:
    """Every topic, with ``article_count`` (visible links to visible articles)."""
    return list(
        Topic.objects.with_article_count().only("id", "name", "slug", "link_count").order_by("name")
    )


# Link states readers see, for filters across a relation, where exclude() would not do.
_SHOWN_STATES = [state for state in Link.State.values if state != Link.State.REJECTED]


def _most_present(model, link_field: str, article_ids: list[int], limit: int) -> list:
    """The initiatives (or entities) linked to most of ``article_ids``, with ``present``."""
    linked = {
        f"{link_field}__article__in": article_ids,
        f"{link_field}__state__in": _SHOWN_STATES,
    }
    return list(
        model.objects.filter(**linked)  # before annotate(): it counts the links filtered here
        .annotate(present=Count(link_field))
        .only("id", "name", "slug")
        .order_by("-present", "name")[:limit]
    )


def _chart_weeks(links: QuerySet, *, total: int, weeks: int = CHART_WEEKS) -> list[WeekCount]:
    """Links per week over the ``weeks`` weeks up to the newest one with coverage: the weeks
    ``weekly_chart`` draws, read without reading every link (``total`` is how many there are).
    """
    dated = links.filter(article__published_at__isnull=False).annotate(
        week=TruncWeek("article__published_at")
    )
    newest = _newest_article_first(dated).values_list("week", flat=True).first()
    if newest is None:
        return []
    start = newest - timedelta(weeks=weeks - 1)
    counted = (
        dated.filter(article__published_at__gte=start)
        .values("week")
        .annotate(count=Count("article"))  # not "id": article_topic_shown_idx has the rest
        .order_by("week")
    )
    found = [WeekCount(_day(row["week"]), row["count"]) for row in counted]
    # The chart starts at the first week with coverage, or all its weeks back when coverage
    # is older: a zero week at the window's start says so. Asked only when that week has
    # none and the window misses links (which may all be undated).
    missing = total - sum(w.count for w in found)
    if found[0].week > _day(start) and missing > 0:
        if missing > links.filter(article__published_at__isnull=True).count():
            found.insert(0, WeekCount(_day(start), 0))
    return found


def _day(week) -> date:
    return week.date() if isinstance(week, datetime) else week


def topic_page(*, slug: str, page_number) -> TopicPage:
    topic = Topic.objects.with_article_count().filter(slug=slug).first()
    if topic is None:
        raise Http404("no such topic")
    links = _visible_links(ArticleTopic).filter(topic=topic)
    page = paginate(
        _newest_article_first(_articles_of(links)),
        count=topic.article_count,
        page_number=page_number,
        per_page=TOPIC_ARTICLES_PER_PAGE,
    )
    # Read once, not as a subquery of both lists below.
    newest = list(
        _newest_article_first(links).values_list("article_id", flat=True)[:MOST_PRESENT_AMONG]
    )
    return TopicPage(
        topic=topic,
        page=page,
        initiatives=_most_present(Initiative, "article_links", newest, MOST_PRESENT),
        entities=_most_present(Entity, "mentions", newest, MOST_PRESENT),
        weeks=_chart_weeks(links, total=topic.article_count),
        most_present_among=MOST_PRESENT_AMONG,
    )


@dataclass
class InitiativeTable:
    """Every initiative with ``article_count``, ``latest`` (a datetime or None),
    ``sponsor_list`` and ``jurisdiction_list``, in the default order; and the sponsors and
    jurisdictions among them, by name, for the table's filters."""

    initiatives: list[Initiative]
    sponsors: list[Entity]
    jurisdictions: list[Entity]


def initiative_table(*, newest_links: int = INDEX_NEWEST_LINKS) -> InitiativeTable:
    """Every initiative, most recently covered first (see ``InitiativeTable``).

    Neither count nor latest date is aggregated over every link joined to its article (a
    sequential scan of the article table at scale): the counts come from the links alone, less
    the few to hidden articles; the latest coverage is read off the newest ``newest_links``
    links, as on the home page, and only the initiatives not among them are aggregated, over
    their own links.
    """
    links = _visible_links(ArticleInitiative)
    shown = Counter(
        dict(
            ArticleInitiative.objects.visible()
            .values("initiative")
            .annotate(n=Count("initiative"))  # the (initiative, state) index alone answers
            .values_list("initiative", "n")
        )
    )
    shown.subtract(
        dict(
            ArticleInitiative.objects.visible()
            .filter(article__is_hidden=True)
            .values("initiative")
            .annotate(n=Count("id"))
            .values_list("initiative", "n")
        )
    )
    latest: dict[int, datetime | None] = {}
    newest = _newest_article_first(links).values_list("initiative_id", "article__published_at")
    for initiative_id, published_at in newest[:newest_links]:
        latest.setdefault(initiative_id, published_at)  # newest first: the first is the latest
    if unseen := {pk for pk, n in shown.items() if n > 0} - latest.keys():
        latest.update(
            links.filter(initiative__in=unseen)
            .values("initiative")
            .annotate(latest=Max("article__published_at"))
            .values_list("initiative", "latest")
        )
    initiatives = list(
        Initiative.objects.prefetch_related(
            Prefetch(
                "sponsorships",
                InitiativeSponsor.objects.select_related("entity")
                .only("id", "initiative_id", "role", "entity__id", "entity__name", "entity__slug")
                .order_by("role", "entity__name"),
            ),
            Prefetch(
                "jurisdictions",
                Entity.objects.only("id", "name", "slug", "country").order_by("name"),
            ),
        )
    )
    sponsors: dict[int, Entity] = {}
    jurisdictions: dict[int, Entity] = {}
    for initiative in initiatives:
        initiative.article_count = shown[initiative.pk]
        initiative.latest = latest.get(initiative.pk)
        initiative.sponsor_list = [s.entity for s in initiative.sponsorships.all()]
        initiative.jurisdiction_list = list(initiative.jurisdictions.all())
        sponsors.update((e.pk, e) for e in initiative.sponsor_list)
        jurisdictions.update((e.pk, e) for e in initiative.jurisdiction_list)
    # Most recently covered first, never covered last; then by name.
    initiatives.sort(key=lambda i: (-i.latest.timestamp() if i.latest else float("inf"), i.name))
    return InitiativeTable(
        initiatives=initiatives,
        sponsors=sorted(sponsors.values(), key=lambda e: e.name.lower()),
        jurisdictions=sorted(jurisdictions.values(), key=lambda e: e.name.lower()),
    )


# The table's orders (InitiativeFilterForm.SORTS), each a key over one initiative. Every order
# ends by name, so equal rows keep one order; "-" before a key reverses it.
_INITIATIVE_SORTS = {
    "name": lambda i: (i.name.lower(),),
    "kind": lambda i: (i.get_kind_display().lower(), i.name.lower()),
    "status": lambda i: (list(Initiative.Status.values).index(i.status), i.name.lower()),
    "articles": lambda i: (i.article_count, i.name.lower()),
    "latest": lambda i: (i.latest.timestamp() if i.latest else float("-inf"), i.name.lower()),
}


# Dates and counts read best largest first; names and kinds A to Z.
_LARGEST_FIRST = {"latest", "articles"}


def initiative_sort_descending(sort: str) -> bool:
    """Whether the table sorted by ``sort`` (a key of ``_INITIATIVE_SORTS``, "-" before it to
    reverse) lists the largest value first: how it is sorted, and how its heading says so."""
    return sort.startswith("-") != (sort.removeprefix("-") in _LARGEST_FIRST)


def initiative_list_page(
    *,
    page_number,
    table: InitiativeTable,
    jurisdiction: str = "",
    kind: str = "",
    status: str = "",
    sponsor: str = "",
    covered_since: date | None = None,
    sort: str = "",
) -> Page:
    """The ``initiative_table`` (which the view reads first: its filters' choices come from
    it), filtered (slugs for the jurisdiction and sponsor, values for kind and status, the
    latest coverage on or after a day) and sorted (``_INITIATIVE_SORTS``; blank: most recently
    covered first). Filtered in Python: the table is read whole anyway, and an initiative is a
    handful of rows."""
    rows = table.initiatives
    if jurisdiction:
        rows = [i for i in rows if any(e.slug == jurisdiction for e in i.jurisdiction_list)]
    if sponsor:
        rows = [i for i in rows if any(e.slug == sponsor for e in i.sponsor_list)]
    if kind:
        rows = [i for i in rows if i.kind == kind]
    if status:
        rows = [i for i in rows if i.status == status]
    if covered_since:
        rows = [i for i in rows if i.latest and i.latest.date() >= covered_since]
    if sort:
        key = _INITIATIVE_SORTS[sort.removeprefix("-")]
        rows = sorted(rows, key=key, reverse=initiative_sort_descending(sort))
    return paginate(rows, page_number=page_number, per_page=INITIATIVES_PER_PAGE)


def entity_list_page(*, kind: str, page_number) -> Page:
    """Entities by name, of one ``kind`` (an ``Entity.Kind`` value) or every kind."""
    entities = Entity.objects.only("id", "name", "slug", "kind", "country", "description")
    if kind:
        entities = entities.filter(kind=kind)
    return paginate(entities.order_by("name"), page_number=page_number, per_page=ENTITIES_PER_PAGE)


def _attach_articles(claims: list[Claim]) -> dict[int, set[int]]:
    """Give each claim ``listed_appearances``, its first CLAIM_ARTICLES_SHOWN appearances in
    visible articles (oldest first; each article with its id, title and date), and
    ``more_articles``, how many visible articles state it beyond those. Returns, per claim, the
    ids of all those articles.

    One query of plain rows, no appearance objects for the rest: a figure repeated across a
    corpus appears in thousands of articles.
    """
    rows = (
        ClaimAppearance.objects.visible()
        .filter(claim__in=claims)
        .order_by("article__published_at", "article_id")
        .values_list(
            "claim_id", "article_id", "article__title", "article__published_at", "sentence"
        )
    )
    articles: dict[int, set[int]] = defaultdict(set)
    listed: dict[int, list[ClaimAppearance]] = defaultdict(list)
    for claim_id, article_id, title, published_at, sentence in rows:
        articles[claim_id].add(article_id)
        if len(listed[claim_id]) < CLAIM_ARTICLES_SHOWN:
            article = Article(id=article_id, title=title, published_at=published_at)
            listed[claim_id].append(
                ClaimAppearance(claim_id=claim_id, article=article, sentence=sentence)
            )
    for claim in claims:
        claim.listed_appearances = listed.get(claim.pk, [])
        claim.more_articles = max(len(articles.get(claim.pk, ())) - CLAIM_ARTICLES_SHOWN, 0)
        # Quoted as the first article listed put it, with that article named (JSON-LD too).
        if claim.listed_appearances:
            claim.quote = claim.listed_appearances[0].sentence
            claim.quote_article = claim.listed_appearances[0].article
    return articles


def initiative_page(*, slug: str, page_number) -> InitiativePage:
    initiative = Initiative.objects.filter(slug=slug).first()
    if initiative is None:
        raise Http404("no such initiative")
    relations = []
    for relation in InitiativeRelation.objects.filter(
        Q(from_initiative=initiative) | Q(to_initiative=initiative)
    ).select_related("from_initiative", "to_initiative"):
        if relation.from_initiative_id == initiative.pk:
            relations.append((relation.get_kind_display(), relation.to_initiative))
        else:
            relations.append((_REVERSE_RELATION[relation.kind], relation.from_initiative))
    claims = list(
        Claim.objects.visible()
        .about_initiative(initiative)
        .with_figure()
        .select_related("subject_initiative", "subject_entity")
        .order_by(CLAIM_STATUS_ORDER, "value", "id")
    )
    articles = _attach_articles(claims)
    links = _visible_links(ArticleInitiative).filter(initiative=initiative)
    weeks, total = _weekly(links)
    page = paginate(
        _newest_article_first(_articles_of(links)),
        count=total,
        page_number=page_number,
        per_page=TIMELINE_PER_PAGE,
    )
    facts = list(initiative.facts.all())
    return InitiativePage(
        initiative=initiative,
        sponsorships=list(
            initiative.sponsorships.select_related("entity").order_by("role", "entity__name")
        ),
        jurisdictions=list(initiative.jurisdictions.only("id", "name", "slug")),
        relations=relations,
        facts=facts,
        claims=claims,
        conflicts=conflicts_among(initiative, claims, articles, _fact_values(facts)),
        key_claims=[claim for claim in claims if not claim.implausible][:KEY_FIGURES],
        page=page,
        weeks=weeks,
    )


_REVERSE_RELATION = {
    InitiativeRelation.Kind.SUCCESSOR_OF: "Succeeded by",
    InitiativeRelation.Kind.PART_OF: "Includes",
    InitiativeRelation.Kind.COORDINATES_WITH: "Coordinates with",
}


class EntityMerged(Http404):
    """No entity has the slug, but one that had it was merged: ``into`` is where it lives on.
    Left uncaught it is still a 404."""

    def __init__(self, into: Entity) -> None:
        super().__init__(f"merged into {into.slug}")
        self.into = into


def entity_merged_into(*, slug: str) -> Entity | None:
    """The live entity that the merged entity with this slug went into, if there was one."""
    return Entity.objects.filter(merged_from__slug=slug).only("id", "slug", "name").first()


def entity_page(*, slug: str, page_number) -> EntityPage:
    """Raises EntityMerged for the slug of a merged entity: a live entity's slug comes first."""
    entity = (
        Entity.objects.filter(slug=slug)
        .prefetch_related(Prefetch("aliases", EntityAlias.objects.public()))
        .first()
    )
    if entity is None:
        if into := entity_merged_into(slug=slug):
            raise EntityMerged(into)
        raise Http404("no such entity")
    links = _newest_article_first(_articles_of(_visible_links(Mention).filter(entity=entity)))
    initiatives = (
        Initiative.objects.filter(Q(sponsorships__entity=entity) | Q(jurisdictions=entity))
        .distinct()
        .only("id", "name", "slug", "acronym", "status")
        .order_by("name")
    )
    claims = (
        Claim.objects.filter(
            Q(subject_entity=entity)
            | Q(pk__in=Claim.entities.through.objects.filter(entity=entity).values("claim_id"))
        )
        .visible()
        .select_related("subject_initiative", "subject_entity")
        .order_by(CLAIM_STATUS_ORDER, "-id")[:ENTITY_CLAIMS]
    )
    claims = list(claims)
    _attach_articles(claims)
    return EntityPage(
        entity=entity,
        page=paginate(links, page_number=page_number, per_page=ENTITY_ARTICLES_PER_PAGE),
        initiatives=list(initiatives),
        claims=claims,
    )


def article_tracker(*, article_id: int) -> ArticleTracker:
    """The article's claims, initiatives and entities (rejected links left out)."""
    confirmed_first = Case(When(state=Link.State.CONFIRMED, then=Value(0)), default=Value(1))
    return ArticleTracker(
        claims=list(
            Claim.objects.filter(appearances__article_id=article_id)
            .annotate(quote=F("appearances__sentence"))  # this article's own words
            .select_related("subject_initiative", "subject_entity")
            .order_by(CLAIM_STATUS_ORDER, "appearances__position", "id")
        ),
        initiative_links=list(
            ArticleInitiative.objects.visible()
            .filter(article_id=article_id)
            .select_related("initiative")
            .order_by(confirmed_first, "-confidence", "initiative__name")
        ),
        mentions=list(
            Mention.objects.visible()
            .filter(article_id=article_id)
            .select_related("entity")
            .order_by(confirmed_first, "-occurrences", "entity__name")
        ),
    )


def claim_list_page(
    *,
    status: str = "",
    initiative: Initiative | None = None,
    entity: Entity | None = None,
    measure: str = "",
    unit: str = "",
    page_number=None,
) -> Page:
    """Claims, verified and disputed first, filtered; each with its visible appearances.
    ``measure`` matches whole, ignoring case ("loan" finds "Loan", not "loan guarantee")."""
    claims = Claim.objects.visible().select_related("subject_initiative", "subject_entity")
    if status:
        claims = claims.filter(status=status)
    if measure:
        claims = claims.filter(measure__iexact=measure)
    if unit:
        claims = claims.filter(unit=unit)
    if initiative is not None:
        claims = claims.filter(
            Q(subject_initiative=initiative)
            | Q(
                pk__in=Claim.initiatives.through.objects.filter(initiative=initiative).values(
                    "claim_id"
                )
            )
        )
    if entity is not None:
        claims = claims.filter(
            Q(subject_entity=entity)
            | Q(pk__in=Claim.entities.through.objects.filter(entity=entity).values("claim_id"))
        )
    claims = claims.order_by(CLAIM_STATUS_ORDER, F("reviewed_at").desc(nulls_last=True), "-id")
    page = paginate(
        claims, page_number=page_number, per_page=CLAIMS_PER_PAGE, count_cap=CLAIMS_COUNT_CAP
    )
    page.object_list = list(page.object_list)
    _attach_articles(page.object_list)
    return page


def topic_feed_articles(*, topic: Topic, limit: int = FEED_ITEMS) -> list[Article]:
    links = ArticleTopic.objects.visible().filter(topic=topic)
    return feed_articles(limit=limit, among=links.values("article_id"))


def initiative_feed_articles(*, initiative: Initiative, limit: int = FEED_ITEMS) -> list[Article]:
    links = ArticleInitiative.objects.visible().filter(initiative=initiative)
    return feed_articles(limit=limit, among=links.values("article_id"))


def claim_outlets(claim_ids: list[int]) -> dict[int, list[str]]:
    """The outlets whose feeds carried an article stating each claim, by claim id, sorted: one
    query whatever the number of claims. An outlet is named as on the reader pages
    (``articles.models.outlet_name``: the feed's title, else its publisher's domain)."""
    rows = (
        ArticleFeed.objects.filter(article__claim_appearances__claim_id__in=claim_ids)
        .values_list(
            "article__claim_appearances__claim_id", "feed__publisher", "feed__title", "feed__url"
        )  # fmt: skip
        .distinct()
    )
    outlets: dict[int, set[str]] = defaultdict(set)
    for claim_id, publisher, title, url in rows:
        outlets[claim_id].add(outlet_name(title=title, publisher=publisher, url=url))
    return {claim_id: sorted(names, key=str.casefold) for claim_id, names in outlets.items()}


def linked_article_ids(
    *, topic: str | None = None, initiative: str | None = None, entity: str | None = None
) -> QuerySet | None:
    """The ids of the articles linked to all of the topic, initiative and entity given (slugs)
    by a link an editor has not rejected, as a query the article list and search narrow by
    (``among``); None when none is given."""
    among: QuerySet | None = None
    for links, lookup, slug in (
        (ArticleTopic.objects, "topic__slug", topic),
        (ArticleInitiative.objects, "initiative__slug", initiative),
        (Mention.objects, "entity__slug", entity),
    ):
        if not slug:
            continue
        ids = links.visible().filter(**{lookup: slug})
        if among is not None:
            ids = ids.filter(article_id__in=among)
        among = ids.values("article_id")
    return among
