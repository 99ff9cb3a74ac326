from django.urls import path

from reex.caching import cache_reader_page

from . import views
from .feeds import (
    InitiativeArticlesAtomFeed,
    InitiativeArticlesFeed,
    TopicArticlesAtomFeed,
    TopicArticlesFeed,
)

app_name = "tracker"

# The article list and search filter by the tracker's links, so the views are the tracker's; the
# pages keep their names in the articles namespace (web/urls.py mounts them there).
article_urlpatterns = [
    path("articles/", views.article_list, name="list"),
    path("search/", views.search, name="search"),
]

urlpatterns = [
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/feed/rss/", cache_reader_page(TopicArticlesFeed()), name="topic-rss"),
    path(
        "topics/<slug:slug>/feed/atom/",
        cache_reader_page(TopicArticlesAtomFeed()),
        name="topic-atom",
    ),
    path("initiatives/", views.initiative_list, name="initiatives"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="initiative"),
    path(
        "initiatives/<slug:slug>/feed/rss/",
        cache_reader_page(InitiativeArticlesFeed()),
        name="initiative-rss",
    ),
    path(
        "initiatives/<slug:slug>/feed/atom/",
        cache_reader_page(InitiativeArticlesAtomFeed()),
        name="initiative-atom",
    ),
    path("entities/", views.entity_list, name="entities"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity"),
    path("claims/", views.claim_list, name="claims"),
    # Editors' controls (POST only, permission-checked).
    path("claims/<int:pk>/review/", views.claim_review, name="claim-review"),
    path(
        "links/initiative/<int:pk>/decide/",
        views.initiative_link_decide,
        name="initiative-link-decide",
    ),
    path("links/mention/<int:pk>/decide/", views.mention_decide, name="mention-decide"),
    path(
        "articles/<int:pk>/initiatives/add/",
        views.article_initiative_add,
        name="article-initiative-add",
    ),
]
