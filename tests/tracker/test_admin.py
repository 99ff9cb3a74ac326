"""The editors' admin: group and command, review queue, claims, initiatives, entities, history."""

import importlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests.factories import (
    add_rival_vault_report,
    link_article,
    make_admin_editor,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_user,
)
from tracker import events
from tracker.models import (
    ArticleInitiative,
    Claim,
    Entity,
    EntityAlias,
    EntityMerge,
    Initiative,
    Mention,
)
from tracker.services.claims import claim_review
from tracker.services.merges import entity_merge

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:tracker_review_queue")
CLAIMS = reverse("admin:tracker_claim_changelist")
migration = importlib.import_module("tracker.migrations.0002_editors_group")
merge_migration = importlib.import_module("tracker.migrations.0006_entity_merge")
suggestion_migration = importlib.import_module(
    "tracker.migrations.0013_entity_suggestions_alias_kinds"
)


@pytest.fixture
def editor():
    return make_admin_editor()


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def sample(sample_tracker):
    return Initiative.objects.get(slug="project-vault")


# --- the Editors group and create_editor ---------------------------------------------------


def test_editors_group_has_exactly_the_curation_permissions():
    group = Group.objects.get(name="Editors")
    have = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert have == (
        set(migration.codenames())
        | set(merge_migration.codenames())
        | set(suggestion_migration.codenames())
    )
    codenames = {codename for _, codename in have}
    assert "change_claim" in codenames and "change_articleinitiative" in codenames
    # Nothing editors must not do: delete content or decisions, manage people.
    forbidden = {"delete_claim", "delete_article", "delete_feed", "delete_articleinitiative",
                 "delete_mention", "change_user"}  # fmt: skip
    assert not codenames & forbidden


def test_create_editor_makes_a_staff_member_of_editors_and_can_run_twice(capsys):
    call_command("create_editor", "ana", "--password", "s3cret-pass")
    call_command("create_editor", "ana")
    user = Group.objects.get(name="Editors").user_set.get()
    assert (user.username, user.is_staff, user.is_superuser) == ("ana", True, False)
    assert user.check_password("s3cret-pass")  # a second run without --password keeps it
    assert user.has_perm("tracker.change_claim") and not user.has_perm("tracker.delete_claim")


def test_create_editor_demo_run_again_keeps_the_password_and_says_so(capsys):
    call_command("create_editor", "--demo")
    first = capsys.readouterr().out
    password = first.split("password:")[1].split()[0]
    call_command("create_editor", "demo", "--demo")  # bin/demo, run a second time
    second = capsys.readouterr().out
    assert "username: demo" in first and password not in second
    assert "password: unchanged" in second
    user = Group.objects.get(name="Editors").user_set.get(username="demo")
    assert user.is_staff and user.check_password(password)


def test_create_editor_new_password_replaces_it_and_says_it_changed(capsys):
    call_command("create_editor", "--demo")
    old = capsys.readouterr().out.split("password:")[1].split()[0]
    call_command("create_editor", "demo", "--demo", "--new-password")
    out = capsys.readouterr().out
    new = out.split("password:")[1].split()[0]
    assert new != old and "CHANGED" in out
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(new) and not user.check_password(old)


def test_create_editor_needs_a_username():
    with pytest.raises(CommandError):
        call_command("create_editor")


# --- review queue ---------------------------------------------------------------------------


def test_queue_groups_suggestions_by_initiative_with_the_match_in_context(desk, sample):
    response = desk.get(QUEUE)
    assert response.status_code == 200
    queue = response.context["queue"]
    groups = {group.target.slug: group for group in queue.initiatives}
    vault = groups["project-vault"]
    assert any(s.article.title.startswith("Project Vault Gets Its Banker") for s in
               vault.suggestions)  # fmt: skip
    suggestion = vault.suggestions[0]
    assert suggestion.match == "Project Vault"
    assert suggestion.before or suggestion.after
    assert b"<mark>Project Vault</mark>" in response.content
    assert queue.entities  # mentions, grouped by entity, below


def test_queue_narrows_to_one_initiative_or_one_article(desk, sample):
    only_vault = desk.get(QUEUE, {"initiative": sample.pk}).context["queue"]
    assert [g.target for g in only_vault.initiatives] == [sample]
    assert only_vault.entities == []
    article = Article.objects.get(title__startswith="Project Vault Gets Its Banker")
    one_article = desk.get(QUEUE, {"article": article.pk}).context["queue"]
    shown = [s for g in [*one_article.initiatives, *one_article.entities] for s in g.suggestions]
    assert shown and {s.article.pk for s in shown} == {article.pk}


