"""Editors' controls on the public pages: shown only to users with the permission, POST-only,
CSRF-protected, and going through the same services (and history) as the admin."""

import pytest
from django.core.cache import cache
from django.test import Client

from articles.models import Article
from tests.factories import make_editor, make_user
from tracker.models import ArticleInitiative, Claim, Initiative, Mention

pytestmark = pytest.mark.django_db

VAULT = "/initiatives/project-vault/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sample(sample_tracker):
    pass


@pytest.fixture
def editor_client(client, sample):
    client.force_login(make_editor())
    return client


def summit() -> Article:
    return Article.objects.get(title__startswith="Fifty Delegations")


def ten_billion() -> Claim:
    return Claim.objects.get(subject_initiative__slug="project-vault", figure_text__contains="$10")


def test_editor_sees_controls_on_article_initiative_and_claims_pages(editor_client):
    article = editor_client.get(summit().get_absolute_url()).content.decode()
    link = ArticleInitiative.objects.filter(article=summit()).first()
    assert f'action="/links/initiative/{link.pk}/decide/"' in article
    assert f'action="/articles/{summit().pk}/initiatives/add/"' in article
    assert "Review this claim" in article and "csrfmiddlewaretoken" in article
    # The "link to another initiative" list leaves out those already linked.
    options = article[article.index('id="link-initiative"') :]
    options = options[: options.index("</select>")]
    assert f'value="{link.initiative.slug}"' not in options and 'value="forge"' in options

    initiative = editor_client.get(VAULT).content.decode()
    assert "Review this claim" in initiative and "/links/initiative/" in initiative

    claims = editor_client.get("/claims/").content.decode()
    assert f'action="/claims/{ten_billion().pk}/review/"' in claims


def test_editor_marks_claim_verified_with_evidence_and_it_is_recorded(editor_client):
    claim = ten_billion()
    back = summit().get_absolute_url()
    response = editor_client.post(
        f"/claims/{claim.pk}/review/",
        {
            "status": "verified",
            "evidence_url": "https://www.exim.gov/news/vault",
            "note": "Board minutes",
            "next": back,
        },
        follow=True,
    )

    assert response.redirect_chain[0] == (back, 302)
    assert "Claim marked verified." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "verified" and claim.evidence_url == "https://www.exim.gov/news/vault"
    assert claim.reviewed_by.username == "desk-editor"
    latest = claim.history.first()
    assert latest.status == "verified" and latest.history_user.username == "desk-editor"


def test_verifying_without_evidence_changes_nothing_and_says_why(editor_client):
    claim = ten_billion()
    response = editor_client.post(
        f"/claims/{claim.pk}/review/", {"status": "verified", "next": VAULT}, follow=True
    )

    assert "needs the evidence" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "unverified"


def test_editor_marks_a_verified_claim_unverified_again(editor_client):
    claim = ten_billion()
    for status in ("verified", "unverified"):
        editor_client.post(
            f"/claims/{claim.pk}/review/",
            {"status": status, "evidence_url": "https://www.exim.gov/news/vault"},
        )
    claim.refresh_from_db()
    assert claim.status == "unverified"
    assert [h.status for h in claim.history.order_by("history_date")][-2:] == [
        "verified",
        "unverified",
    ]


def test_editor_confirms_and_rejects_suggested_links(editor_client):
    link = ArticleInitiative.objects.filter(article=summit(), state="suggested").first()
    mention = Mention.objects.filter(article=summit(), state="suggested").first()

    editor_client.post(f"/links/initiative/{link.pk}/decide/", {"state": "confirmed"})
    editor_client.post(f"/links/mention/{mention.pk}/decide/", {"state": "rejected"})

    link.refresh_from_db()
    mention.refresh_from_db()
    assert (link.state, link.origin, link.decided_by.username) == (
        "confirmed",
        "machine",
        "desk-editor",
    )
    assert mention.state == "rejected"
    page = editor_client.get(summit().get_absolute_url()).content.decode()
    assert f'href="/entities/{mention.entity.slug}/"' not in page
    assert f'action="/links/initiative/{link.pk}/decide/"' not in page  # decided: no buttons


def test_editor_links_article_to_another_initiative(editor_client):
    article = summit()
    response = editor_client.post(
        f"/articles/{article.pk}/initiatives/add/", {"initiative": "forge"}, follow=True
    )

    assert response.redirect_chain[0] == (article.get_absolute_url(), 302)
    link = ArticleInitiative.objects.get(article=article, initiative__slug="forge")
    assert (link.origin, link.state) == ("editor", "confirmed")
    assert article.get_absolute_url() in editor_client.get("/initiatives/forge/").content.decode()


def test_redirect_back_never_leaves_the_site(editor_client):
    claim = ten_billion()
    response = editor_client.post(
        f"/claims/{claim.pk}/review/",
        {"status": "disputed", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == "/claims/"


def _control_posts(sample_ids):
    claim_pk, link_pk, mention_pk, article_pk = sample_ids
    return [
        (f"/claims/{claim_pk}/review/", {"status": "false"}),
        (f"/links/initiative/{link_pk}/decide/", {"state": "rejected"}),
        (f"/links/mention/{mention_pk}/decide/", {"state": "rejected"}),
        (f"/articles/{article_pk}/initiatives/add/", {"initiative": "forge"}),
    ]


@pytest.fixture
def sample_ids(sample):
    article = summit()
    return (
        ten_billion().pk,
        ArticleInitiative.objects.filter(article=article).first().pk,
        Mention.objects.filter(article=article).first().pk,
        article.pk,
    )


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_controls_refuse_anonymous_and_unauthorised_posts(client, sample_ids, who):
    if who == "reader":
        client.force_login(make_user("reader"))
    for url, data in _control_posts(sample_ids):
        assert client.post(url, data).status_code == 403, url
    assert Claim.objects.get(pk=sample_ids[0]).status == "unverified"
    assert not ArticleInitiative.objects.filter(
        article_id=sample_ids[3], initiative__slug="forge"
    ).exists()
    assert not ArticleInitiative.objects.exclude(state="suggested").exists()


def test_controls_need_the_csrf_token(sample_ids):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor())
    for url, data in _control_posts(sample_ids):
        assert client.post(url, data).status_code == 403, url
    assert Claim.objects.get(pk=sample_ids[0]).status == "unverified"


def test_controls_are_post_only(editor_client, sample_ids):
    for url, _ in _control_posts(sample_ids):
        assert editor_client.get(url).status_code == 405


def test_editor_pages_stay_within_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    # Signed in, the page also reads the session, the user and its permissions, and the
    # initiatives to link to: a few more than a reader's page, still independent of data size.
    for url in (summit().get_absolute_url(), VAULT, "/claims/"):
        with django_assert_max_num_queries(15):
            assert editor_client.get(url).status_code == 200
    assert Initiative.objects.exists()


def test_members_of_the_editors_group_get_the_controls(client, sample):
    from django.contrib.auth.models import Group

    user = make_user("group-editor")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)

    page = client.get(summit().get_absolute_url()).content.decode()

    assert "Review this claim" in page and "Link to another initiative" in page
