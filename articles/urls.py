from django.urls import path

from reex.caching import cache_reader_page

from . import views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail-short"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="detail"),
    path("feeds/rss/", cache_reader_page(LatestArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", cache_reader_page(LatestArticlesAtomFeed()), name="feed-atom"),
]