def test_confirming_one_suggestion_records_who_and_when(desk, editor, sample):
    link = ArticleInitiative.objects.filter(initiative=sample).order_by("pk").first()
    response = desk.post(QUEUE, {"decide": f"confirm:initiative:{link.pk}"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.state, link.decided_by, link.origin) == ("confirmed", editor, "machine")
    assert link.decided_at is not None
    assert link.history.first().history_user == editor
    queue = desk.get(QUEUE).context["queue"]
    waiting = [s.link.pk for g in queue.initiatives for s in g.suggestions]
    assert link.pk not in waiting


def test_bulk_reject_decides_initiative_links_and_mentions_together(desk, editor, sample):
    link = ArticleInitiative.objects.filter(initiative=sample).first()
    mention = Mention.objects.first()
    desk.post(
        QUEUE,
        {"verdict": "reject", "selected": [f"initiative:{link.pk}", f"mention:{mention.pk}",
                                           "bogus:1", "mention:x"]},
    )  # fmt: skip
    link.refresh_from_db()
    mention.refresh_from_db()
    assert (link.state, mention.state) == ("rejected", "rejected")
    assert mention.decided_by == editor


def test_an_editor_adds_a_link_the_machine_missed(desk, editor, sample):
    article = Article.objects.exclude(initiatives=sample).first()
    entity = Entity.objects.exclude(mentions__article=article).first()
    response = desk.post(
        QUEUE, {"add": "1", "article": article.pk, "initiative": sample.pk, "entity": entity.pk}
    )
    assert response.status_code == 302
    link = ArticleInitiative.objects.get(article=article, initiative=sample)
    mention = Mention.objects.get(article=article, entity=entity)
    assert (link.origin, link.state, link.decided_by) == ("editor", "confirmed", editor)
    assert (mention.origin, mention.state) == ("editor", "confirmed")


def test_adding_a_link_needs_a_target(desk, sample):
    article = Article.objects.first()
    response = desk.post(QUEUE, {"add": "1", "article": article.pk})
    assert response.status_code == 200
    assert "Choose an initiative" in response.content.decode()


def test_staff_outside_editors_cannot_decide(client, sample):
    client.force_login(make_user("visitor", is_staff=True))
    link = ArticleInitiative.objects.first()
    assert client.get(QUEUE).status_code == 403
    assert client.post(QUEUE, {"decide": f"confirm:initiative:{link.pk}"}).status_code == 403
    link.refresh_from_db()
    assert link.state == "suggested"


@pytest.fixture
def busy_queue():
    """120 suggestions: 60 articles, each suggested for one initiative and one entity."""
    initiative, entity = make_initiative(name="Vault"), make_entity(name="EXIM")
    articles = []
    for n in range(60):
        article = make_article(content_text=f"Story {n}: Vault and EXIM met.")
        link_article(article, initiative, matched_text="Vault", confidence=0.5 + n / 1000)
        link_article(article, entity, matched_text="EXIM")
        articles.append(article)
    return initiative, entity, articles


def test_queue_pages_by_target_with_a_count_per_group(desk, busy_queue,
                                                      django_assert_max_num_queries):  # fmt: skip
    initiative, entity, _ = busy_queue
    with django_assert_max_num_queries(13):
        first = desk.get(QUEUE).context["queue"]
    assert (first.total, first.page.paginator.num_pages) == (120, 3)
    [vault] = first.groups
    assert (vault.head, vault.waiting, len(vault.suggestions), vault.continued) == (
        initiative, 60, 50, False,
    )  # fmt: skip
    confidences = [s.link.confidence for s in vault.suggestions]
    assert confidences == sorted(confidences, reverse=True)  # most confident first
    with django_assert_max_num_queries(14):
        second = desk.get(QUEUE, {"page": "2"}).context["queue"]
    assert [(g.head, g.waiting, len(g.suggestions), g.continued) for g in second.groups] == [
        (initiative, 60, 10, True), (entity, 60, 40, False),
    ]  # fmt: skip
    last = desk.get(QUEUE, {"page": "3"}).context["queue"]
    assert [(g.head, len(g.suggestions), g.continued) for g in last.groups] == [(entity, 20, True)]
    shown = {s.key for q in (first, second, last) for g in q.groups for s in g.suggestions}
    assert len(shown) == 120  # every suggestion on exactly one page


def test_queue_grouped_by_article_newest_first(desk, busy_queue):
    initiative, entity, articles = busy_queue
    response = desk.get(QUEUE, {"group": "article", "page": "2"})
    queue = response.context["queue"]
    assert queue.group_by == "article" and queue.page.number == 2
    heads = [g.head.pk for g in queue.groups]
    assert heads == [a.pk for a in reversed(articles)][25:50]
    for group in queue.groups:
        assert (group.kind, group.waiting) == ("article", 2)
        assert [s.target for s in group.suggestions] == [initiative, entity]
    html = response.content.decode()
    assert 'href="?group=article&amp;page=3"' in html and 'rel="next"' in html
    assert "Suggested link" in html


# Not "page": that names pytest-playwright's fixture and would reorder the run around a browser.
@pytest.mark.parametrize("number", ["junk", "0", "999", "²"])
def test_queue_takes_any_page_number_without_an_error(desk, busy_queue, number):
    response = desk.get(QUEUE, {"page": number, "group": "nonsense"})
    assert response.status_code == 200
    queue = response.context["queue"]
    assert queue.group_by == "target"
    assert queue.page.number == (3 if number in ("0", "999") else 1)  # out of range: the last


def test_queue_loads_its_shortcuts_from_a_file_not_inline(desk, busy_queue):
    html = desk.get(QUEUE).content.decode()
    assert '<script src="/static/js/review-queue.js" defer></script>' in html
    assert "<script>" not in html and " onclick=" not in html and "style=" not in html
    assert 'id="review-next"' in html and 'id="review-keys"' in html


# --- claims ---------------------------------------------------------------------------------


def _action(client, action, claims, **fields):
    return client.post(
        CLAIMS, {"action": action, "_selected_action": [c.pk for c in claims], **fields}
    )


def test_bulk_verify_asks_for_evidence_first(desk, editor):
    claims = [make_claim(), make_claim()]
    page = _action(desk, "mark_verified", claims)
    assert page.status_code == 200
    assert "Evidence URL" in page.content.decode()
    refused = _action(desk, "mark_verified", claims, apply="1", status="verified")
    assert refused.status_code == 200 and refused.context["form"].errors
    done = _action(desk, "mark_verified", claims, apply="1", status="verified",
                   evidence_url="https://www.exim.gov/news/vault")  # fmt: skip
    assert done.status_code == 302
    for claim in claims:
        claim.refresh_from_db()
        assert (claim.status, claim.reviewed_by) == ("verified", editor)
        assert claim.evidence_url == "https://www.exim.gov/news/vault"
        assert claim.reviewed_at is not None
        assert claim.history.first().history_user == editor


def test_false_needs_evidence_or_a_note_and_disputed_needs_neither(desk):
    claim = make_claim()
    _action(desk, "mark_false", [claim], apply="1", status="false")
    claim.refresh_from_db()
    assert claim.status == "unverified"
    _action(desk, "mark_false", [claim], apply="1", status="false", note="Misread the filing.")
    claim.refresh_from_db()
    assert (claim.status, claim.review_note) == ("false", "Misread the filing.")
    _action(desk, "mark_disputed", [claim], apply="1", status="disputed")
    claim.refresh_from_db()
    assert claim.status == "disputed"


def test_claim_change_form_reviews_through_the_service(desk, editor):
    claim = make_claim()
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    inline = {"appearances-TOTAL_FORMS": 0, "appearances-INITIAL_FORMS": 0}
    refused = desk.post(url, {"status": "verified", "evidence_url": "", **inline})
    assert refused.status_code == 200 and refused.context["errors"]
    saved = desk.post(url, {"status": "verified", "evidence_url": "https://example.org/e",
                            "review_note": "", **inline})  # fmt: skip
    assert saved.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by, claim.evidence_url) == (
        "verified", editor, "https://example.org/e",
    )  # fmt: skip


