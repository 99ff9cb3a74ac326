"""Enrichment on small hand-made articles: links, claims, editors' decisions, re-runs."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.services import article_hide
from tests.factories import make_article, make_topic, make_user
from tracker.models import (
    ArticleEnrichment,
    ArticleInitiative,
    ArticleTopic,
    Claim,
    ClaimAppearance,
    Entity,
    EntityAlias,
    Initiative,
    InitiativeAlias,
    Link,
    Mention,
    Topic,
)
from tracker.services import enrichment_claims
from tracker.services.bulk import insert_new
from tracker.services.claims import claim_review
from tracker.services.enrichment import articles_enrich
from tracker.services.links import (
    article_initiative_add,
    article_initiative_decide,
    article_topic_decide,
    mention_decide,
)
from tracker.services.merges import entity_merge
from tracker.tasks import enrich_articles

pytestmark = pytest.mark.django_db

VAULT_TEXT = (
    "EXIM approved up to $10 billion in loans for Project Vault. "
    "The Forum on Resource Geostrategic Engagement (FORGE) met in Washington."
)


@pytest.fixture
def lexicon():
    exim = Entity.objects.create(name="Export-Import Bank of the United States", slug="exim",
                                 kind=Entity.Kind.GOVERNMENT_BODY)  # fmt: skip
    EntityAlias.objects.create(entity=exim, text="EXIM")
    china = Entity.objects.create(name="China", slug="china", kind=Entity.Kind.COUNTRY)
    vault = Initiative.objects.create(
        name="Project Vault",
        slug="project-vault",
        kind=Initiative.Kind.STOCKPILE,
        patterns=[r"\$\s?12\s?billion\s+(?:\w+\s+){0,3}?stockpile"],
    )
    forge = Initiative.objects.create(
        name="Forum on Resource Geostrategic Engagement",
        slug="forge",
        acronym="FORGE",
        kind=Initiative.Kind.ALLIANCE,
    )
    chips = Initiative.objects.create(
        name="CHIPS Program",
        slug="chips",
        acronym="CHIPS",
        kind=Initiative.Kind.FINANCING_PROGRAMME,
    )
    stockpiles = Topic.objects.create(
        name="Stockpiles", slug="stockpiles", keywords=["stockpile", "stockpiles"]
    )
    stockpiles.initiatives.add(vault)
    return {"exim": exim, "china": china, "vault": vault, "forge": forge, "chips": chips}


def enrich(*articles, force=False):
    return articles_enrich(article_ids=[a.pk for a in articles], force=force)


def snapshot() -> dict[str, list]:
    models = [
        Mention, ArticleInitiative, ArticleTopic, Claim, ClaimAppearance,
        Claim.entities.through, Claim.initiatives.through,
        Mention.history.model, ArticleInitiative.history.model, Claim.history.model,
    ]  # fmt: skip
    return {m.__name__: sorted(map(repr, m.objects.values_list())) for m in models}


def test_named_mentions_become_suggested_machine_links(lexicon):
    article = make_article(content_text=VAULT_TEXT)
    enrich(article)
    link = ArticleInitiative.objects.get(article=article, initiative=lexicon["vault"])
    assert (link.origin, link.state, link.basis) == ("machine", "suggested", "named")
    assert link.matched_text == "Project Vault" and link.confidence >= 0.8
    assert set(article.initiatives.all()) == {lexicon["vault"], lexicon["forge"]}
    mention = Mention.objects.get(article=article, entity=lexicon["exim"])
    assert mention.matched_text == "EXIM" and mention.state == "suggested"
    assert ArticleEnrichment.objects.get(article=article).content_hash == article.content_hash


def test_a_name_repeated_as_an_alias_counts_once_per_occurrence(lexicon):
    EntityAlias.objects.create(entity=lexicon["china"], text="China")
    article = make_article(content_text="China and China again.")
    enrich(article)
    assert Mention.objects.get(article=article, entity=lexicon["china"]).occurrences == 2


def test_acronyms_in_ordinary_words_link_nothing(lexicon):
    article = make_article(
        title="Forge ahead",
        content_text="Firms forge alliances over potato chips and Chips. Its origin is rigid.",
    )
    enrich(article)
    assert not ArticleInitiative.objects.filter(article=article).exists()


def test_a_description_without_the_name_is_a_low_confidence_suggestion(lexicon):
    article = make_article(content_text="The president proposed a $12 billion minerals stockpile.")
    enrich(article)
    link = ArticleInitiative.objects.get(article=article)
    assert link.initiative == lexicon["vault"]
    assert link.basis == "described" and link.confidence < 0.5
    assert link.matched_text == "$12 billion minerals stockpile"


def test_topics_follow_their_rules(lexicon):
    linked = make_article(content_text="Project Vault is news.")
    worded = make_article(content_text="A stockpile here, stockpiles there.")
    neither = make_article(content_text="A single stockpile.")
    enrich(linked, worded, neither)
    assert set(ArticleTopic.objects.values_list("article_id", flat=True)) == {
        linked.pk,
        worded.pk,
    }


def _links_shown(topic: Topic) -> int:
    return ArticleTopic.objects.filter(topic=topic).visible().count()


def test_topic_link_count_follows_enrichment_and_decisions(lexicon):
    topic = Topic.objects.get(slug="stockpiles")
    linked = make_article(content_text="Project Vault is news.")
    worded = make_article(content_text="A stockpile here, stockpiles there.")
    enrich(linked, worded)
    enrich(linked, worded, force=True)  # twice: nothing changes
    topic.refresh_from_db()
    assert topic.link_count == _links_shown(topic) == 2

    # The text changes and its rules no longer hold: the machine's link goes, and the count.
    Article.objects.filter(pk=worded.pk).update(content_text="Nothing here.", content_hash="new")
    enrich(worded)
    topic.refresh_from_db()
    assert topic.link_count == _links_shown(topic) == 1

    link = ArticleTopic.objects.get(article=linked)
    article_topic_decide(link=link, state="rejected", user=None)
    topic.refresh_from_db()
    assert topic.link_count == _links_shown(topic) == 0
    article_topic_decide(link=link, state="confirmed", user=None)
    topic.refresh_from_db()
    assert topic.link_count == 1


def test_hidden_articles_leave_the_topic_count_readers_see_without_a_recount(lexicon):
    topic = Topic.objects.get(slug="stockpiles")
    shown, hidden = (make_article(content_text="Project Vault is news.") for _ in range(2))
    enrich(shown, hidden)
    article_hide(article=hidden)
    counted = Topic.objects.with_article_count().get(pk=topic.pk)
    assert (counted.link_count, counted.article_count) == (2, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_recount_waits_for_another_writer_of_the_topic_and_counts_its_links():
    topic = make_topic()
    first, second = make_article(), make_article()
    counted, release, errors = threading.Event(), threading.Event(), []

    def other_writer():
        try:
            with transaction.atomic():
                ArticleTopic.objects.create(article=first, topic=topic)
                Topic.objects.filter(pk=topic.pk).recount_links()
                counted.set()
                release.wait(5)  # holds the topic until this thread's recount is under way
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert counted.wait(5)
    threading.Timer(0.5, release.set).start()
    with transaction.atomic():
        ArticleTopic.objects.create(article=second, topic=topic)
        # Blocks until the other commits; a count read before that would miss its link.
        Topic.objects.filter(pk=topic.pk).recount_links()
    thread.join()
    assert errors == []
    topic.refresh_from_db()
    assert topic.link_count == 2


def test_enriching_twice_changes_nothing(lexicon):
    articles = [
        make_article(content_text=VAULT_TEXT),
        make_article(content_text="China says EXIM lent $10 billion to Project Vault."),
    ]
    enrich(*articles)
    before = snapshot()
    assert enrich(*articles).articles == 0  # unchanged since: skipped
    result = enrich(*articles, force=True)
    assert result.articles == 2
    assert (result.links_created, result.links_removed, result.claims_created) == (0, 0, 0)
    assert snapshot() == before


def test_an_editors_rejection_survives_reenrichment(lexicon):
    editor = make_user()
    article = make_article(content_text=VAULT_TEXT)
    enrich(article)
    link = ArticleInitiative.objects.get(article=article, initiative=lexicon["forge"])
    article_initiative_decide(link=link, state=Link.State.REJECTED, user=editor)
    mention = Mention.objects.get(article=article, entity=lexicon["exim"])
    mention_decide(mention=mention, state=Link.State.CONFIRMED, user=editor)

    enrich(article, force=True)

    link.refresh_from_db()
    assert (link.state, link.decided_by) == ("rejected", editor)
    assert (
        ArticleInitiative.objects.filter(article=article, initiative=lexicon["forge"]).count() == 1
    )
    assert lexicon["forge"] not in article.initiatives.filter(article_links__state="suggested")
    historical = link.history.first()
    assert (historical.state, historical.history_user) == ("rejected", editor)


def test_decided_and_editor_links_outlive_the_text_that_made_them(lexicon):
    editor = make_user()
    article = make_article(content_text=VAULT_TEXT)
    enrich(article)
    confirmed = Mention.objects.get(article=article, entity=lexicon["exim"])
    mention_decide(mention=confirmed, state=Link.State.CONFIRMED, user=editor)
    added = article_initiative_add(article=article, initiative=lexicon["chips"], user=editor)

    article.content_text = "Nothing to see."
    article.content_hash = "changed"
    article.save()
    enrich(article)

    assert Mention.objects.filter(pk=confirmed.pk, state="confirmed").exists()
    assert ArticleInitiative.objects.filter(pk=added.pk, origin="editor").exists()
    # The undecided machine suggestions went with the text.
    assert not ArticleInitiative.objects.filter(article=article, origin="machine").exists()


def test_a_new_alias_is_picked_up_by_the_next_run(lexicon):
    article = make_article(content_text="The Vault reserve grows.")
    enrich(article)
    assert not ArticleInitiative.objects.filter(article=article).exists()
    InitiativeAlias.objects.create(initiative=lexicon["vault"], text="Vault reserve")
    assert enrich(article).articles == 1  # the lexicon changed, so the article is due again
    assert ArticleInitiative.objects.get(article=article).matched_text == "Vault reserve"


def test_the_same_fact_about_the_same_subject_is_one_claim(lexicon):
    first = make_article(content_text="EXIM approved a $10 billion loan for Project Vault.")
    second = make_article(content_text="Project Vault gets a $10 billion loan, officials say.")
    enrich(first, second)
    claim = Claim.objects.get(subject_initiative=lexicon["vault"])
    assert claim.value == Decimal(10_000_000_000) and claim.unit == "USD"
    assert set(claim.appearances.values_list("article_id", flat=True)) == {first.pk, second.pk}
    assert set(claim.initiatives.all()) == {lexicon["vault"]}
    assert set(claim.entities.all()) == {lexicon["exim"]}


def test_highlights_are_told_apart_from_the_body(lexicon):
    highlight = "China holds 70% of mining."
    article = make_article(
        highlights=[highlight],
        content_text=f"Highlights\n\n{highlight}\n\nElsewhere, output rose 5% in 2025.",
    )
    enrich(article)
    locations = dict(ClaimAppearance.objects.values_list("claim__value", "location"))
    assert locations == {Decimal(70): "highlight", Decimal(5): "body"}
    assert Claim.objects.get(value=70).subject_entity == lexicon["china"]


def test_claims_from_state_media_need_independent_verification(lexicon):
    state = make_article(content_text="Project Vault has $10 billion.", is_state_media=True)
    independent = make_article(content_text="China says output rose 12% last year.")
    enrich(state, independent)
    assert Claim.objects.get(value=10_000_000_000).needs_independent_verification
    assert not Claim.objects.get(value=12).needs_independent_verification

    # The same claim, later found only in an independent article, loses the flag.
    independent_too = make_article(content_text="Project Vault has $10 billion.")
    enrich(independent_too)
    state.content_text, state.content_hash = "Withdrawn.", "withdrawn"
    state.save()
    enrich(state)
    assert not Claim.objects.get(value=10_000_000_000).needs_independent_verification


def test_an_article_no_longer_state_media_takes_the_flag_off_its_claims(lexicon):
    article = make_article(content_text="Project Vault has $10 billion.", is_state_media=True)
    enrich(article)
    assert Claim.objects.get(value=10_000_000_000).needs_independent_verification

    Article.objects.filter(pk=article.pk).update(is_state_media=False, content_hash="edited")
    enrich(Article.objects.get(pk=article.pk))
    assert not Claim.objects.get(value=10_000_000_000).needs_independent_verification


def test_a_new_independent_article_keeps_a_flag_without_rereading_the_claims_appearances(
    lexicon,
):
    enrich(make_article(content_text="Project Vault has $10 billion.", is_state_media=True))
    independent = make_article(content_text="Project Vault has $10 billion.")

    with CaptureQueriesContext(connection) as queries:
        enrich(independent)

    assert Claim.objects.get(value=10_000_000_000).needs_independent_verification
    # A claim stated in many articles has thousands of appearances: new articles cannot have
    # taken its flag away, so nothing re-reads them (that made enrichment slow down with size).
    rechecks = [
        q["sql"] for q in queries if 'SET "needs_independent_verification" = EXISTS' in q["sql"]
    ]
    assert rechecks == []


def _claim_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if '"tracker_claim' in q["sql"]]


def _vault_loans(count: int, *, bound: str = "up to ") -> list[Article]:
    return [
        make_article(content_text=f"EXIM approved {bound}${n} billion in loans for Project Vault.")
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("count", [1, 4])
def test_claims_take_the_same_statements_whatever_the_number_of_articles(lexicon, count):
    articles = _vault_loans(count)
    with CaptureQueriesContext(connection) as first:
        result = enrich(*articles)
    assert (result.claims_created, result.appearances_created) == (count, count)
    # Read the claims, insert them, read the appearances, insert them, link the claims to the
    # entities and to the initiatives.
    assert len(_claim_statements(first)) == 6

    with CaptureQueriesContext(connection) as again:
        result = enrich(*articles, force=True)
    assert (result.claims_created, result.appearances_created) == (0, 0)
    # Read the claims, the appearances, and the links of both kinds, to find nothing to write.
    assert len(_claim_statements(again)) == 4


@pytest.mark.parametrize("count", [1, 4])
def test_carrying_verdicts_takes_the_same_statements_whatever_the_number_of_claims(lexicon, count):
    articles = _vault_loans(count)
    enrich(*articles)
    for claim in Claim.objects.all():
        claim_review(claim=claim, status=Claim.Status.DISPUTED, user=None, note="Other figures.")
    for article in articles:  # the same figures, no longer bounded: claims of another identity
        article.content_text = article.content_text.replace("up to ", "")
        article.content_hash = f"edited {article.pk}"
        article.save()

    with CaptureQueriesContext(connection) as queries:
        result = enrich(*articles)

    assert (result.claims_created, result.verdicts_carried) == (count, count)
    assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.DISPUTED}
    # Insert the new claims and appearances; read the verdicts and the appearances gone, give
    # the verdicts over, mark split ones; delete the old appearances and the claims no article
    # states (with their tombstones and links); link the new claims; recheck the flag. A fixed
    # number whatever the number of claims.
    assert len(_claim_statements(queries)) == 23


def test_attributed_statements_are_claims_even_without_figures(lexicon):
    article = make_article(
        content_text="The Claims\n\nThe ministry says the plant is ready. The plant is ready."
    )
    enrich(article)
    claim = Claim.objects.get()
    assert claim.statement == "The ministry says the plant is ready."
    assert claim.is_attributed and claim.value is None


def test_a_review_covers_every_appearance_and_verification_needs_evidence(lexicon):
    editor = make_user()
    articles = [make_article(content_text="Project Vault has $10 billion.") for _ in range(2)]
    enrich(*articles)
    claim = Claim.objects.get()
    with pytest.raises(ValidationError):
        claim_review(claim=claim, status=Claim.Status.VERIFIED, user=editor)
    claim_review(
        claim=claim,
        status=Claim.Status.VERIFIED,
        user=editor,
        evidence_url="https://www.exim.gov/news",
    )
    enrich(*articles, force=True)
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == ("verified", editor)
    assert claim.appearances.count() == 2
    assert claim.history.first().history_user == editor


def test_merging_entities_keeps_every_alias_and_mention(lexicon):
    duplicate = Entity.objects.create(
        name="Ex-Im Bank", slug="ex-im-bank", kind=Entity.Kind.GOVERNMENT_BODY
    )
    EntityAlias.objects.create(entity=duplicate, text="US EXIM")
    both = make_article(content_text="EXIM, also written Ex-Im Bank, lent $10 billion.")
    only_duplicate = make_article(content_text="Ex-Im Bank lent $10 billion.")
    enrich(both, only_duplicate)

    entity_merge(source=duplicate, into=lexicon["exim"])

    exim = lexicon["exim"]
    assert set(exim.aliases.values_list("text", flat=True)) == {"EXIM", "US EXIM", "Ex-Im Bank"}
    assert set(Mention.objects.filter(entity=exim).values_list("article_id", flat=True)) == {
        both.pk,
        only_duplicate.pk,
    }
    assert not Entity.objects.filter(pk=duplicate.pk).exists()
    assert Claim.objects.filter(subject_entity=exim, value=10_000_000_000).count() == 1


def test_the_task_enriches_by_primary_key(lexicon):
    article = make_article(content_text=VAULT_TEXT)
    assert enrich_articles.apply(args=[[article.pk]]).get() == 1
    assert ArticleInitiative.objects.filter(article=article).count() == 2


def test_the_command_enriches_only_what_is_due_unless_all(lexicon, capsys):
    done = make_article(content_text=VAULT_TEXT)
    enrich(done)
    due = make_article(content_text=VAULT_TEXT)
    call_command("enrich")
    assert "Enriched 1 articles" in capsys.readouterr().out
    assert ArticleEnrichment.objects.filter(article=due).exists()
    call_command("enrich", "--all")
    assert "Enriched 2 articles" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_over_the_same_articles_make_no_duplicates(lexicon):
    ids = [make_article(content_text=VAULT_TEXT).pk for _ in range(20)]
    start, errors = threading.Barrier(2), []

    def run():
        try:
            start.wait()
            articles_enrich(article_ids=ids, force=True)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ArticleInitiative.objects.count() == 2 * len(ids)
    assert Mention.objects.count() == len(ids)
    assert ClaimAppearance.objects.count() == len(ids)
    assert Claim.objects.count() == 1


def test_a_claim_another_run_stores_first_gets_this_articles_appearance_and_links(
    lexicon, monkeypatch
):
    article = make_article(content_text=VAULT_TEXT)
    insert = insert_new

    def another_run_first(model, columns, rows, returning=()):
        if model is Claim:  # between this run's read of stored claims and its insert
            fingerprint, statement = rows[0].fingerprint, rows[0].statement
            Claim.objects.create(fingerprint=fingerprint, statement=statement)
        return insert(model, columns, rows, returning)

    monkeypatch.setattr(enrichment_claims, "insert_new", another_run_first)
    result = enrich(article)

    claim = Claim.objects.get()
    assert result.claims_created == 0  # the other run's claim is used, not counted as ours
    assert list(claim.appearances.values_list("article_id", flat=True)) == [article.pk]
    assert set(claim.entities.all()) == {lexicon["exim"]}
    assert set(claim.initiatives.all()) == {lexicon["vault"]}