def test_claim_filters(desk, sample):
    flagged = Claim.objects.filter(needs_independent_verification=True)
    response = desk.get(CLAIMS, {"needs_independent_verification__exact": "1"})
    shown = {c.pk for c in response.context["cl"].result_list}
    assert shown == set(flagged.values_list("pk", flat=True)) and shown
    assert list(desk.get(CLAIMS, {"conflict": "yes"}).context["cl"].result_list) == []
    add_rival_vault_report()
    conflicted = desk.get(CLAIMS, {"conflict": "yes"}).context["cl"].result_list
    figures = {c.figure_text for c in conflicted}
    assert "$8 billion" in figures and any("10 billion" in f for f in figures)
    assert "$12 billion" not in figures
    about_vault = desk.get(CLAIMS, {"subject_initiative__id__exact": sample.pk})
    assert {c.subject_initiative_id for c in about_vault.context["cl"].result_list} == {sample.pk}
    unverified = desk.get(CLAIMS, {"status__exact": "verified"}).context["cl"].result_list
    assert list(unverified) == []


def test_claims_changelist_reads_filter_names_once_and_only_the_listed_columns(desk, sample):
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(CLAIMS)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(f'?subject_initiative__id__exact={sample.pk}"') == 1
    assert html.count(f'?initiatives__id__exact={sample.pk}"') == 1
    assert f'<td class="field-subject">{sample}</td>' in html  # the About column
    sqls = [q["sql"] for q in queries]
    # Both initiative filters (subject, named) show the same choices: read once.
    choices = [sql for sql in sqls if sql.startswith('SELECT "tracker_initiative"')]
    rows = [sql for sql in sqls if sql.startswith('SELECT "tracker_claim"')]
    assert len(choices) == 1 and len(rows) == 1
    unshown = ('"patterns"', '"summary"', '"description"', '"review_note"', '"password"')
    assert not [column for column in unshown for sql in choices + rows if column in sql]


def test_claims_changelist_shows_measure_and_outlets_and_no_red_cross_for_no(desk):
    from articles.models import ArticleFeed, Feed

    metals = Feed.objects.create(url="https://metals-wire.example.net/rss", title="Metals Wire")
    mining = Feed.objects.create(url="https://www.mining-daily.example.com/feed/")
    article = make_article(title="Smelter output rises")
    for feed in (metals, mining):
        ArticleFeed.objects.create(article=article, feed=feed)
    checked = make_claim(articles=[article], measure="smelter output")
    flagged = make_claim(articles=[article], needs_independent_verification=True)
    with CaptureQueriesContext(connection) as queries:
        html = desk.get(CLAIMS).content.decode()
    assert '<td class="field-measure">smelter output</td>' in html
    assert html.count('<td class="field-outlets">Metals Wire, mining-daily.example.com</td>') == 2
    # "No" is the usual case: nothing drawn, and no admin yes/no icon anywhere in the list.
    assert "icon-no.svg" not in html and "icon-yes.svg" not in html
    assert html.count('<span class="claim-flag">needs one</span>') == 1
    assert str(checked.pk) in html and str(flagged.pk) in html
    outlet_queries = [q["sql"] for q in queries if '"articles_articlefeed"' in q["sql"]]
    assert len(outlet_queries) == 1  # one query for the page's outlets, not one per claim


def test_admin_is_branded_and_names_its_icon(client, desk):
    login = Client().get(reverse("admin:login")).content.decode()
    assert "REEx Tracker · editors&#x27; desk" in login
    assert '<link rel="icon" href="/static/img/favicon.svg"' in login
    assert 'href="/static/css/admin.css"' in login
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"] == "/static/img/favicon.svg"


def test_claim_history_page_has_no_inline_style(desk):
    claim = make_claim(articles=[make_article()])
    claim_review(claim=claim, status=Claim.Status.VERIFIED, user=make_user("checker"),
                          evidence_url="https://example.org/evidence", note="")  # fmt: skip
    response = desk.get(reverse("admin:tracker_claim_history", args=[claim.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="change-history"' in html
    assert "style=" not in html  # the CSP refuses inline styles (style-src 'self')
    assert 'class="paginator history-paginator"' in html


# --- initiatives and entities ---------------------------------------------------------------


def test_initiative_page_lists_conflicting_figures_with_their_claims(desk, sample):
    add_rival_vault_report()
    response = desk.get(reverse("admin:tracker_initiative_change", args=[sample.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    eight = Claim.objects.get(subject_initiative=sample, value=Decimal("8e9"))
    assert reverse("admin:tracker_claim_change", args=[eight.pk]) in html
    assert "8,000,000,000 USD" in html and "loan" in html
    stating = eight.appearances.count()
    assert f"({eight.get_status_display()}, {stating} article(s))" in html


def test_saving_an_initiative_keeps_history_and_tells_the_tracker(desk, editor, monkeypatch):
    initiative = make_initiative(name="Vault")
    seen = []
    monkeypatch.setattr(events, "tracker_changed", lambda **kw: seen.append(kw))
    url = reverse("admin:tracker_initiative_change", args=[initiative.pk])
    form = {
        "name": "Vault", "slug": initiative.slug, "kind": "stockpile", "status": "active",
        "patterns": "[]", "conflict_note": "The $12 billion counts private money.",
        **{f"{prefix}-{k}": v for prefix in ("aliases", "sponsorships", "relations_from", "facts")
           for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))},
    }  # fmt: skip
    response = desk.post(url, form)
    assert response.status_code == 302, response.context and response.context["errors"]
    initiative.refresh_from_db()
    assert initiative.conflict_note.startswith("The $12 billion")
    assert seen == [{"event": events.INITIATIVE_UPDATED, "instance": initiative}]
    assert initiative.history.first().history_user == editor


def test_merge_into_moves_aliases_and_mentions_and_removes_the_source(desk, editor):
    source, into = make_entity(name="Ex-Im Bank"), make_entity(name="EXIM")
    EntityAlias.objects.create(entity=source, text="US Exim")
    article = make_article()
    link_article(article, source, matched_text="Ex-Im Bank")
    changelist = reverse("admin:tracker_entity_changelist")
    form = {"action": "merge_into", "_selected_action": [source.pk]}
    assert "Merge into" in desk.post(changelist, form).content.decode()
    desk.post(changelist, {**form, "apply": "1", "into": into.pk})
    assert not Entity.objects.filter(pk=source.pk).exists()
    assert set(into.aliases.values_list("text", flat=True)) == {"US Exim", "Ex-Im Bank"}
    assert Mention.objects.get(article=article).entity == into
    merge = EntityMerge.objects.get()
    assert (merge.name, merge.into, merge.merged_by) == ("Ex-Im Bank", into, editor)


def test_editors_read_the_merge_records_and_cannot_change_them(
    desk, editor, django_assert_max_num_queries
):
    into = make_entity(name="EXIM")
    entity_merge(source=make_entity(name="Ex-Im Bank", slug="ex-im-bank"), into=into)
    merge = EntityMerge.objects.get()
    for _ in range(30):
        entity_merge(source=make_entity(), into=make_entity(), user=editor)

    with django_assert_max_num_queries(14):
        page = desk.get(reverse("admin:tracker_entitymerge_changelist"))
    assert page.status_code == 200
    assert "Ex-Im Bank" in page.content.decode() and "ex-im-bank" in page.content.decode()
    assert desk.get(reverse("admin:tracker_entitymerge_change", args=[merge.pk])).status_code == 200
    assert desk.get(reverse("admin:tracker_entitymerge_add")).status_code == 403
    assert (
        desk.post(reverse("admin:tracker_entitymerge_delete", args=[merge.pk])).status_code == 403
    )


def test_merge_into_itself_is_refused(desk):
    entity = make_entity()
    changelist = reverse("admin:tracker_entity_changelist")
    response = desk.post(changelist, {"action": "merge_into", "_selected_action": [entity.pk],
                                      "apply": "1", "into": entity.pk})  # fmt: skip
    assert response.status_code == 200
    assert Entity.objects.filter(pk=entity.pk).exists()


# --- history and changelists ----------------------------------------------------------------


def test_history_pages_show_who_decided(desk, editor, sample):
    link = ArticleInitiative.objects.filter(initiative=sample).first()
    desk.post(QUEUE, {"decide": f"confirm:initiative:{link.pk}"})
    page = desk.get(reverse("admin:tracker_articleinitiative_history", args=[link.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "admin-editor" in html and "confirmed" in html
    # Reverting from history would bypass the services: it is off.
    assert page.context["revert_disabled"] is True


@pytest.mark.parametrize(
    "name",
    ["claim", "articleinitiative", "mention", "articletopic", "claimappearance", "initiative",
     "entity", "entityalias", "entitymerge", "initiativealias", "initiativefact", "topic"],
)  # fmt: skip
def test_changelists_make_a_fixed_number_of_queries(
    admin_client, name, django_assert_max_num_queries
):
    initiative = make_initiative()
    for n in range(40):
        entity = make_entity()
        EntityAlias.objects.create(entity=entity, text=f"alias {n}")
        article = make_article()
        link_article(article, initiative, matched_text="x")
        link_article(article, entity, matched_text="y")
        claim = make_claim(articles=[article], subject_initiative=initiative)
        claim.entities.add(entity)
    initiative.sponsors.add(*Entity.objects.all()[:5], through_defaults={"role": "lead"})
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse(f"admin:tracker_{name}_changelist"))
    assert response.status_code == 200
